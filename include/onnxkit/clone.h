// Copies of nodes and graphs, for passes that duplicate or inline (function inlining,
// loop unrolling, If-branch hoisting).
//
// A copy reads copies where they exist: `map` takes each source value to its copy, and
// grows as the clone defines values. A value the map does not know (an outer value the
// source reads) is read as it is, so a copy placed in the same scope reads the same outer
// values; seed the map to rewire them (e.g. a function's formal inputs to a call's actual
// inputs). Sub-graphs are copied too, with their parents set to the graph that holds the
// copy. With a NameTable, every value the copy defines gets a fresh name from it; without
// one, copies keep the source's names.
#pragma once

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/ir.h"
#include "onnxkit/name_table.h"

namespace onnxkit {

// Source value -> its copy.
using ValueMap = absl::flat_hash_map<const Value*, Value*>;

// Copies `node` into `into`, before `before` (nullptr: at the end). Its outputs are added to
// `map`. O(size of the node and its sub-graphs).
Node* CloneNode(const Node& node, Graph& into, Node* before, ValueMap& map,
                NameTable* names = nullptr);

// Copies `graph` as a graph whose parent is `parent`: inputs, initializers, nodes, outputs,
// value_info, declarations and everything kept for round-trip. Values it defines are added
// to `map`.
std::unique_ptr<Graph> CloneGraph(const Graph& graph, Graph* parent, ValueMap& map,
                                  NameTable* names = nullptr);

// Copies `attribute`; its sub-graphs become children of `owner` (the graph of the node
// that will hold it).
Attribute CloneAttribute(const Attribute& attribute, Graph* owner, ValueMap& map,
                         NameTable* names = nullptr);

}  // namespace onnxkit
