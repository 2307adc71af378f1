// AddOutputs and RemoveOutputs: which tensors the main graph returns. Both check the whole
// request before changing anything.
//
// RemoveOutputs' pruning is dead-code elimination seeded only at the removed outputs: a node
// goes when none of its outputs is read or returned any more, and then the nodes it read
// from are considered in turn. Nodes, initializers and functions that were unused before
// the call stay: the option removes what the removed outputs alone needed, nothing else.
#include <fmt/format.h>

#include "absl/container/flat_hash_set.h"
#include "onnxkit/surgery.h"
#include "passes/unused_functions.h"
#include "surgery/main_graph.h"

namespace onnxkit {
namespace {

using FunctionKey = std::pair<std::string, std::string>;  // (normal domain, name)

FunctionKey KeyOf(std::string_view domain, std::string_view name) {
  return {std::string(NormalDomain(domain)), std::string(name)};
}

// The model-local functions `node` calls, directly or from its sub-graphs.
void CollectCalls(const Node& node, absl::flat_hash_set<FunctionKey>& calls) {
  calls.insert(KeyOf(node.domain, node.op_type));
  for (const Graph* sub : node.subgraphs()) {
    for (const Node* n : sub->nodes()) CollectCalls(*n, calls);
  }
}

class Pruning {
 public:
  explicit Pruning(Model& model) : model_(model), graph_(*model.graph) {}

  // Removes what `removed` (values no longer returned) alone kept alive.
  SurgeryStats Run(const std::vector<Value*>& removed) {
    for (Value* v : removed) Consider(v);
    while (!nodes_.empty()) {
      Node* n = nodes_.back();
      nodes_.pop_back();
      if (gone_.contains(n) || !IsDead(*n)) continue;
      std::vector<Value*> reads;
      surgery::ForEachMainGraphRead(*n, [&](Value* v) { reads.push_back(v); });
      CollectCalls(*n, calls_);
      if (!graph_.RemoveNode(n).ok()) continue;
      gone_.insert(n);
      ++stats_.nodes_removed;
      for (Value* v : reads) Consider(v);
    }
    for (Value* v : initializers_) {
      if (v->has_uses() || v->is_graph_output() || v->is_graph_input()) continue;
      if (graph_.RemoveInitializer(v).ok()) ++stats_.initializers_removed;
    }
    // Only functions that a removed node called go (and only when nothing calls them now).
    stats_.functions_removed = passes::RemoveUncalledFunctions(
        model_, [&](const Function& fn) { return !calls_.contains(KeyOf(fn.domain, fn.name)); });
    return std::move(stats_);
  }

 private:
  void Consider(Value* v) {
    if (v->graph() != &graph_) return;
    if (v->kind() == Value::Kind::kNodeOutput) nodes_.push_back(v->producer());
    if (v->kind() == Value::Kind::kInitializer && initializers_seen_.insert(v).second) {
      initializers_.push_back(v);
    }
  }

  static bool IsDead(const Node& n) {
    for (const Value* v : n.outputs()) {
      if (v && (v->has_uses() || v->is_graph_output())) return false;
    }
    return true;
  }

  Model& model_;
  Graph& graph_;
  std::vector<Node*> nodes_;
  absl::flat_hash_set<const Node*> gone_;  // compared, never dereferenced
  std::vector<Value*> initializers_;
  absl::flat_hash_set<const Value*> initializers_seen_;
  absl::flat_hash_set<FunctionKey> calls_;
  SurgeryStats stats_;
};

}  // namespace

StatusOr<SurgeryStats> AddOutputs(Model& model, const std::vector<std::string>& names) {
  ONNXKIT_RETURN_IF_ERROR(surgery::RequireMainGraph(model));
  ONNXKIT_RETURN_IF_ERROR(surgery::RequireDistinct(names, "output"));
  Graph& graph = *model.graph;
  surgery::MainGraphTensors tensors(model);
  std::vector<Value*> values;
  std::vector<std::string> untyped;
  for (const std::string& name : names) {
    ONNXKIT_ASSIGN_OR_RETURN(Value * v, tensors.Find(name, "tensor"));
    for (const Value* out : graph.outputs()) {
      if (out == v) {
        return absl::InvalidArgumentError(
            fmt::format("tensor '{}' already is an output of the model", name));
      }
    }
    values.push_back(v);
    if (!v->type()) untyped.push_back(name);
  }
  ONNXKIT_ASSIGN_OR_RETURN(auto inferred, surgery::InferredTypes(model, untyped));
  SurgeryStats stats;
  for (Value* v : values) {
    if (auto it = inferred.find(v->name()); !v->type() && it != inferred.end()) {
      v->mutable_info().has_type = true;
      v->mutable_info().type = it->second;
      stats.typed_by_inference.push_back(v->name());
    }
    // The output declares it now.
    surgery::RemoveValueInfoOf(graph, v);
    graph.AddOutput(v);
  }
  return stats;
}

StatusOr<SurgeryStats> RemoveOutputs(Model& model, const std::vector<std::string>& names,
                                     const RemoveOutputsOptions& options) {
  ONNXKIT_RETURN_IF_ERROR(surgery::RequireMainGraph(model));
  ONNXKIT_RETURN_IF_ERROR(surgery::RequireDistinct(names, "output"));
  Graph& graph = *model.graph;
  absl::flat_hash_set<std::string_view> doomed(names.begin(), names.end());
  std::vector<std::string_view> output_names;
  for (const Value* v : graph.outputs()) output_names.push_back(v->name());
  for (const std::string& name : names) {
    if (std::find(output_names.begin(), output_names.end(), name) != output_names.end()) continue;
    std::string listed;
    for (std::string_view n : output_names)
      listed += fmt::format("{}'{}'", listed.empty() ? "" : ", ", n);
    return absl::NotFoundError(
        fmt::format("'{}' is not an output of the model (its outputs: {})", name, listed));
  }
  size_t remaining = 0;
  for (std::string_view n : output_names) remaining += doomed.contains(n) ? 0 : 1;
  if (remaining == 0) {
    return absl::InvalidArgumentError(
        "removing every output would leave a model that computes nothing; add the outputs you "
        "want first (`onnxkit add-output`)");
  }
  std::vector<Value*> removed;
  for (size_t i = graph.outputs().size(); i-- > 0;) {
    Value* v = graph.outputs()[i];
    if (!doomed.contains(v->name())) continue;
    removed.push_back(v);
    (void)graph.RemoveOutput(i);
  }
  std::reverse(removed.begin(), removed.end());
  if (!options.prune) return SurgeryStats{};
  return Pruning(model).Run(removed);
}

}  // namespace onnxkit
