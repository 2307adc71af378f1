// Topological order of a graph's nodes, as passes and Verify see it.
//
// A node depends on the producers of the values it reads in its own graph: its inputs, and
// the values the nodes of its sub-graphs (at any depth) read from it implicitly. The order
// is stable: a graph already in topological order comes back unchanged, and a node that
// comes too early moves right after the last node it waits for. Linear in the size of the
// graph and its sub-graphs (each node is visited once; no recursion over paths). A real
// cycle is an error that names the nodes on it, never the nodes merely downstream of it.
#pragma once

#include <functional>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit {

// Calls `fn` for every value `node` reads: its inputs (not the omitted ones), then the
// values that nodes of its sub-graphs, at any depth, read from outside those sub-graphs.
// A value may be reported more than once.
void ForEachRead(const Node& node, const std::function<void(Value*)>& fn);

// The nodes of `graph` in a stable topological order (see above); an error naming a cycle
// if there is none. The graph is not changed.
StatusOr<std::vector<Node*>> TopologicalOrder(const Graph& graph);

// Reorders the nodes of `graph` into TopologicalOrder(graph); on a cycle, an error and the
// graph is unchanged. Sub-graphs are not reordered (call it on each).
Status SortTopologically(Graph& graph);

}  // namespace onnxkit
