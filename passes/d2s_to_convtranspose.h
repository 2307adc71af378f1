// d2s-to-convtranspose: depth-to-space — the DepthToSpace op in DCR and CRD mode, and the
// Reshape/Transpose/Reshape chains PixelShuffle exports — becomes a ConvTranspose with stride
// b and one-hot weights [C·b·b, C, b, b] (no bias, no pads): the inverse of s2d-to-conv.
//
// Matches by evaluating (passes/block_reorg.h): element indices are pushed through the
// candidate chain, and only a pure block permutation with static shapes is rewritten,
// whatever channel order it uses. Element types float and float16, and double with double=true
// (ONNX Runtime's CPU provider has no double Conv or ConvTranspose, so by default double chains are
// left alone). Recurses into sub-graphs and function bodies. Refuses, with a reason, what
// s2d-to-conv refuses. Caveat: an inf or NaN in an input pixel becomes NaN across its output block.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class D2sToConvTransposePass : public Pass {
 public:
  explicit D2sToConvTransposePass(const PassOptions& options)
      : allow_double_(options.GetBool("double")) {}
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;

 private:
  bool allow_double_;
};

}  // namespace onnxkit::passes
