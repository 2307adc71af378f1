// fuse-consecutive-reshapes: a Reshape of a Reshape reads the first one's input.
//
// Matches: `z = Reshape(y, s2)` whose input is `y = Reshape(x, s1)` of the same graph
// (default domain), where s2 is a constant (the `shape` attribute before opset 5) that does
// not refer to y's dims: no entry 0, unless the second Reshape has allowzero = 1 (opset 14
// and later), where 0 is a literal 0. A -1 is fine: it is inferred from the element count,
// which x and y share. s1 may be anything, computed at run time included.
// Produces: the second Reshape reads x (its shape and allowzero unchanged); the first goes
// when nothing else reads y. A chain of Reshapes becomes its last one in one run.
// Refuses (a skip with the reason): s2 computed at run time, or holding a 0 that copies one
// of y's dims. A first Reshape that would fail at run time (a shape that does not fit x) is
// bypassed all the same: the fused model then computes z where the original failed.
// Recurses into If/Loop/Scan bodies and function bodies; training graphs are left alone.
// Counters: reshapes-fused, nodes-removed.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class FuseConsecutiveReshapesPass : public Pass {
 public:
  explicit FuseConsecutiveReshapesPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
