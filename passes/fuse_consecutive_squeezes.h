// fuse-consecutive-squeezes: Squeeze and Unsqueeze pairs that cancel or combine.
//
// Matches `z = B(y, axes=b)` whose input is `y = A(x, axes=a)` of the same graph (default
// domain), A and B each Squeeze or Unsqueeze with explicit, constant axes (the attribute
// before opset 13, input 1 since):
//  1. Unsqueeze then Squeeze, or Squeeze then Unsqueeze, of the same axes (as sets, each
//     normalized against the rank of y for Unsqueeze→Squeeze, of x for Squeeze→Unsqueeze;
//     equal lists are equal sets without knowing the rank): z is x. A squeezed dim was 1, so
//     putting it back gives x again.
//  2. Unsqueeze then Unsqueeze: one Unsqueeze of x. b names positions of z; a names
//     positions of y, which are z's positions not in b, in order: a's entry k is the k-th
//     position of z outside b. The axes are their union, sorted.
//  3. Squeeze then Squeeze: one Squeeze of x. b names positions of y, which are x's
//     positions not in a, in order; the axes are a with those, sorted.
// Negative axes need the rank (of x from its type, or for case 1 equal lists suffice).
// Produces: case 1, z's readers read x (a graph output keeps its name, see
// passes/value_forwarding.h) and B goes; cases 2 and 3, B reads x with the combined axes
// (a new int64 initializer at opset 13 and later, a Constant in function bodies). A goes
// when nothing else reads y.
// Refuses (a skip with the reason): axes computed at run time or omitted (a Squeeze of every
// dim of 1); negative axes of unknown rank; case 1 where x cannot take a graph output's name.
// Pairs that partly cancel (Unsqueeze [0,1] then Squeeze [1]) are left alone.
// Recurses into If/Loop/Scan bodies and function bodies; training graphs are left alone.
// Counters: squeezes-fused (case 2, 3), nodes-removed.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class FuseConsecutiveSqueezesPass : public Pass {
 public:
  explicit FuseConsecutiveSqueezesPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
