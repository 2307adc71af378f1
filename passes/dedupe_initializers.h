// dedupe-initializers: merges initializers that hold the same tensor.
//
// Matches: within one graph (the main graph, or one If/Loop/Scan body at any depth; function
// bodies have no initializers), dense initializers of the same element type, the same dims
// and the same bytes. Candidates are grouped by a hash of (type, dims, data) and then compared
// byte for byte, so a hash collision never merges two tensors. Strings compare element by
// element. External tensors are compared by reading their data.
// Produces: the first initializer of each group (in the graph's order) that may be merged
// stays; every reader of the others reads it, and the others are removed.
// Refuses (a skip with the reason, when the initializer has an identical peer):
//  - a graph input with a default: a caller may override it, so equal bytes today are no
//    proof of equal values;
//  - a graph output (its name is part of the graph's interface);
//  - an initializer that training_info binds by name;
//  - a tensor whose data cannot be read (a damaged external reference: an error at Data()).
// Never merges across graphs: a sub-graph's initializer is not visible to its siblings, and
// moving it to the enclosing graph is another pass's business. Sparse initializers are left
// alone. Training graphs are left as they are (see passes/graph_sites.h).
// Counters: initializers-merged, bytes-saved.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class DedupeInitializersPass : public Pass {
 public:
  explicit DedupeInitializersPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
