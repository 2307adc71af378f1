#include "passes/eliminate_dead_code.h"

#include <fmt/format.h>

#include <deque>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "onnxkit/topological_sort.h"
#include "passes/graph_sites.h"

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
    RemoveUnusedOpsetImports();
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

  // Adds every local function the nodes of `graph` (at any depth) call to `live`, and those
  // seen for the first time to `todo`.
  void MarkCalls(const Graph& graph, absl::flat_hash_set<FunctionKey>& live,
                 std::deque<FunctionKey>& todo) const {
    for (const Node* n : graph.nodes()) {
      FunctionKey key = KeyOf(n->domain, n->op_type);
      if (local_functions_.contains(key) && live.insert(key).second) todo.push_back(key);
      for (const Graph* sub : n->subgraphs()) MarkCalls(*sub, live, todo);
    }
  }

  void RemoveUnusedFunctions() {
    // A model without a main graph is a library of functions: they stay.
    if (!model_.graph || model_.functions.empty()) return;
    absl::flat_hash_set<FunctionKey> live;
    std::deque<FunctionKey> todo;
    MarkCalls(*model_.graph, live, todo);
    for (const TrainingInfo& t : model_.training_info) {
      if (t.initialization) MarkCalls(*t.initialization, live, todo);
      if (t.algorithm) MarkCalls(*t.algorithm, live, todo);
    }
    while (!todo.empty()) {
      FunctionKey key = std::move(todo.front());
      todo.pop_front();
      // Every definition of the name (IR 10 overloads share one).
      for (const auto& fn : model_.functions) {
        if (KeyOf(fn->domain, fn->name) == key) MarkCalls(*fn->body, live, todo);
      }
    }
    size_t before = model_.functions.size();
    std::erase_if(model_.functions, [&](const std::unique_ptr<Function>& fn) {
      return !live.contains(KeyOf(fn->domain, fn->name));
    });
    if (size_t removed = before - model_.functions.size(); removed > 0) {
      result_.changed = true;
      result_.Count("functions-removed", static_cast<int64_t>(removed));
    }
  }

  void RemoveUnusedOpsetImports() {
    absl::flat_hash_set<std::string> used = {""};
    ForEachGraph(model_, [&](const Graph& g) {
      for (const Node* n : g.nodes()) used.insert(std::string(NormalDomain(n->domain)));
    });
    for (const auto& fn : model_.functions) used.insert(std::string(NormalDomain(fn->domain)));
    size_t before = model_.opset_import.size();
    std::erase_if(model_.opset_import, [&](const OpsetImport& o) {
      return !used.contains(std::string(NormalDomain(o.domain)));
    });
    if (size_t removed = before - model_.opset_import.size(); removed > 0) {
      result_.changed = true;
      result_.Count("opset-imports-removed", static_cast<int64_t>(removed));
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
