// fuse-bn-into-conv: folds an inference-mode BatchNormalization into the Conv or
// ConvTranspose before it.
//
// Matches: BatchNormalization (default domain, opset 7 and later) whose input X is output 0 of
// a Conv / ConvTranspose of the same graph that nothing else reads and no graph returns, with
// constant weight W (float, double, float16 or bfloat16) and, if present, constant bias B;
// scale, bias, mean and var constant, each [C] for the C output channels. In the main graph,
// sub-graphs at any depth and function bodies.
// Produces: one Conv (ConvTranspose) with W' = W·s and B' = (B − mean)·s + bias on each output
// channel, s = scale / sqrt(var + epsilon), computed in double and stored in W's element type
// under fresh names; it takes over the BatchNormalization's output name (a graph output keeps
// its name). The old weights, and the BatchNormalization's constants, go when nothing else
// reads them.
// Refuses (a skip with the reason): training mode (training_mode=1 at opset 14 and later; any
// output besides Y, which opsets 7–13 produce only in training); spatial=0 (opsets 7–8);
// opsets before 7 (is_test / consumed_inputs forms); a Conv output read elsewhere or returned;
// weights or BatchNormalization parameters computed at run time, of another shape, or of a
// non-float type; constants that training_info binds. BatchNormalization after anything but a
// Conv is no candidate.
// Counters: batchnorms-fused.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class FuseBnIntoConvPass : public Pass {
 public:
  explicit FuseBnIntoConvPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
