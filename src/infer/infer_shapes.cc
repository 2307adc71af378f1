// InferShapes: writes the types the "types" rules know into the model.
//
// The rules hand back their types in a hash map's order, which differs from run to run
// (absl seeds its hashes per process); the model is therefore updated in graph order —
// graphs as ForEachGraph visits them, values in the order their graph created them, and
// new value_info entries in node order — so that the same input always gives the same
// bytes. Each graph's declared values are collected once, keeping the whole pass linear.
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "check/context.h"
#include "onnxkit/infer.h"

namespace onnxkit {
namespace {

// Values a graph already declares as an output or in value_info.
absl::flat_hash_set<const Value*> ListedValues(const Graph& g) {
  absl::flat_hash_set<const Value*> listed(g.outputs().begin(), g.outputs().end());
  listed.insert(g.value_info().begin(), g.value_info().end());
  return listed;
}

// Whether InferShapes may write `type` into `v`: never over a declaration.
bool Typeable(const Value& v, const Type& type) {
  return !v.type() && v.kind() != Value::Kind::kUndefined && type.kind != Type::Kind::kNone;
}

}  // namespace

InferStats InferShapes(Model& model, Diagnostics& diagnostics) {
  check_internal::Context context(model, diagnostics);
  std::vector<std::pair<const Value*, Type>> types = check_internal::InferTypes(context);
  absl::flat_hash_map<const Value*, size_t> inferred;  // where each value's type is in `types`
  inferred.reserve(types.size());
  for (size_t i = 0; i < types.size(); ++i) inferred.emplace(types[i].first, i);
  InferStats stats;
  ForEachGraph(model, [&](const Graph& g) {
    // The model is ours to change; the graph walk and the checker's view are read-only.
    auto& graph = const_cast<Graph&>(g);
    absl::flat_hash_set<const Value*> typed;
    for (Value* v : graph.values()) {
      auto it = inferred.find(v);
      if (it == inferred.end()) continue;
      Type& type = types[it->second].second;
      if (!Typeable(*v, type)) continue;
      ValueInfo& info = v->mutable_info();
      info.has_type = true;
      info.type = std::move(type);
      typed.insert(v);
    }
    stats.values_typed += typed.size();
    // Newly typed intermediates are declared in value_info, in node order.
    absl::flat_hash_set<const Value*> listed = ListedValues(graph);
    for (const Node* n : graph.nodes()) {
      for (Value* v : n->outputs()) {
        if (v && typed.contains(v) && !listed.contains(v)) {
          graph.AddValueInfo(v);
          listed.insert(v);
        }
      }
    }
  });
  return stats;
}

}  // namespace onnxkit
