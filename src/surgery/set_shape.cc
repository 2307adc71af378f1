// set-shape: fix or free the dims of graph inputs, then infer the types that depend on them
// again.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/edit.h"
#include "onnxkit/infer.h"
#include "surgery/scope.h"

namespace onnxkit {
namespace {

bool IsSymbol(std::string_view text) {
  if (text.empty() || (text[0] >= '0' && text[0] <= '9')) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

StatusOr<Dim> ParseDim(std::string_view text, std::string_view whole) {
  if (text == "?") return Dim();
  if (IsSymbol(text)) return Dim::Param(std::string(text));
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    return absl::InvalidArgumentError(
        fmt::format("input shape '{}': '{}' is not a dim (a non-negative integer, a symbol "
                    "such as N, or '?')",
                    whole, text));
  }
  return Dim::Value(value);
}

// Calls `fn` on every declared type of `graph` and its sub-graphs.
void ForEachDeclaredType(Graph& graph, const std::function<void(Type&)>& fn) {
  for (Value* v : graph.values()) {
    if (v->info().has_type) fn(v->mutable_info().type);
  }
  for (Node* n : graph.nodes()) {
    for (Graph* sub : n->subgraphs()) ForEachDeclaredType(*sub, fn);
  }
}

void ReplaceSymbols(Type& type, const absl::flat_hash_map<std::string, Dim>& replacements) {
  if (type.shape) {
    for (Dim& d : type.shape->dims) {
      if (d.kind != Dim::Kind::kParam) continue;
      auto it = replacements.find(d.param);
      if (it != replacements.end()) d = it->second;
    }
  }
  for (Type& element : type.element) ReplaceSymbols(element, replacements);
}

std::string InputNames(const Graph& graph) {
  std::string names;
  for (const Value* v : graph.inputs()) {
    names += fmt::format("{}'{}'", names.empty() ? "" : ", ", v->name());
  }
  return names;
}

// Every declaration of the model's scope as it is, and how many value_info entries each
// graph has, so that a failed re-inference can put the model back.
class TypeSnapshot {
 public:
  explicit TypeSnapshot(Model& model) {
    for (Graph* graph : surgery::ScopeGraphs(model)) {
      value_info_sizes_.emplace_back(graph, graph->value_info().size());
      for (Value* v : graph->values()) infos_.emplace_back(v, v->info());
    }
  }
  void Restore() const {
    for (const auto& [v, info] : infos_) v->mutable_info() = info;
    for (const auto& [graph, size] : value_info_sizes_) {
      while (graph->value_info().size() > size) {
        (void)graph->RemoveValueInfo(graph->value_info().size() - 1);
      }
    }
  }

 private:
  std::vector<std::pair<Value*, ValueInfo>> infos_;
  std::vector<std::pair<Graph*, size_t>> value_info_sizes_;
};

// Takes the types of every node output of the main graph and its sub-graphs away (a type
// inferred for the old inputs may contradict the new ones), returning what each had.
std::vector<std::pair<Value*, ValueInfo>> ForgetNodeOutputTypes(Model& model) {
  std::vector<std::pair<Value*, ValueInfo>> forgotten;
  std::vector<Graph*> graphs;
  std::function<void(Graph*)> add = [&](Graph* g) {
    graphs.push_back(g);
    for (Node* n : g->nodes()) {
      for (Graph* sub : n->subgraphs()) add(sub);
    }
  };
  add(model.graph.get());
  for (Graph* graph : graphs) {
    for (Value* v : graph->values()) {
      if (v->kind() != Value::Kind::kNodeOutput || !v->info().has_type) continue;
      forgotten.emplace_back(v, v->info());
      v->mutable_info().has_type = false;
      v->mutable_info().type = Type();
    }
  }
  return forgotten;
}

std::string ConflictText(const InferFinding& finding) {
  std::string where = finding.node ? surgery::NodeLabel(*finding.node) : std::string("model");
  if (!finding.slot.empty()) where += " " + finding.slot;
  return fmt::format("{}: {}", where, finding.message);
}

}  // namespace

StatusOr<InputShape> ParseInputShape(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(fmt::format(
        "input shape '{}' is not NAME:DIM,DIM,… (e.g. input:1,3,224,224 or input:N,3,H,W)", text));
  }
  InputShape shape{std::string(text.substr(0, colon)), {}};
  std::string_view dims = text.substr(colon + 1);
  // "name:" is a scalar (rank 0).
  while (!dims.empty()) {
    size_t comma = dims.find(',');
    ONNXKIT_ASSIGN_OR_RETURN(Dim d, ParseDim(dims.substr(0, comma), text));
    shape.dims.push_back(std::move(d));
    if (comma == std::string_view::npos) break;
    dims.remove_prefix(comma + 1);
    if (dims.empty()) ONNXKIT_RETURN_IF_ERROR(ParseDim(dims, text).status());
  }
  return shape;
}

Status PinInputShape(Model& model, const InputShape& shape) {
  if (!model.graph) return absl::InvalidArgumentError("the model has no graph");
  Graph& graph = *model.graph;
  auto input = std::find_if(graph.inputs().begin(), graph.inputs().end(),
                            [&](const Value* v) { return v->name() == shape.name; });
  if (input == graph.inputs().end()) {
    return absl::InvalidArgumentError(
        fmt::format("input shape: the main graph has no input '{}' (its inputs: {})", shape.name,
                    InputNames(graph)));
  }
  Type* type = (*input)->info().has_type ? &(*input)->mutable_info().type : nullptr;
  if (type == nullptr || type->kind != Type::Kind::kTensor || type->elem_type == 0) {
    return absl::InvalidArgumentError(fmt::format(
        "input shape: input '{}' is not declared as a tensor of a known element type", shape.name));
  }
  absl::flat_hash_map<std::string, Dim> symbols;
  if (type->shape) {
    if (type->shape->dims.size() != shape.dims.size()) {
      return absl::InvalidArgumentError(fmt::format("input shape: input '{}' has rank {}, not {}",
                                                    shape.name, type->shape->dims.size(),
                                                    shape.dims.size()));
    }
    for (size_t i = 0; i < shape.dims.size(); ++i) {
      const Dim& d = type->shape->dims[i];
      if (d.kind == Dim::Kind::kParam) symbols.emplace(d.param, shape.dims[i]);
    }
  }
  type->shape = Shape{shape.dims, {}};
  if (!symbols.empty()) ForEachDeclaredType(graph, [&](Type& t) { ReplaceSymbols(t, symbols); });
  return absl::OkStatus();
}

Status SetInputShapes(Model& model, std::span<const InputShape> shapes,
                      const SetShapeOptions& options, std::vector<std::string>* conflicts) {
  TypeSnapshot before(model);
  for (const InputShape& shape : shapes) {
    Status pinned = PinInputShape(model, shape);
    if (!pinned.ok()) {
      before.Restore();
      return pinned;
    }
  }
  if (!options.reinfer) return absl::OkStatus();
  auto forgotten = ForgetNodeOutputTypes(model);
  InferResult inferred = InferModel(model);
  // What inference could not type keeps the declaration it had.
  for (const auto& [v, info] : forgotten) {
    if (!v->info().has_type) v->mutable_info() = info;
  }
  if (inferred.findings.empty()) return absl::OkStatus();
  std::vector<std::string> texts;
  for (const InferFinding& finding : inferred.findings) texts.push_back(ConflictText(finding));
  if (options.allow_conflicts) {
    if (conflicts) conflicts->insert(conflicts->end(), texts.begin(), texts.end());
    return absl::OkStatus();
  }
  before.Restore();
  std::string list;
  for (size_t i = 0; i < texts.size() && i < 5; ++i) list += "\n  " + texts[i];
  if (texts.size() > 5) list += fmt::format("\n  … and {} more", texts.size() - 5);
  return absl::FailedPreconditionError(
      fmt::format("the new input shapes do not fit the model: inference finds {} conflict{}:{}",
                  texts.size(), texts.size() == 1 ? "" : "s", list));
}

}  // namespace onnxkit
