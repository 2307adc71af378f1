// What the fuse-consecutive-* passes share: finding the producer of a node's input when it
// is a given op of the same graph, new integer-list constants (an initializer, or a Constant
// node where a graph cannot hold initializers), and removing the producers a fusion left
// without readers.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/name_table.h"
#include "onnxkit/pass.h"
#include "passes/graph_sites.h"

namespace onnxkit::passes {

// The node of `op` (default domain) in `n`'s own graph that produces `n`'s input 0, or
// nullptr.
Node* ProducerOf(const Node& n, std::string_view op);

// An int64 list constant of `values` placed for `user` (a node of `site`'s graph): an
// initializer named after `base`, or a Constant node right before `user` in a function body
// or an IR 3 model (where an initializer would have to be a graph input). `names` gives a
// fresh name.
Value* AddInt64s(Model& model, const GraphSite& site, Node* user, NameTable& names,
                 std::string_view base, const std::vector<int64_t>& values);

// The nodes a fusion bypassed: after the walk, each that has no reader left and computes no
// graph output goes, the last recorded first (so a chain's earlier links follow).
class BypassedNodes {
 public:
  void Add(Node* n) { nodes_.push_back(n); }
  // Removes the unread ones; counts them as `counter`.
  Status RemoveUnread(const GraphSite& site, PassResult& result, std::string_view counter);

 private:
  std::vector<Node*> nodes_;
};

}  // namespace onnxkit::passes
