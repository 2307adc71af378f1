// fuse-consecutive-slices: a Slice of a Slice over other axes becomes one Slice.
//
// Matches: `z = Slice(y, …)` whose input is `y = Slice(x, …)` of the same graph (default
// domain), both with constant starts, ends, axes and steps (the attributes before opset 10,
// inputs since; omitted axes are 0, 1, …; omitted steps are 1), whose axes are disjoint
// (negative axes are normalized with x's rank, which must then be known). Slicing one axis
// leaves the others' dims as they were, so the two slices are one over the union of axes.
// Produces: the second Slice reads x with the first one's starts, ends, axes and steps
// followed by its own: new int64 initializers (a Constant in function bodies) at opset 10
// and later, attributes before (where a step other than 1 cannot occur). The first goes
// when nothing else reads y. Its old parameter constants are left to eliminate-dead-code.
// Refuses (a skip with the reason): parameters computed at run time; axes shared by the two
// (composing two ranges of one axis needs its dim, and is not done); negative axes of
// unknown rank.
// Recurses into If/Loop/Scan bodies and function bodies; training graphs are left alone.
// Counters: slices-fused, nodes-removed.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class FuseConsecutiveSlicesPass : public Pass {
 public:
  explicit FuseConsecutiveSlicesPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
