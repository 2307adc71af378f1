// topological-sort: puts the nodes of every graph in a topological order, moving as few
// as it must.
//
// Matches: every graph of the model (the main graph, If/Loop/Scan bodies at any depth,
// function bodies) whose nodes are not in topological order, where a node depends on the
// producers of what it reads, its sub-graphs' implicit reads of outer values included.
// Produces: the same nodes, in the stable order of onnxkit::TopologicalOrder: a graph already
// in order is unchanged, and a node that comes too early moves right after the last node it
// waits for; nothing else moves. Sub-graphs are sorted on their own (their order does not
// depend on the enclosing graph's).
// Refuses: a graph with a cycle. The pass then fails with an error naming the graph and the
// nodes on the cycle, and the model is unchanged (every graph is checked before any moves).
// Training graphs are left as they are (see passes/graph_sites.h).
// Counters: graphs-sorted (graphs whose order changed), nodes-moved (nodes whose position
// in their graph changed).
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class TopologicalSortPass : public Pass {
 public:
  explicit TopologicalSortPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
