// fuse-mul-into-conv: folds a per-channel constant Mul after a Conv or ConvTranspose into it.
//
// Matches: Mul (default domain) of output 0 of a Conv / ConvTranspose of the same graph (either
// operand) and a constant k of the weight's element type (float, double, float16, bfloat16)
// that is per output channel: broadcast against the Conv output [N, C, d1…] it neither grows
// the shape nor varies along any axis but C — [C,1,1] and [1,C,1,1] for a 2-D Conv, [1] and
// scalars (one value for every channel). The Conv's weight and bias (if any) are constant and
// nothing but the Mul reads its output. In the main graph, sub-graphs at any depth and
// function bodies.
// Produces: the same Conv with W' = W·k and B' = B·k on each output channel, computed in
// double and stored in the weight's type under fresh names; the Conv takes over the Mul's
// output name (a graph output keeps its name). The old weights and the constant go when
// nothing else reads them.
// Refuses (a skip with the reason): a constant of another shape ([C] alone lines up with the
// last axis, not the channels), rank or type; a non-constant operand; a Conv output read
// elsewhere or returned; weights computed at run time or not of a float type; constants that
// training_info binds. A Mul that does not read a Conv output is no candidate.
// Counters: muls-fused.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class FuseMulIntoConvPass : public Pass {
 public:
  explicit FuseMulIntoConvPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
