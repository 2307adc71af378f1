// fuse-pad-into-conv: a zero Pad in front of a Conv or an AveragePool that counts padding
// becomes part of that node's own `pads`.
//
// Matches: Pad (default domain, opset 2 and later) in constant mode with value 0 (the `value`
// attribute before opset 11; an absent or constant zero `constant_value` input after), pads
// known (the attribute, or a constant input with constant `axes` from opset 18), none negative
// and none on the batch or channel axis, whose output only one node reads, as its input 0: a
// Conv, or an AveragePool with count_include_pad=1 (opset 7 and later) and ceil_mode=0, in the
// same graph, with auto_pad NOTSET. The input's rank comes from the pads and must match the
// reader's (its kernel_shape, or a constant Conv weight). In the main graph, sub-graphs at any
// depth and function bodies.
// Produces: the reader reading the Pad's input, its `pads` the sum of its own and the Pad's
// spatial pads; the Pad goes, and so do its constants when nothing else reads them.
// Refuses (a skip with the reason): MaxPool (it pads with −inf, so a zero Pad is not the same
// unless the input is never negative), AveragePool without count_include_pad=1 or with
// ceil_mode=1 or whose pads would reach its kernel size (ONNX Runtime refuses pool pads as
// large as the kernel), auto_pad other than NOTSET, other modes (reflect, edge, wrap), a non-zero
// or run-time value, run-time pads, negative pads (cropping), pads on the batch or channel axis, a
// padded tensor read elsewhere or returned, Pad-1. A Pad read by anything else is no
// candidate.
// Counters: pads-fused.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class FusePadIntoConvPass : public Pass {
 public:
  explicit FusePadIntoConvPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
