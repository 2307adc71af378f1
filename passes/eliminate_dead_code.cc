#include "passes/eliminate_dead_code.h"

#include <fmt/format.h>

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "onnxkit/topological_sort.h"
#include "passes/graph_sites.h"
#include "passes/unused_functions.h"

namespace onnxkit::passes {
namespace {

using FunctionKey = std::pair<std::string, std::string>;  // (normal domain, name)

FunctionKey KeyOf(std::string_view domain, std::string_view name) {
  return {std::string(NormalDomain(domain)), std::string(name)};
}

bool IsOnnxDomain(std::string_view domain) {
  domain = NormalDomain(domain);
  return domain.empty() || domain == "ai.onnx.ml" || domain == "ai.onnx.training" ||
         domain == "ai.onnx.preview.training";
}

class DeadCode {
 public:
  DeadCode(Model& model, bool keep_custom_ops) : model_(model), keep_custom_ops_(keep_custom_ops) {
    for (const auto& fn : model.functions) local_functions_.insert(KeyOf(fn->domain, fn->name));
  }

  StatusOr<PassResult> Run() {
    std::vector<GraphSite> sites = RewritableGraphs(model_);
    absl::flat_hash_set<std::string> bound = TrainingBoundNames(model_);
    // Children before parents: a graph is cleaned before the node that owns it is judged,
    // and a graph is never visited after the removal of its owner freed it.
    for (size_t i = sites.size(); i-- > 0;) {
      ONNXKIT_RETURN_IF_ERROR(RemoveDeadNodes(sites[i]));
      ONNXKIT_RETURN_IF_ERROR(RemoveUnusedInitializers(sites[i], bound));
    }
    RemoveUnusedFunctions();
    RemoveUnusedImports();
    return std::move(result_);
  }

 private:
  bool IsDead(const Node& n) const {
    for (const Value* v : n.outputs()) {
      if (v && (v->has_uses() || v->is_graph_output())) return false;
    }
    bool custom = !IsOnnxDomain(n.domain) && !local_functions_.contains(KeyOf(n.domain, n.op_type));
    return !(keep_custom_ops_ && custom);
  }

  // A worklist seeded with every node, last first (so a graph in topological order is done
  // in one sweep); removing a node puts the producers it read from (in this graph, its
  // sub-graphs' reads included) back on the list, since they may have died with it. Linear
  // whatever the order of the graph.
  Status RemoveDeadNodes(const GraphSite& site) {
    Graph& graph = *site.graph;
    std::vector<Node*> worklist(graph.nodes().begin(), graph.nodes().end());
    absl::flat_hash_set<const Node*> removed;  // compared, never dereferenced
    while (!worklist.empty()) {
      Node* n = worklist.back();
      worklist.pop_back();
      if (removed.contains(n) || !IsDead(*n)) continue;
      std::vector<Node*> producers;
      ForEachRead(*n, [&](Value* v) {
        if (v->graph() == &graph && v->producer()) producers.push_back(v->producer());
      });
      // A refused removal leaves the node in place, so it can still be named.
      if (Status status = graph.RemoveNode(n); !status.ok()) {
        return absl::InternalError(
            fmt::format("{}: {}", NodePath(site, *n), std::string(status.message())));
      }
      removed.insert(n);
      worklist.insert(worklist.end(), producers.begin(), producers.end());
      result_.changed = true;
      result_.Count("nodes-removed");
    }
    return absl::OkStatus();
  }

  Status RemoveUnusedInitializers(const GraphSite& site,
                                  const absl::flat_hash_set<std::string>& bound) {
    Graph& graph = *site.graph;
    std::vector<Value*> unused;
    auto collect = [&](const std::vector<Value*>& values) {
      for (Value* v : values) {
        if (v->has_uses() || v->is_graph_output() || v->is_graph_input()) continue;
        if (graph.parent() == nullptr && bound.contains(v->name())) continue;
        unused.push_back(v);
      }
    };
    collect(graph.initializers());
    collect(graph.sparse_initializers());
    for (Value* v : unused) {
      Status status = graph.RemoveInitializer(v);
      if (!status.ok()) {
        return absl::InternalError(
            fmt::format("{}/{}: {}", site.path, v->name(), std::string(status.message())));
      }
      result_.changed = true;
      result_.Count("initializers-removed");
    }
    return absl::OkStatus();
  }

  void RemoveUnusedFunctions() {
    if (int64_t removed = RemoveUncalledFunctions(model_); removed > 0) {
      result_.changed = true;
      result_.Count("functions-removed", removed);
    }
  }

  void RemoveUnusedImports() {
    if (int64_t removed = RemoveUnusedOpsetImports(model_); removed > 0) {
      result_.changed = true;
      result_.Count("opset-imports-removed", removed);
    }
  }

  Model& model_;
  bool keep_custom_ops_;
  absl::flat_hash_set<FunctionKey> local_functions_;
  PassResult result_;
};

}  // namespace

EliminateDeadCodePass::EliminateDeadCodePass(const PassOptions& options)
    : keep_custom_ops_(options.GetBool("keep-custom-ops")) {}

StatusOr<PassResult> EliminateDeadCodePass::Run(Model& model, PassContext&) {
  return DeadCode(model, keep_custom_ops_).Run();
}

}  // namespace onnxkit::passes
