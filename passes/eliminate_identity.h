// eliminate-identity: removes Identity nodes, so that their readers read the Identity's
// input directly.
//
// Matches: every `Identity` node of the default domain, in the main graph, in If/Loop/Scan
// bodies at any depth and in function bodies. Two cases:
//  1. Its output `y` is no graph output: every reader of `y` (sub-graph readers included)
//     reads the input `x` instead, and the node goes.
//  2. Its output `y` is an output of its own graph: the output keeps its name. The value `x`
//     becomes that output and takes the name `y` (and `y`'s declared type), and the node goes.
//     This needs `x` to be a node output of the same graph that is no graph input, no
//     initializer and no graph output (of any graph): renaming any of those would change a
//     name callers or enclosing ops see. `x` in an enclosing graph is refused as well: a
//     sub-graph output would then be an outer value under another name.
// Refuses (a skip with the reason, the Identity stays): case 2 when `x` is not as required;
// an Identity without an input; an Identity whose output is also returned by another graph
// than its own (a sub-graph returning an outer value).
// Produces: the same computation with fewer nodes; graph input and output names unchanged.
// Training graphs are left as they are (see passes/graph_sites.h).
// Counters: identities-removed, outputs-renamed (case 2).
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class EliminateIdentityPass : public Pass {
 public:
  explicit EliminateIdentityPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
