// The graphs a pass rewrites, each with the path diagnostics use for it ("main",
// "main/If_0.then_branch", "fn:AddRelu/#2.body"), and the names other parts of a model hold
// on to (training bindings), so that passes walk a model the same way and name the same
// places.
//
// Training graphs (ModelProto.training_info) are never handed out for rewriting: they read
// main-graph values by name and bind initializers by name, and no built-in pass rewrites
// them. Their reads of main-graph values are uses like any other, so passes see them.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "onnxkit/ir.h"

namespace onnxkit::passes {

struct GraphSite {
  Graph* graph;
  // As check's Location::graph spells it.
  std::string path;
  // The function whose body holds this graph (at any depth), or nullptr.
  const Function* function;
};

// The main graph and its sub-graphs at any depth, then every function body and its
// sub-graphs: parents before their children. Graphs owned by nodes that a pass later removes
// die with them, so a pass that removes nodes walks this list backwards (children first).
std::vector<GraphSite> RewritableGraphs(Model& model);

// "main/Conv_7", or "main/#3" for a node without a name (its index in its graph, found by a
// walk: O(nodes)).
std::string NodePath(const GraphSite& site, const Node& node);
// The same when the caller knows the node's index (a pass walking the graph in order).
std::string NodePath(const GraphSite& site, const Node& node, size_t index);

// Names of main-graph values that training_info binds (initialization_binding and
// update_binding keys): they must keep their name and their initializer.
absl::flat_hash_set<std::string> TrainingBoundNames(const Model& model);

}  // namespace onnxkit::passes
