#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "check/context.h"
#include "infer/engine.h"
#include "onnxkit/escape.h"

namespace onnxkit {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kNote: return "note";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "error";
}

std::string Location::Path() const {
  if (graph.empty()) return value.empty() ? "model" : value;
  if (!node_name.empty()) return graph + "/" + node_name;
  if (node_index >= 0) return fmt::format("{}/#{}", graph, node_index);
  if (!value.empty()) return graph + "/" + value;
  return graph;
}

size_t Diagnostics::Count(Severity severity) const {
  size_t n = 0;
  for (const Diagnostic& d : items) n += d.severity == severity ? 1 : 0;
  return n;
}

namespace check_internal {

std::string NodeLabel(const Node& node, int64_t index) { return infer::NodeLabel(node, index); }

Context::Context(const Model& model, Diagnostics& out)
    : model_(model), out_(out), functions_(model) {
  if (model.graph) {
    AddGraph(*model.graph, GraphScope::Kind::kMain, "main", nullptr, &model.opset_import, nullptr,
             nullptr);
  }
  for (size_t i = 0; i < model.training_info.size(); ++i) {
    const TrainingInfo& t = model.training_info[i];
    if (t.initialization) {
      AddGraph(*t.initialization, GraphScope::Kind::kTraining,
               fmt::format("training[{}].initialization", i), nullptr, &model.opset_import, nullptr,
               nullptr);
    }
    if (t.algorithm) {
      AddGraph(*t.algorithm, GraphScope::Kind::kTraining, fmt::format("training[{}].algorithm", i),
               nullptr, &model.opset_import, nullptr, nullptr);
    }
  }
  for (size_t i = 0; i < model.functions.size(); ++i) {
    const Function& fn = *model.functions[i];
    std::string path = fn.name.empty() ? fmt::format("fn:#{}", i) : "fn:" + fn.name;
    // Overloads share a name; the overload tells their bodies apart.
    if (!fn.overload.empty()) path += ":" + fn.overload;
    AddGraph(*fn.body, GraphScope::Kind::kFunction, path, &fn, &fn.opset_import, nullptr, nullptr);
  }
}

const Function* Context::FindFunction(const Node& call) const { return functions_.Find(call); }

bool Context::IsFunctionCall(const Node& node) const {
  return functions_.FindAnyOverload(node.domain, node.op_type) != nullptr;
}

const Function* Context::FindFunction(std::string_view domain, std::string_view name) const {
  return functions_.FindAnyOverload(domain, name);
}

const GraphScope* Context::BodyScope(const Function& fn) const { return ScopeOf(fn.body.get()); }

void Context::AddGraph(const Graph& g, GraphScope::Kind kind, std::string path, const Function* fn,
                       const std::vector<OpsetImport>* opsets, const Node* owner,
                       const Attribute* attribute) {
  scope_index_[&g] = graphs_.size();
  graphs_.push_back({&g, kind, path, fn, opsets, owner, attribute});
  int64_t index = -1;
  for (const Node* n : g.nodes()) {
    ++index;
    if (n->attributes.empty()) continue;
    // The label names sub-graphs: made only for nodes that have some (most have none, and a
    // string per node of a million-node graph is felt).
    std::string label;
    for (const Attribute& a : n->attributes) {
      if ((a.g || !a.graphs.empty()) && label.empty()) label = NodeLabel(*n, index);
      if (a.g) {
        AddGraph(*a.g, GraphScope::Kind::kSubgraph, fmt::format("{}/{}.{}", path, label, a.name),
                 fn, opsets, n, &a);
      }
      for (size_t i = 0; i < a.graphs.size(); ++i) {
        AddGraph(*a.graphs[i], GraphScope::Kind::kSubgraph,
                 fmt::format("{}/{}.{}[{}]", path, label, a.name, i), fn, opsets, n, &a);
      }
    }
  }
}

std::optional<int64_t> Context::OpsetVersion(const GraphScope& scope,
                                             std::string_view domain) const {
  return FindOpsetVersion(*scope.opsets, domain);
}

void Context::Report(Severity severity, std::string code, Location where, std::string message) {
  out_.items.push_back({severity, std::move(code), std::move(message), std::move(where)});
}

const GraphScope* Context::ScopeOf(const Graph* graph) const {
  auto it = scope_index_.find(graph);
  return it == scope_index_.end() ? nullptr : &graphs_[it->second];
}

int64_t Context::IndexOf(const Node& node) const {
  if (!indexed_) {
    // Built on first use: `infer-shapes` on a model without findings never asks.
    size_t nodes = 0;
    for (const GraphScope& s : graphs_) nodes += s.graph->node_count();
    index_.reserve(nodes);
    for (const GraphScope& s : graphs_) {
      int64_t index = 0;
      for (const Node* n : s.graph->nodes()) index_[n] = index++;
    }
    indexed_ = true;
  }
  auto it = index_.find(&node);
  return it == index_.end() ? -1 : it->second;
}

Location Context::NodeLocation(const GraphScope& scope, const Node& node) const {
  Location loc;
  loc.graph = scope.path;
  loc.node_index = IndexOf(node);
  loc.node_name = node.name;
  loc.op_type = node.op_type;
  loc.opset_version = OpsetVersion(scope, node.domain).value_or(0);
  return loc;
}

Location Context::ValueLocation(const GraphScope& scope, std::string_view value) const {
  Location loc;
  loc.graph = scope.path;
  loc.value = std::string(value);
  return loc;
}

Location Context::GraphLocation(const GraphScope& scope) const {
  Location loc;
  loc.graph = scope.path;
  return loc;
}

std::vector<std::vector<size_t>> StronglyConnectedComponents(
    const std::vector<std::vector<size_t>>& edges) {
  constexpr size_t kUnvisited = SIZE_MAX;
  std::vector<size_t> order(edges.size(), kUnvisited), low(edges.size(), 0);
  std::vector<bool> on_stack(edges.size(), false);
  std::vector<size_t> stack;
  std::vector<std::vector<size_t>> components;
  size_t counter = 0;
  struct Frame {
    size_t vertex;
    size_t next_edge;
  };
  for (size_t root = 0; root < edges.size(); ++root) {
    if (order[root] != kUnvisited) continue;
    std::vector<Frame> frames{{root, 0}};
    order[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      Frame& f = frames.back();
      if (f.next_edge < edges[f.vertex].size()) {
        size_t next = edges[f.vertex][f.next_edge++];
        if (order[next] == kUnvisited) {
          order[next] = low[next] = counter++;
          stack.push_back(next);
          on_stack[next] = true;
          frames.push_back({next, 0});
        } else if (on_stack[next]) {
          low[f.vertex] = std::min(low[f.vertex], order[next]);
        }
        continue;
      }
      size_t done = f.vertex;
      frames.pop_back();
      if (!frames.empty())
        low[frames.back().vertex] = std::min(low[frames.back().vertex], low[done]);
      if (low[done] != order[done]) continue;
      std::vector<size_t> component;
      size_t member;
      do {
        member = stack.back();
        stack.pop_back();
        on_stack[member] = false;
        component.push_back(member);
      } while (member != done);
      components.push_back(std::move(component));
    }
  }
  return components;
}

namespace {
struct Group {
  const char* name;
  void (*run)(Context&);
};
constexpr Group kGroups[] = {
    {"model", CheckModelRules},
    {"structure", CheckStructureRules},
    {"schema", CheckSchemaRules},
    {"types", CheckTypeRules},
    {"tensors", CheckTensorRules},
    {"functions", CheckFunctionRules},
    {"external-data", CheckExternalDataRules},
    {"lint", CheckLintRules},
};
}  // namespace

}  // namespace check_internal

const std::vector<std::string>& RuleGroups() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& g : check_internal::kGroups) out.emplace_back(g.name);
    return out;
  }();
  return names;
}

Diagnostics Check(const Model& model, const CheckOptions& options) {
  Diagnostics out;
  check_internal::Context context(model, out);
  for (const auto& group : check_internal::kGroups) {
    if (!options.rules.empty() &&
        std::find(options.rules.begin(), options.rules.end(), group.name) == options.rules.end()) {
      continue;
    }
    group.run(context);
  }
  if (options.warnings_as_errors) {
    for (Diagnostic& d : out.items) {
      if (d.severity == Severity::kWarning) d.severity = Severity::kError;
    }
  }
  return out;
}

namespace {
std::string Context(const Location& loc) {
  std::string out = loc.Path();
  if (!loc.op_type.empty()) {
    out += loc.opset_version > 0 ? fmt::format(" ({}, opset {})", loc.op_type, loc.opset_version)
                                 : fmt::format(" ({})", loc.op_type);
  }
  if (!loc.slot.empty()) out += ", " + loc.slot;
  return out;
}
}  // namespace

std::string FormatDiagnostic(const Diagnostic& d, std::string_view file, bool color) {
  const char* tint = "";
  const char* reset = color ? "\033[0m" : "";
  const char* bold = color ? "\033[1m" : "";
  if (color) {
    tint = d.severity == Severity::kError     ? "\033[1;31m"
           : d.severity == Severity::kWarning ? "\033[1;35m"
                                              : "\033[1;36m";
  }
  // Names, op types and messages come from the model: escaped, they cannot drive the
  // terminal or forge a diagnostic line.
  return fmt::format("{}{}[{}]{}: {}{}: {}{}: {}", tint, SeverityName(d.severity),
                     EscapeForDisplay(d.code), reset, bold, EscapeForDisplay(file),
                     EscapeForDisplay(Context(d.location)), reset, EscapeForDisplay(d.message));
}

namespace {
nlohmann::ordered_json DiagnosticJson(const Diagnostic& d, std::string_view file) {
  // ONNX strings are bytes; JSON strings must be UTF-8 (ValidUtf8 escapes other bytes).
  const Location& at = d.location;
  nlohmann::ordered_json loc;
  loc["path"] = ValidUtf8(at.Path());
  if (!at.graph.empty()) loc["graph"] = ValidUtf8(at.graph);
  if (at.node_index >= 0) loc["node_index"] = at.node_index;
  if (!at.node_name.empty()) loc["node"] = ValidUtf8(at.node_name);
  if (!at.op_type.empty()) loc["op_type"] = ValidUtf8(at.op_type);
  if (at.opset_version > 0) loc["opset"] = at.opset_version;
  if (!at.value.empty()) loc["value"] = ValidUtf8(at.value);
  if (!at.slot.empty()) loc["slot"] = ValidUtf8(at.slot);
  nlohmann::ordered_json item;
  item["file"] = ValidUtf8(file);
  item["severity"] = std::string(SeverityName(d.severity));
  item["code"] = ValidUtf8(d.code);
  item["message"] = ValidUtf8(d.message);
  item["location"] = std::move(loc);
  return item;
}
}  // namespace

std::string DiagnosticsToJson(const Diagnostics& diagnostics, std::string_view file) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Diagnostic& d : diagnostics.items) out.push_back(DiagnosticJson(d, file));
  return out.dump(2);
}

}  // namespace onnxkit
