#include "surgery/main_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "absl/container/flat_hash_set.h"
#include "onnxkit/infer.h"
#include "passes/model_copies.h"
#include "util/edit_distance.h"

namespace onnxkit::surgery {

Status RequireMainGraph(const Model& model) {
  if (model.graph) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "the model has no main graph (a library of functions): there is nothing to cut");
}

Status RequireDistinct(const std::vector<std::string>& names, std::string_view what) {
  absl::flat_hash_set<std::string_view> seen;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(fmt::format("{} '{}' is given twice", what, name));
    }
  }
  return absl::OkStatus();
}

MainGraphTensors::MainGraphTensors(const Model& model) : model_(model) {
  for (Value* v : model.graph->values()) {
    auto& table = v->kind() == Value::Kind::kUndefined ? undefined_ : defined_;
    table.emplace(v->name(), v);
  }
}

namespace {

// Where a tensor that the main graph does not define is defined, for the error: "the
// sub-graph 'then_branch' of node 'if0'" or "the body of function 'F'"; "" when nowhere.
std::string DefinedElsewhere(const Model& model, const std::string& name) {
  std::string where;
  auto search = [&](const Graph& g, const std::string& label) {
    for (const Value* v : g.values()) {
      if (where.empty() && v->name() == name && v->kind() != Value::Kind::kUndefined) {
        where = label;
      }
    }
  };
  std::function<void(const Graph&)> walk_subgraphs = [&](const Graph& g) {
    for (const Node* n : g.nodes()) {
      for (const Attribute& a : n->attributes) {
        for (const Graph* sub : a.subgraphs()) {
          std::string node = n->name.empty() ? fmt::format("an unnamed {} node", n->op_type)
                                             : fmt::format("node '{}'", n->name);
          search(*sub, fmt::format("the sub-graph '{}' of {}", a.name, node));
          walk_subgraphs(*sub);
        }
      }
    }
  };
  walk_subgraphs(*model.graph);
  for (const auto& fn : model.functions) {
    if (where.empty()) search(*fn->body, fmt::format("the body of function '{}'", fn->name));
  }
  return where;
}

}  // namespace

StatusOr<Value*> MainGraphTensors::Find(const std::string& name, std::string_view role) const {
  if (auto it = defined_.find(name); it != defined_.end()) return it->second;
  if (undefined_.contains(name)) {
    return absl::NotFoundError(fmt::format(
        "{} '{}': the main graph reads this tensor but nothing defines it", role, name));
  }
  if (std::string where = DefinedElsewhere(model_, name); !where.empty()) {
    return absl::NotFoundError(fmt::format(
        "{} '{}' is a tensor of {}, not of the main graph (only main-graph tensors can be "
        "cut)",
        role, name, where));
  }
  std::vector<std::string_view> names;
  names.reserve(defined_.size());
  for (const auto& [n, v] : defined_) names.push_back(n);
  std::sort(names.begin(), names.end());  // a stable suggestion whatever the hash order
  std::string closest = ClosestMatch(name, names);
  return absl::NotFoundError(
      fmt::format("{} '{}': the main graph has no tensor of that name{}", role, name,
                  closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest)));
}

namespace {

void ForEachMainGraphReadIn(const Graph& sub, const Graph& main,
                            const std::function<void(Value*)>& fn) {
  for (const Node* n : sub.nodes()) {
    for (Value* v : n->inputs()) {
      if (v && v->graph() == &main) fn(v);
    }
    for (const Graph* inner : n->subgraphs()) ForEachMainGraphReadIn(*inner, main, fn);
  }
  // A sub-graph may return an outer value as it is.
  for (Value* v : sub.outputs()) {
    if (v && v->graph() == &main) fn(v);
  }
}

}  // namespace

void ForEachMainGraphRead(const Node& node, const std::function<void(Value*)>& fn) {
  for (Value* v : node.inputs()) {
    if (v) fn(v);
  }
  for (const Graph* sub : node.subgraphs()) ForEachMainGraphReadIn(*sub, *node.graph(), fn);
}

StatusOr<absl::flat_hash_map<std::string, Type>> InferredTypes(
    const Model& model, const std::vector<std::string>& names) {
  absl::flat_hash_map<std::string, Type> types;
  if (names.empty()) return types;
  ONNXKIT_ASSIGN_OR_RETURN(std::unique_ptr<Model> copy, passes::ModelCopies(model).Make());
  InferModel(*copy);  // findings are check's business; the types found are what counts
  absl::flat_hash_set<std::string_view> wanted(names.begin(), names.end());
  for (const Value* v : copy->graph->values()) {
    if (v->kind() != Value::Kind::kUndefined && v->type() && wanted.contains(v->name())) {
      types.emplace(v->name(), *v->type());
    }
  }
  return types;
}

void RemoveValueInfoOf(Graph& graph, const Value* value) {
  for (size_t i = graph.value_info().size(); i-- > 0;) {
    if (graph.value_info()[i] == value) (void)graph.RemoveValueInfo(i);
  }
}

}  // namespace onnxkit::surgery
