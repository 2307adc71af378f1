#include "passes/unused_functions.h"

#include <deque>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"

namespace onnxkit::passes {
namespace {

using FunctionKey = std::pair<std::string, std::string>;  // (normal domain, name)

FunctionKey KeyOf(std::string_view domain, std::string_view name) {
  return {std::string(NormalDomain(domain)), std::string(name)};
}

class LiveFunctions {
 public:
  explicit LiveFunctions(const Model& model) : model_(model) {
    for (const auto& fn : model.functions) local_.insert(KeyOf(fn->domain, fn->name));
  }

  // Marks every local function the nodes of `graph` (at any depth) call.
  void MarkCalls(const Graph& graph) {
    for (const Node* n : graph.nodes()) {
      FunctionKey key = KeyOf(n->domain, n->op_type);
      if (local_.contains(key) && live_.insert(key).second) todo_.push_back(key);
      for (const Graph* sub : n->subgraphs()) MarkCalls(*sub);
    }
  }

  void Mark(const Function& fn) {
    FunctionKey key = KeyOf(fn.domain, fn.name);
    if (live_.insert(key).second) todo_.push_back(key);
  }

  // Follows the calls of every function marked so far.
  void Close() {
    while (!todo_.empty()) {
      FunctionKey key = std::move(todo_.front());
      todo_.pop_front();
      // Every definition of the name (IR 10 overloads share one).
      for (const auto& fn : model_.functions) {
        if (KeyOf(fn->domain, fn->name) == key) MarkCalls(*fn->body);
      }
    }
  }

  bool IsLive(const Function& fn) const { return live_.contains(KeyOf(fn.domain, fn.name)); }

 private:
  const Model& model_;
  absl::flat_hash_set<FunctionKey> local_;
  absl::flat_hash_set<FunctionKey> live_;
  std::deque<FunctionKey> todo_;
};

}  // namespace

int64_t RemoveUncalledFunctions(Model& model, const std::function<bool(const Function&)>& keep) {
  if (!model.graph || model.functions.empty()) return 0;
  LiveFunctions live(model);
  live.MarkCalls(*model.graph);
  for (const TrainingInfo& t : model.training_info) {
    if (t.initialization) live.MarkCalls(*t.initialization);
    if (t.algorithm) live.MarkCalls(*t.algorithm);
  }
  if (keep) {
    for (const auto& fn : model.functions) {
      if (keep(*fn)) live.Mark(*fn);
    }
  }
  live.Close();
  size_t before = model.functions.size();
  std::erase_if(model.functions,
                [&](const std::unique_ptr<Function>& fn) { return !live.IsLive(*fn); });
  return static_cast<int64_t>(before - model.functions.size());
}

int64_t RemoveUnusedOpsetImports(Model& model) {
  absl::flat_hash_set<std::string> used = {""};
  ForEachGraph(model, [&](const Graph& g) {
    for (const Node* n : g.nodes()) used.insert(std::string(NormalDomain(n->domain)));
  });
  for (const auto& fn : model.functions) used.insert(std::string(NormalDomain(fn->domain)));
  size_t before = model.opset_import.size();
  std::erase_if(model.opset_import, [&](const OpsetImport& o) {
    return !used.contains(std::string(NormalDomain(o.domain)));
  });
  return static_cast<int64_t>(before - model.opset_import.size());
}

}  // namespace onnxkit::passes
