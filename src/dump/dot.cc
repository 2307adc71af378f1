// The dump as a Graphviz picture (DumpDot): nodes as boxes, values as labelled edges,
// initializers folded into the boxes of the nodes that read them, sub-graphs as clusters.
#include <fmt/format.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "dump/picture.h"
#include "onnxkit/dump.h"
#include "onnxkit/escape.h"
#include "onnxkit/tensor.h"

namespace onnxkit {
namespace {

// Longest text a label line keeps; the rest becomes "…".
constexpr size_t kMaxLineChars = 48;
// Attributes a box shows, and list elements per attribute.
constexpr size_t kMaxAttributes = 4;
constexpr size_t kMaxListElements = 6;
// Constant inputs a box lists.
constexpr size_t kMaxConstants = 4;
// Sub-graph levels drawn when DumpOptions::max_depth leaves it open: Graphviz's layout time
// grows steeply with nested clusters (24 nested Ifs take it half a minute).
constexpr int kDefaultPictureDepth = 8;

std::string Shorten(std::string text) {
  if (text.size() <= kMaxLineChars) return text;
  size_t cut = kMaxLineChars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  text.resize(cut);
  return text + "…";
}

// A string made safe for a double-quoted DOT string: display-escaped, then `\` and `"`
// escaped; newlines in labels are added by the caller as "\n".
std::string DotEscape(std::string_view raw) {
  std::string shown = EscapeForDisplay(raw);
  std::string out;
  out.reserve(shown.size());
  for (char c : shown) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

std::string Line(std::string_view raw) { return DotEscape(Shorten(std::string(raw))); }

// A name cut to its end, which tells most ("…/layer1/conv2/Conv" of an export's path).
std::string NameLine(std::string_view raw) {
  if (raw.size() <= kMaxLineChars) return DotEscape(raw);
  size_t cut = raw.size() - kMaxLineChars;
  while (cut < raw.size() && (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80) ++cut;
  return DotEscape("…" + std::string(raw.substr(cut)));
}

template <typename T>
std::string ListText(std::span<const T> values) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < values.size() && i < kMaxListElements; ++i) {
    parts.push_back(fmt::format("{}", values[i]));
  }
  if (values.size() > kMaxListElements) parts.push_back("…");
  return fmt::format("[{}]", fmt::join(parts, ","));
}

std::string TensorTypeText(const Tensor& t) {
  return fmt::format("{}[{}]", DataTypeName(t.data_type), fmt::join(t.dims, ","));
}

// "strides=[2,2]"; empty for what a box does not show (graphs, references).
std::string AttributeText(const Attribute& a) {
  if (!a.ref_attr_name.empty()) return fmt::format("{}=@{}", a.name, a.ref_attr_name);
  if (auto v = a.AsInt()) return fmt::format("{}={}", a.name, *v);
  if (auto v = a.AsFloat()) return fmt::format("{}={}", a.name, *v);
  if (auto v = a.AsString()) return fmt::format("{}={}", a.name, *v);
  if (auto v = a.AsInts()) return fmt::format("{}={}", a.name, ListText(*v));
  if (auto v = a.AsFloats()) return fmt::format("{}={}", a.name, ListText(*v));
  if (auto v = a.AsStrings()) return fmt::format("{}={}", a.name, ListText(*v));
  if (const Tensor* t = a.AsTensor()) return fmt::format("{}={}", a.name, TensorTypeText(*t));
  return "";
}

std::string ValueTypeText(const Value& v) {
  if (const Tensor* t = v.initializer()) return TensorTypeText(*t);
  return v.type() ? TypeToString(*v.type()) : "?";
}

// An edge's label: the value's type and shape, or its name when inference has not typed it.
std::string EdgeLabel(const Value& v) { return v.type() ? TypeToString(*v.type()) : v.name(); }

bool IsConstant(const Value* v) {
  return v != nullptr && v->producer() == nullptr && !v->is_graph_input() &&
         (v->initializer() != nullptr || v->sparse_initializer() != nullptr);
}

class DotWriter {
 public:
  DotWriter(const Model& model, const DumpOptions& options, std::ostream& out)
      : model_(model), options_(options), out_(out) {}

  void Write() {
    const Graph* main = model_.graph.get();
    out_ << "digraph onnxkit {\n"
         << "  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, labelloc=t];\n"
         << "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#dde8f7\", "
            "fontname=\"Helvetica\", fontsize=10];\n"
         << "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\"];\n";
    if (main == nullptr) {
      out_ << "  label=\"(no graph)\";\n}\n";
      return;
    }
    SelectNodes(*main, 0);
    WriteGraph(*main, 0, "  ");
    WriteEdges();
    out_ << "  label=\"" << Line(main->name.empty() ? "graph" : main->name) << " — "
         << DotEscape(Summary()) << "\";\n}\n";
  }

  // The node behind each box: boxes()[k] is drawn as "n<k>".
  const std::vector<const Node*>& boxes() const { return boxes_; }

 private:
  bool Filtering() const { return !options_.node_names.empty() || !options_.op_types.empty(); }

  bool Matches(const Node& n) const {
    auto has = [](const std::vector<std::string>& list, const std::string& s) {
      return std::find(list.begin(), list.end(), s) != list.end();
    };
    if (!options_.node_names.empty() && !has(options_.node_names, n.name)) return false;
    if (!options_.op_types.empty() && !has(options_.op_types, n.op_type)) return false;
    return true;
  }

  // Whether a sub-graph of `n` has a matching node at any depth: `n` is drawn as context.
  bool HoldsMatch(const Node& n) const {
    for (const Graph* sub : n.subgraphs()) {
      for (const Node* m : sub->nodes()) {
        if (Matches(*m) || HoldsMatch(*m)) return true;
      }
    }
    return false;
  }

  bool Expands(int depth) const {
    return depth < (options_.max_depth < 0 ? kDefaultPictureDepth : options_.max_depth);
  }

  // Chooses the nodes to draw in `graph` and the sub-graphs it expands: all of them, or with
  // a filter the matches and their neighbours within options_.context edges; then at most
  // options_.max_nodes in all, in graph order.
  void SelectNodes(const Graph& graph, int depth) {
    std::vector<const Node*> wanted;
    if (!Filtering()) {
      for (const Node* n : graph.nodes()) wanted.push_back(n);
    } else {
      wanted = Neighbourhood(graph);
    }
    for (const Node* n : wanted) {
      ++total_wanted_;
      if (options_.max_nodes > 0 && drawn_.size() >= options_.max_nodes) {
        ++left_out_;
        continue;
      }
      drawn_.insert(n);
      if (!Expands(depth)) continue;
      for (const Graph* sub : n->subgraphs()) SelectNodes(*sub, depth + 1);
    }
  }

  std::vector<const Node*> Neighbourhood(const Graph& graph) const {
    absl::flat_hash_set<const Node*> near;
    std::vector<const Node*> frontier;
    for (const Node* n : graph.nodes()) {
      if (Matches(*n) || HoldsMatch(*n)) {
        near.insert(n);
        frontier.push_back(n);
      }
    }
    for (int step = 0; step < options_.context && !frontier.empty(); ++step) {
      std::vector<const Node*> next;
      auto reach = [&](const Node* m) {
        if (m != nullptr && m->graph() == &graph && near.insert(m).second) next.push_back(m);
      };
      for (const Node* n : frontier) {
        for (const Value* in : n->inputs()) reach(in ? in->producer() : nullptr);
        for (const Value* out : n->outputs()) {
          for (const Use& use : out->uses()) reach(use.node);
        }
      }
      frontier = std::move(next);
    }
    std::vector<const Node*> ordered;
    for (const Node* n : graph.nodes()) {
      if (near.contains(n)) ordered.push_back(n);
    }
    return ordered;
  }

  std::string Summary() const {
    std::string text = fmt::format("{} node(s) drawn", drawn_.size());
    if (Filtering()) text += fmt::format(" around the nodes that match the filter");
    if (left_out_ > 0) {
      text += fmt::format(
          "; {} of {} left out by the limit of {} (--max-nodes; --node and --op "
          "focus)",
          left_out_, total_wanted_, options_.max_nodes);
    }
    return text;
  }

  std::string Id(const Node& n) {
    auto [it, added] = node_ids_.try_emplace(&n, "");
    if (added) {
      it->second = fmt::format("n{}", boxes_.size());
      boxes_.push_back(&n);
    }
    return it->second;
  }

  // The box a value comes from: its producer's, or an ellipse of its own (a graph input, or
  // a stub for a value whose producer is not drawn).
  std::string Source(const Value& v, const std::string& indent) {
    if (v.producer() != nullptr && drawn_.contains(v.producer())) return Id(*v.producer());
    auto [it, added] = value_ids_.try_emplace(&v, "");
    if (!added) return it->second;
    it->second = fmt::format("v{}", value_ids_.size() - 1);
    const bool input = v.is_graph_input();
    out_ << indent << it->second << " [shape=" << (input ? "ellipse" : "plaintext")
         << ", fillcolor=\"#d9f2d9\", label=\"" << NameLine(v.name())
         << (input ? "\\n" + Line(ValueTypeText(v)) : std::string()) << "\"];\n";
    return it->second;
  }

  void WriteGraph(const Graph& graph, int depth, const std::string& indent) {
    // A focused picture draws the inputs its nodes read, when they read them.
    if (!Filtering()) {
      for (const Value* in : graph.inputs()) Source(*in, indent);
    }
    for (const Node* n : graph.nodes()) {
      if (drawn_.contains(n)) WriteNode(*n, depth, indent);
    }
    for (const Value* out : graph.outputs()) {
      if (out->producer() != nullptr && !drawn_.contains(out->producer())) continue;
      const std::string id = fmt::format("o{}", output_count_++);
      out_ << indent << id << " [shape=ellipse, fillcolor=\"#f7e3c6\", label=\""
           << NameLine(out->name()) << "\\n"
           << Line(ValueTypeText(*out)) << "\"];\n";
      edges_.push_back({Source(*out, indent), id, "", out->name(), ""});
    }
  }

  void WriteNode(const Node& n, int depth, const std::string& indent) {
    std::vector<std::string> lines;
    std::string head =
        n.domain.empty() || n.domain == "ai.onnx" ? n.op_type : n.domain + "." + n.op_type;
    lines.push_back(Line(head));
    if (!n.name.empty()) lines.push_back(NameLine(n.name));
    size_t shown = 0;
    for (const Attribute& a : n.attributes) {
      std::string text = AttributeText(a);
      if (text.empty()) continue;
      if (shown++ == kMaxAttributes) {
        lines.push_back("…");
        break;
      }
      lines.push_back(Line(text));
    }
    size_t constants = 0;
    for (const Value* in : n.inputs()) {
      if (!IsConstant(in)) continue;
      if (constants++ == kMaxConstants) {
        lines.push_back("…");
        break;
      }
      lines.push_back(Line(fmt::format("{}: {}", in->name(), ValueTypeText(*in))));
    }
    std::vector<const Graph*> collapsed;
    for (const Attribute& a : n.attributes) {
      for (const Graph* sub : a.subgraphs()) {
        if (!Expands(depth)) {
          lines.push_back(
              Line(fmt::format("{}: {} node(s), not expanded", a.name, sub->node_count())));
        }
      }
    }
    const std::string id = Id(n);
    out_ << indent << id << " [label=\"" << fmt::format("{}", fmt::join(lines, "\\n"))
         << "\", tooltip=\"" << DotEscape(n.name.empty() ? n.op_type : n.name) << "\"];\n";
    for (const Value* in : n.inputs()) {
      if (in == nullptr || IsConstant(in)) continue;
      edges_.push_back({Source(*in, indent), id, EdgeLabel(*in), in->name(), ""});
    }
    if (Expands(depth)) WriteSubgraphs(n, depth, indent);
  }

  void WriteSubgraphs(const Node& n, int depth, const std::string& indent) {
    for (const Attribute& a : n.attributes) {
      for (const Graph* sub : a.subgraphs()) {
        out_ << indent << "subgraph cluster_" << cluster_count_++ << " {\n"
             << indent << "  style=\"rounded,dashed\"; color=\"#888888\"; label=\""
             << Line(fmt::format("{} {}", n.op_type, a.name)) << "\";\n";
        const size_t first_output = output_count_;
        WriteGraph(*sub, depth + 1, indent + "  ");
        out_ << indent << "}\n";
        // The body's results flow back into the node that holds it.
        for (size_t i = first_output; i < output_count_; ++i) {
          edges_.push_back({fmt::format("o{}", i), Id(n), "", "", "style=dashed"});
        }
      }
    }
  }

  struct Edge {
    std::string from, to, label, tooltip, style;
  };

  void WriteEdges() {
    for (const Edge& e : edges_) {
      out_ << "  " << e.from << " -> " << e.to << " [";
      std::vector<std::string> attrs;
      if (!e.label.empty()) attrs.push_back(fmt::format("label=\"{}\"", NameLine(e.label)));
      if (!e.tooltip.empty()) attrs.push_back(fmt::format("tooltip=\"{}\"", DotEscape(e.tooltip)));
      if (!e.style.empty()) attrs.push_back(e.style);
      out_ << fmt::format("{}", fmt::join(attrs, ", ")) << "];\n";
    }
  }

  const Model& model_;
  const DumpOptions& options_;
  std::ostream& out_;
  absl::flat_hash_set<const Node*> drawn_;
  absl::flat_hash_map<const Node*, std::string> node_ids_;
  std::vector<const Node*> boxes_;
  absl::flat_hash_map<const Value*, std::string> value_ids_;
  std::vector<Edge> edges_;
  size_t total_wanted_ = 0;
  size_t left_out_ = 0;
  size_t output_count_ = 0;
  size_t cluster_count_ = 0;
};

}  // namespace

Status DumpDot(const Model& model, const DumpOptions& options, std::ostream& out) {
  DotWriter(model, options, out).Write();
  out.flush();
  if (!out) return absl::UnavailableError("cannot write the picture");
  return absl::OkStatus();
}

std::string DumpDot(const Model& model, const DumpOptions& options) {
  std::ostringstream out;
  DotWriter(model, options, out).Write();
  return out.str();
}

namespace dump_internal {

std::string DotPicture(const Model& model, const DumpOptions& options,
                       std::vector<const Node*>* boxes) {
  std::ostringstream out;
  DotWriter writer(model, options, out);
  writer.Write();
  *boxes = writer.boxes();
  return out.str();
}

}  // namespace dump_internal
}  // namespace onnxkit
