// DumpText: the dump document rendered for people.
//
// Layout: a header (model, graph, inputs, outputs), then the nodes in graph order, each as
// a header line (#index op name, domain and schema version) with indented lines for its
// inputs, attributes (sub-graphs nested below their attribute) and outputs; then
// initializers, functions and training graphs. Names that would be ambiguous in this layout
// (empty, or with spaces, quotes or control characters) are quoted; every line is escaped
// for the terminal (EscapeForDisplay) as it is written. The text is written as the document
// is walked, node by node, never held whole.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <sstream>

#include "dump/document.h"
#include "dump/picture.h"
#include "dump/schema_names.h"
#include "onnxkit/dump.h"
#include "onnxkit/escape.h"

namespace onnxkit {
namespace {

using dump_internal::DocumentBuilder;
using dump_internal::GraphRef;
using dump_internal::Json;

constexpr size_t kWrapColumn = 100;
constexpr size_t kMaxAlign = 32;
// Attribute lists longer than this are cut in text (the JSON form has them all).
constexpr size_t kMaxListItems = 64;

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += fmt::format("\\x{:02x}", u);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A name as is when it reads unambiguously between two-space separators, quoted otherwise.
std::string Name(std::string_view s) {
  bool plain = !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '"' || c == '\\';
  });
  return plain ? std::string(s) : Quote(s);
}

// The same for a JSON string of the document.
std::string QuoteOf(const Json& s) { return Quote(s.get<std::string>()); }
std::string NameOf(const Json& s) { return Name(s.get<std::string>()); }

// Display width in code points (good enough to align UTF-8 names).
size_t Width(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

std::string PadTo(const std::string& s, size_t width) {
  size_t w = Width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

// Numbers as JSON holds them: integers exactly, floats shortest round-trip.
std::string Scalar(const Json& v) {
  // is_number_integer() is true for unsigned numbers too: ask the narrower question first.
  if (v.is_number_unsigned()) return fmt::format("{}", v.get<uint64_t>());
  if (v.is_number_integer()) return fmt::format("{}", v.get<int64_t>());
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_string()) return v.get<std::string>();  // "nan", "inf", "-inf"
  if (v.is_array() && v.size() == 2) return fmt::format("({},{})", Scalar(v[0]), Scalar(v[1]));
  if (v.is_null()) return "-";
  return v.dump();
}

// Statistics with four significant digits: they summarise, the values section is exact.
std::string Approx(const Json& v) {
  if (v.is_number_float()) return fmt::format("{:.4g}", v.get<double>());
  return Scalar(v);
}

// Only compared with the number of values shown, so saturating is enough.
int64_t ElementCount(const Json& dims) {
  int64_t count = 1;
  for (const Json& d : dims) {
    const int64_t dim = d.get<int64_t>();
    if (dim <= 0) return 0;
    count = count > INT64_MAX / dim ? INT64_MAX : count * dim;
  }
  return count;
}

std::string DimsText(const Json& dims) {
  std::string out;
  for (const Json& d : dims) {
    if (!out.empty()) out += ',';
    out += Scalar(d);
  }
  return out;
}

std::string TypeText(const Json& tensor) {
  return tensor["dtype"].get_ref<const std::string&>() + "[" + DimsText(tensor["dims"]) + "]";
}

std::string ValueList(const Json& values, const std::string& dtype, int64_t total) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += dtype == "string" ? Quote(values[i].get<std::string>()) : Scalar(values[i]);
  }
  if (static_cast<int64_t>(values.size()) < total) out += values.empty() ? "…" : ",…";
  return out + "]";
}

// "float32[4] [1,1,3,3]": the type, then the values the summary holds.
std::string TensorText(const Json& t) {
  std::string out = TypeText(t);
  if (t.contains("values")) {
    out += " " + ValueList(t["values"], t["dtype"], ElementCount(t["dims"]));
  }
  if (t.contains("error")) out += " (unreadable: " + t["error"].get<std::string>() + ")";
  return out;
}

std::string SparseText(const Json& s) {
  const std::string dims = DimsText(s["dims"]);
  const Json& values = s["values"];
  if (values.is_null()) return fmt::format("sparse [{}] (no values)", dims);
  std::string out = fmt::format("sparse {}[{}] nnz {}", values["dtype"].get<std::string>(), dims,
                                ElementCount(values["dims"]));
  if (values.contains("values")) {
    out += " values " + ValueList(values["values"], values["dtype"], ElementCount(values["dims"]));
  }
  const Json& indices = s["indices"];
  if (!indices.is_null() && indices.contains("values")) {
    out +=
        " indices " + ValueList(indices["values"], indices["dtype"], ElementCount(indices["dims"]));
  }
  return out;
}

std::string DomainText(const Json& domain) {
  return dump_internal::DisplayDomain(domain.get<std::string>());
}

std::string OpsetsText(const Json& opsets) {
  std::string out;
  for (const Json& o : opsets) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", DomainText(o["domain"]), o["version"].get<int64_t>());
  }
  return out.empty() ? "none" : out;
}

// "key=\"value\"" items of a metadata_props list.
std::vector<std::string> MetadataItems(const Json& props) {
  std::vector<std::string> out;
  for (const Json& kv : props) out.push_back(NameOf(kv["key"]) + "=" + QuoteOf(kv["value"]));
  return out;
}

// "stage 1  X: devices [0,1] axis 0 / 2" for one device configuration of a node.
std::string NodeDeviceText(const Json& c) {
  std::string out = fmt::format("{}  stage {}", NameOf(c["configuration_id"]),
                                c["pipeline_stage"].get<int32_t>());
  for (const Json& spec : c["sharding_spec"]) {
    out +=
        fmt::format("  {}: devices [{}]", NameOf(spec["tensor_name"]), DimsText(spec["devices"]));
    for (const Json& g : spec["index_to_device_group_map"]) {
      out += fmt::format(" group {}=[{}]", Scalar(g["key"]), DimsText(g["devices"]));
    }
    for (const Json& d : spec["sharded_dim"]) {
      out += fmt::format(" axis {}", Scalar(d["axis"]));
      for (const Json& simple : d["simple_sharding"]) {
        std::string dim = simple.contains("dim_value")   ? Scalar(simple["dim_value"])
                          : simple.contains("dim_param") ? NameOf(simple["dim_param"])
                                                         : "?";
        out += fmt::format(" {}/{}", dim, Scalar(simple["num_shards"]));
      }
    }
  }
  return out;
}

std::string ResolutionText(const dump_internal::OpResolution& r) {
  using Kind = dump_internal::OpResolution::Kind;
  switch (r.kind) {
    case Kind::kSchema:
      return fmt::format("v{}{}", r.since_version, r.deprecated ? " deprecated" : "");
    case Kind::kLocalFunction: return "(local function)";
    case Kind::kNoSchema: break;
  }
  return fmt::format("(no schema: {})", r.reason);
}

std::string ConstantText(const Json& c) {
  const std::string source = c["source"];
  if (source == "sparse initializer") return "sparse const";
  const std::string word = source == "initializer" ? "const" : source;
  return fmt::format("{} {}", word, TensorText(c));
}

// "min 1 max 6 mean 3.5" (nan and inf counts when there are any), or why there are none.
std::string StatsText(const Json& t) {
  if (t.contains("stats_skipped")) {
    return "stats skipped (" + t["stats_skipped"].get<std::string>() + ")";
  }
  if (!t.contains("stats")) return "";
  const Json& s = t["stats"];
  std::string out =
      fmt::format("min {} max {} mean {}", Approx(s["min"]), Approx(s["max"]), Approx(s["mean"]));
  if (s.contains("nan") && s["nan"].get<int64_t>() > 0)
    out += fmt::format(" nan {}", Scalar(s["nan"]));
  if (s.contains("inf") && s["inf"].get<int64_t>() > 0)
    out += fmt::format(" inf {}", Scalar(s["inf"]));
  return out;
}
class TextRenderer {
 public:
  TextRenderer(const Model& model, const DumpOptions& options, std::ostream& out)
      : builder_(model, options),
        out_(out),
        full_(options.initializers == DumpOptions::Initializers::kFull) {}

  Status Print() {
    ModelHeader(builder_.Header());
    if (!builder_.model().graph) {
      Line(0, "graph  (none)");
    } else {
      const GraphRef main = builder_.MainGraph();
      const Json head = builder_.GraphHead(*main.graph);
      std::string header = "graph  " + NameOf(head["name"]);
      if (head.contains("doc_string")) header += "  doc " + QuoteOf(head["doc_string"]);
      Line(0, header);
      Graph(main, head, 0, /*main=*/true);
    }
    Functions();
    Training();
    Flush();
    out_.flush();
    if (!status_.ok()) return status_;
    return out_ ? absl::OkStatus() : absl::UnavailableError("cannot write the dump");
  }

  // dump_internal::NodeTexts; `buffer` is the stream this renderer writes to.
  absl::flat_hash_map<const onnxkit::Node*, std::string> NodeTexts(
      const absl::flat_hash_set<const onnxkit::Node*>& nodes, std::ostringstream& buffer) {
    absl::flat_hash_map<const onnxkit::Node*, std::string> texts;
    if (builder_.model().graph) CollectNodeTexts(builder_.MainGraph(), nodes, buffer, texts);
    return texts;
  }

 private:
  // Every line goes through here: the model's strings are escaped for the terminal.
  // Lines collect in `pending_` and reach the stream in blocks of about kFlushBytes: one
  // write per block, not several per line through a (possibly stdio-synchronised) stream.
  void Line(size_t indent, std::string_view text) {
    if (!out_) return;  // a failed write (closed pipe, full disk): the rest is pointless
    pending_.append(indent, ' ');
    pending_ += EscapeForDisplay(text);
    pending_ += '\n';
    if (pending_.size() >= kFlushBytes) Flush();
  }

  void Flush() {
    if (out_ && !pending_.empty()) out_.write(pending_.data(), std::ssize(pending_));
    pending_.clear();
  }

  // Items separated by two spaces, wrapped before kWrapColumn.
  void Wrapped(size_t indent, const std::vector<std::string>& items) {
    std::string line;
    for (const std::string& item : items) {
      if (!line.empty() && indent + Width(line) + 2 + Width(item) > kWrapColumn) {
        Line(indent, line);
        line.clear();
      }
      line += (line.empty() ? "" : "  ") + item;
    }
    if (!line.empty()) Line(indent, line);
  }

  void ModelHeader(const Json& doc) {
    const Json& m = doc["model"];
    std::string line = fmt::format("model  ir {}", m["ir_version"].get<int64_t>());
    const std::string producer = fmt::format("{} {}", m["producer_name"].get<std::string>(),
                                             m["producer_version"].get<std::string>());
    if (producer != " ") line += " · producer " + producer;
    if (!m["domain"].get<std::string>().empty()) line += " · domain " + NameOf(m["domain"]);
    if (m["model_version"].get<int64_t>() != 0) {
      line += fmt::format(" · model_version {}", m["model_version"].get<int64_t>());
    }
    line += " · opsets " + OpsetsText(doc["opset_import"]);
    Line(0, line);
    if (!m["doc_string"].get<std::string>().empty()) Line(0, "doc  " + QuoteOf(m["doc_string"]));
    const Json& props = m["metadata_props"];
    if (!props.empty()) {
      Line(0, fmt::format("metadata ({})", props.size()));
      size_t width = 0;
      for (const Json& kv : props) width = std::max(width, Width(NameOf(kv["key"])));
      for (const Json& kv : props) {
        Line(2, PadTo(NameOf(kv["key"]), std::min(width, kMaxAlign)) + "  " + QuoteOf(kv["value"]));
      }
    }
    if (m.contains("configuration")) {
      Line(0, fmt::format("configuration ({})", m["configuration"].size()));
      for (const Json& c : m["configuration"]) {
        std::string line =
            fmt::format("{}  {} devices", NameOf(c["name"]), c["num_devices"].get<int32_t>());
        std::string devices;
        for (const Json& d : c["devices"]) devices += (devices.empty() ? "" : ", ") + NameOf(d);
        if (!devices.empty()) line += "  " + devices;
        Line(2, line);
      }
    }
    const Json& options = doc["options"];
    std::string filter;
    for (const Json& n : options["node"]) filter += " --node " + NameOf(n);
    for (const Json& o : options["op"]) filter += " --op " + NameOf(o);
    if (!filter.empty()) Line(0, "filter " + filter);
  }

  void Decls(size_t indent, const std::string& title, const Json& decls, bool always) {
    if (decls.empty() && !always) return;
    Line(indent, fmt::format("{} ({})", title, decls.size()));
    size_t width = 0;
    for (const Json& d : decls) {
      if (!d.is_null()) width = std::max(width, Width(NameOf(d["name"])));
    }
    for (const Json& d : decls) {
      if (d.is_null()) {
        Line(indent + 2, "(omitted)");
        continue;
      }
      std::string line = PadTo(NameOf(d["name"]), std::min(width, kMaxAlign)) + "  " +
                         (d["type"].is_null() ? "?" : d["type"].get<std::string>());
      if (d.contains("initializer")) line += "  (has initializer)";
      if (d.contains("doc_string")) line += "  doc " + QuoteOf(d["doc_string"]);
      Line(indent + 2, line);
      Metadata(indent + 6, d);
    }
  }

  // "metadata  key=\"value\"  …" for an element whose JSON has metadata_props.
  void Metadata(size_t indent, const Json& element) {
    if (!element.contains("metadata_props")) return;
    std::vector<std::string> items = MetadataItems(element["metadata_props"]);
    items.insert(items.begin(), "metadata");
    Wrapped(indent, items);
  }

  // A graph's sections; `indent` is where its section titles start.
  void Graph(const GraphRef& g, const Json& head, size_t indent, bool main) {
    Metadata(indent, head);
    Decls(indent, "inputs", head["inputs"], main);
    Decls(indent, "outputs", head["outputs"], main);
    if (head["value_info_count"].get<size_t>() > 0) {
      const size_t count = head["value_info_count"];
      Line(indent, fmt::format("value_info  {} {}", count, count == 1 ? "entry" : "entries"));
    }
    NodeList(g, indent, indent + 2);
    Initializers(*g.graph, indent);
    SparseInitializers(*g.graph, indent);
  }

  // "nodes (N)" or "nodes (N of M shown)", then each listed node.
  void NodeList(const GraphRef& g, size_t indent, size_t node_indent) {
    const size_t total = g.graph->node_count();
    const size_t listed = builder_.ListedNodeCount(g);
    if (listed == total) {
      Line(indent, fmt::format("nodes ({})", total));
    } else {
      Line(indent, fmt::format("nodes ({} of {} shown)", listed, total));
    }
    builder_.ForEachListedNode(g, [&](const onnxkit::Node& node, size_t index, bool context) {
      if (out_) Node(builder_.Facts(node, index, g, context), g, node_indent);
    });
  }

  void Node(const dump_internal::NodeFacts& f, const GraphRef& g, size_t indent) {
    const onnxkit::Node& node = *f.node;
    std::string header =
        fmt::format("#{} {}  {}  {} {}", f.index, Name(node.op_type), Name(node.name),
                    dump_internal::DisplayDomain(node.domain), ResolutionText(*f.resolution));
    if (f.context) header += "  [context: holds matching nodes]";
    Line(indent, header);
    const size_t detail = indent + 4;
    if (!node.doc_string.empty()) Line(detail, "doc " + Quote(node.doc_string));
    if (!node.overload.empty()) Line(detail, "overload " + Name(node.overload));
    if (f.extras.is_object()) {
      Metadata(detail, f.extras);
      if (f.extras.contains("device_configurations")) {
        for (const Json& c : f.extras["device_configurations"]) {
          Line(detail, "device " + NodeDeviceText(c));
        }
      }
    }
    std::vector<std::string> inputs;
    inputs.reserve(f.inputs.size());
    for (const dump_internal::NodeFacts::Slot& in : f.inputs) {
      std::string item = in.label + "=";
      item += in.value ? Name(in.value->name()) : "(omitted)";
      if (!in.constant.is_null()) item += " (" + ConstantText(in.constant) + ")";
      inputs.push_back(std::move(item));
    }
    Wrapped(detail, inputs);
    Attributes(f, g, detail);
    std::vector<std::string> outputs;
    outputs.reserve(f.outputs.size());
    for (const dump_internal::NodeFacts::Slot& out : f.outputs) {
      std::string item = out.label + "=";
      item += out.value ? Name(out.value->name()) : "(omitted)";
      if (out.value && out.value->type()) item += " " + TypeToString(*out.value->type());
      outputs.push_back(std::move(item));
    }
    if (!outputs.empty()) {
      outputs.front() = "-> " + outputs.front();
      Wrapped(detail, outputs);
    }
  }

  // For NodeTexts: each of `nodes` in `g` and in its sub-graphs at any depth, as Node() writes
  // it. `buffer` is the stream this renderer writes to.
  void CollectNodeTexts(const GraphRef& g, const absl::flat_hash_set<const onnxkit::Node*>& nodes,
                        std::ostringstream& buffer,
                        absl::flat_hash_map<const onnxkit::Node*, std::string>& texts) {
    size_t index = 0;
    for (const onnxkit::Node* node : g.graph->nodes()) {
      if (nodes.contains(node)) {
        buffer.str("");
        Node(builder_.Facts(*node, index, g, /*context=*/false), g, 0);
        Flush();
        texts.emplace(node, buffer.str());
      }
      ++index;
      for (const onnxkit::Graph* sub : node->subgraphs()) {
        CollectNodeTexts(builder_.Subgraph(*sub, g), nodes, buffer, texts);
      }
    }
  }

  void Attributes(const dump_internal::NodeFacts& f, const GraphRef& g, size_t indent) {
    std::vector<std::string> items;
    for (const dump_internal::NodeFacts::AttributeFacts& facts : f.attributes) {
      const Attribute& a = *facts.attribute;
      const bool graphs = a.type == AttributeType::kGraph || a.type == AttributeType::kGraphs;
      if (a.ref_attr_name.empty() && graphs) continue;
      items.push_back(AttributeText(a.name, a.type, a.ref_attr_name, facts.value, facts.dtype));
    }
    Wrapped(indent, items);
    // Sub-graphs after the plain attributes, each nested under its attribute's name.
    for (const Attribute& a : f.node->attributes) {
      if (!DocumentBuilder::StreamsGraphs(a)) continue;
      const std::string name = Name(a.name);
      if (a.type == AttributeType::kGraph) {
        Subgraph(name + "=", *a.g, g, indent);
      } else {
        Line(indent, fmt::format("{}=graphs ({})", name, a.graphs.size()));
        for (size_t j = 0; j < a.graphs.size(); ++j) {
          Subgraph(fmt::format("[{}] ", j), *a.graphs[j], g, indent + 2);
        }
      }
    }
  }

  void Subgraph(const std::string& label, const onnxkit::Graph& graph, const GraphRef& parent,
                size_t indent) {
    const GraphRef sub = builder_.Subgraph(graph, parent);
    const size_t count = graph.node_count();
    std::string header =
        fmt::format("{}graph {} ({} node{}", label, Name(graph.name), count, count == 1 ? "" : "s");
    if (!builder_.Expands(sub)) {
      Line(indent, header + ", not expanded)");
      return;
    }
    Line(indent, header + ")");
    Graph(sub, builder_.GraphHead(graph), indent + 4, /*main=*/false);
  }

  static std::string List(const Json& values, bool quote) {
    std::string out = "[";
    for (size_t i = 0; i < values.size() && i < kMaxListItems; ++i) {
      if (i) out += ',';
      out += quote ? Quote(values[i].get<std::string>()) : Scalar(values[i]);
    }
    if (values.size() > kMaxListItems) out += fmt::format(",… ({} values)", values.size());
    return out + "]";
  }

  // "name=value" of an attribute: `ref` the caller's attribute a function body refers to
  // (or ""), `value` its AttributeValueJson, `dtype` the type name an int stands for (or "").
  static std::string AttributeText(std::string_view attribute, AttributeType type,
                                   std::string_view ref, const Json& v, std::string_view dtype) {
    const std::string name = Name(attribute);
    if (!ref.empty()) return fmt::format("{}=@{}", name, Name(ref));
    if (v.is_null()) return name + "=?";
    if (!dtype.empty()) return fmt::format("{}={}", name, dtype);
    switch (type) {
      case AttributeType::kString: return name + "=" + Quote(v.get_ref<const std::string&>());
      case AttributeType::kFloat:
      case AttributeType::kInt: return name + "=" + Scalar(v);
      case AttributeType::kFloats:
      case AttributeType::kInts: return name + "=" + List(v, false);
      case AttributeType::kStrings: return name + "=" + List(v, true);
      case AttributeType::kTensor: return name + "=" + TensorText(v);
      case AttributeType::kSparseTensor: return name + "=" + SparseText(v);
      case AttributeType::kTypeProto: return name + "=" + v.get<std::string>();
      default: break;
    }
    std::vector<std::string> parts;
    for (const Json& e : v) {
      if (type == AttributeType::kTensors) parts.push_back(TensorText(e));
      if (type == AttributeType::kSparseTensors) parts.push_back(SparseText(e));
      if (type == AttributeType::kTypeProtos) parts.push_back(e.get<std::string>());
    }
    std::string joined;
    for (const std::string& p : parts) joined += (joined.empty() ? "" : ", ") + p;
    return name + "=[" + joined + "]";
  }

  void Initializers(const onnxkit::Graph& graph, size_t indent) {
    const Json totals = DocumentBuilder::InitializerTotals(graph);
    const size_t count = totals["initializer_count"];
    if (count == 0) return;
    const std::string bytes = dump_internal::FormatBytes(totals["initializer_bytes"]);
    if (!builder_.ListsInitializers()) {
      Line(indent, fmt::format("initializers ({} · {}, not listed)", count, bytes));
      return;
    }
    const std::vector<const Value*> listed = builder_.ListedInitializers(graph);
    if (listed.size() == count) {
      Line(indent, fmt::format("initializers ({} · {})", count, bytes));
    } else {
      Line(indent, fmt::format("initializers ({} of {} listed · {})", listed.size(), count, bytes));
    }
    // A table: name, type and size columns aligned, then the variable-length rest. The
    // widths come from a first pass that reads no tensor data.
    std::vector<size_t> widths(3, 0);
    for (const Value* v : listed) {
      const std::vector<std::string> head = HeadColumns(builder_.InitializerHead(*v));
      for (size_t c = 0; c < widths.size(); ++c) widths[c] = std::max(widths[c], Width(head[c]));
    }
    for (const Value* v : listed) {
      if (!out_) return;
      const Json t = builder_.InitializerJson(*v);
      const std::vector<std::string> row = InitializerColumns(t);
      std::string line;
      for (size_t c = 0; c < row.size(); ++c) {
        if (row[c].empty()) continue;
        if (!line.empty()) line += "  ";
        line += c < widths.size() && c + 1 < row.size()
                    ? PadTo(row[c], std::min(widths[c], kMaxAlign))
                    : row[c];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      Line(indent + 2, line);
      AllValues(t, *v, indent + 6);
    }
  }

  // The aligned columns of an initializer's row: name, type, size.
  static std::vector<std::string> HeadColumns(const Json& t) {
    return {NameOf(t["name"]), TypeText(t),
            t.contains("bytes") ? dump_internal::FormatBytes(t["bytes"]) : std::string("?")};
  }

  // Name, type, size, then notes: where the data lives, statistics, a value preview.
  std::vector<std::string> InitializerColumns(const Json& t) const {
    std::vector<std::string> row = HeadColumns(t);
    if (t.contains("graph_input")) row.push_back("(graph input)");
    if (t.contains("external")) {
      const Json& e = t["external"];
      row.push_back(fmt::format("external {} @ {}", NameOf(e["location"]), Scalar(e["offset"])));
    }
    row.push_back(StatsText(t));
    if (t.contains("error")) row.push_back("unreadable: " + t["error"].get<std::string>());
    if (t.contains("doc_string")) row.push_back("doc " + QuoteOf(t["doc_string"]));
    if (t.contains("values") && !ListsAllValues(t)) {
      row.push_back(full_ ? ValueList(t["values"], t["dtype"], ElementCount(t["dims"]))
                          : Preview(t));
    }
    return row;
  }

  // The summary's preview: like the statistics, four significant digits.
  static std::string Preview(const Json& t) {
    const Json& values = t["values"];
    const bool strings = t["dtype"] == "string";
    std::string out = "[";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) out += ", ";
      out += strings ? QuoteOf(values[i]) : Approx(values[i]);
    }
    if (static_cast<int64_t>(values.size()) < ElementCount(t["dims"])) {
      out += values.empty() ? "…" : ", …";
    }
    return out + "]";
  }

  // --initializers=full lists more than a few values on wrapped lines below the entry.
  bool ListsAllValues(const Json& t) const {
    return full_ && t.contains("values") &&
           (DocumentBuilder::ValuesStreamed(t) ||
            t["values"].size() > dump_internal::kConstantValues);
  }

  void AllValues(const Json& t, const Value& v, size_t indent) {
    if (!ListsAllValues(t)) return;
    const bool strings = t["dtype"] == "string";
    std::string row;
    size_t row_width = 0;
    auto add_all = [&](const Json& values) {
      for (const Json& value : values) {
        std::string item = strings ? QuoteOf(value) : Scalar(value);
        const size_t width = Width(item);
        if (!row.empty() && indent + row_width + 1 + width > kWrapColumn) {
          Line(indent, row);
          row.clear();
          row_width = 0;
        }
        if (!row.empty()) {
          row += ' ';
          ++row_width;
        }
        row += item;
        row_width += width;
      }
    };
    if (!DocumentBuilder::ValuesStreamed(t)) {
      add_all(t["values"]);
    } else {
      // The summary read the same bytes without error: a failure here is a changed file.
      status_.Update(builder_.ForEachValueChunk(v, [&](const Json& chunk) {
        if (out_) add_all(chunk);
      }));
    }
    if (!row.empty()) Line(indent, row);
  }

  void SparseInitializers(const onnxkit::Graph& graph, size_t indent) {
    const Json sparse = builder_.SparseInitializers(graph);
    if (sparse.is_null()) return;
    const size_t count = sparse["sparse_initializer_count"];
    if (!sparse.contains("sparse_initializers")) {
      Line(indent, fmt::format("sparse initializers ({}, not listed)", count));
      return;
    }
    Line(indent, fmt::format("sparse initializers ({})", count));
    for (const Json& s : sparse["sparse_initializers"]) {
      Line(indent + 2, NameOf(s["name"]) + "  " + SparseText(s));
    }
  }

  void Functions() {
    const std::vector<const onnxkit::Function*> functions = builder_.ListedFunctions();
    if (functions.empty()) return;
    Line(0, fmt::format("functions ({})", functions.size()));
    for (const onnxkit::Function* fn : functions) {
      const Json f = builder_.FunctionHead(*fn);
      auto names = [](const Json& list) {
        std::string out;
        for (const Json& n : list) out += (out.empty() ? "" : ", ") + Name(n.get<std::string>());
        return out;
      };
      Line(2, fmt::format("{}.{}({}) -> ({})", NameOf(f["domain"]), NameOf(f["name"]),
                          names(f["inputs"]), names(f["outputs"])));
      if (f.contains("overload")) Line(6, "overload " + NameOf(f["overload"]));
      if (f.contains("doc_string")) Line(6, "doc " + QuoteOf(f["doc_string"]));
      Metadata(6, f);
      std::string attributes = names(f["attributes"]);
      const Json& defaults = f["attribute_defaults"];
      for (size_t i = 0; i < fn->attribute_defaults.size(); ++i) {
        const Attribute& a = fn->attribute_defaults[i];
        attributes += (attributes.empty() ? "" : ", ") +
                      AttributeText(a.name, a.type, "", defaults[i]["value"], "");
      }
      if (!attributes.empty()) Line(6, "attributes  " + attributes);
      Line(6, "opsets  " + OpsetsText(f["opset_import"]));
      NodeList(builder_.FunctionBody(*fn), 6, 8);
    }
  }

  void Training() {
    const auto& training = builder_.model().training_info;
    if (training.empty()) return;
    Line(0, fmt::format("training_info ({})", training.size()));
    for (size_t i = 0; i < training.size(); ++i) {
      const TrainingInfo& t = training[i];
      TrainingGraph(fmt::format("#{} initialization", i), t.initialization.get(),
                    dump_internal::PairsJson(t.initialization_binding));
      TrainingGraph(fmt::format("#{} algorithm", i), t.algorithm.get(),
                    dump_internal::PairsJson(t.update_binding));
    }
  }

  void TrainingGraph(const std::string& title, const onnxkit::Graph* graph, const Json& bindings) {
    if (!graph) {
      Line(2, title + "  (none)");
      return;
    }
    Line(2, fmt::format("{}  graph {}", title, Name(graph->name)));
    if (!bindings.empty()) {
      std::string text;
      for (const Json& kv : bindings) {
        text += fmt::format("{}{} <- {}", text.empty() ? "" : ", ", NameOf(kv["key"]),
                            NameOf(kv["value"]));
      }
      Line(6, "bindings  " + text);
    }
    const GraphRef ref = builder_.TrainingGraph(*graph);
    Graph(ref, builder_.GraphHead(*graph), 6, /*main=*/false);
  }

  static constexpr size_t kFlushBytes = 64 << 10;

  DocumentBuilder builder_;
  std::ostream& out_;
  std::string pending_;  // lines not yet written to out_
  Status status_;        // the first error met while printing
  const bool full_;      // --initializers=full: values exact and complete
};

}  // namespace

Status DumpText(const Model& model, const DumpOptions& options, std::ostream& out) {
  return TextRenderer(model, options, out).Print();
}

std::string DumpTensorText(const Tensor& tensor, int64_t max_values) {
  DumpOptions options;
  options.stats_limit = UINT64_MAX;
  options.stats_budget = UINT64_MAX;
  dump_internal::TensorSummarizer summarizer(options);
  const Json t = summarizer.Summarize(tensor, max_values, /*with_stats=*/true);
  std::string out = TensorText(t);
  if (std::string stats = StatsText(t); !stats.empty()) out += "  " + stats;
  return out;
}

namespace dump_internal {

absl::flat_hash_map<const Node*, std::string> NodeTexts(
    const Model& model, const DumpOptions& options, const absl::flat_hash_set<const Node*>& nodes) {
  DumpOptions unfiltered = options;
  unfiltered.node_names.clear();
  unfiltered.op_types.clear();
  unfiltered.max_depth = 0;  // sub-graphs named in their node's text, not listed there
  std::ostringstream buffer;
  TextRenderer renderer(model, unfiltered, buffer);
  return renderer.NodeTexts(nodes, buffer);
}

}  // namespace dump_internal

std::string DumpText(const Model& model, const DumpOptions& options) {
  std::ostringstream out;
  DumpText(model, options, out).IgnoreError();  // a string stream does not fail
  return std::move(out).str();
}

}  // namespace onnxkit
