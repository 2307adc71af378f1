// s2d-to-conv: space-to-depth in every form exports produce — the SpaceToDepth op (any
// blocksize), Reshape/Transpose/Reshape chains (PixelUnshuffle, FFDNet's per-channel
// reorganisation), strided Slices joined by a Concat (YOLOv5's Focus) — becomes a Conv with
// stride b and one-hot weights [C·b·b, C, b, b] (no bias, no pads), which accelerators and
// converters handle well.
//
// Matches by evaluating, not by the op sequence: passes/block_reorg.h pushes element indices
// through the candidate chain and rewrites only a pure block permutation with static shapes,
// whatever channel order the chain produces; a run of a Concat's inputs counts too (FFDNet
// puts its noise map beside the reorganised image). Element types float and float16, and double
// with double=true (ONNX Runtime's CPU provider has no double Conv or ConvTranspose, so by default
// double chains are left alone). Recurses into sub-graphs and function bodies (weights are Constant
// nodes there). Refuses, with a reason: a chain whose result is not a block reorganisation, one
// whose intermediate values are read elsewhere, other element types. Chains with unknown shapes,
// parameters computed at run time, or ops other than data movement are not candidates: FFDNet's
// ScatterND form (slice assignment into zeros) is one only once its indices are constants:
// `--pass=fold-constants,eliminate-dead-code,s2d-to-conv` (or `simplify` first) rewrites it
// (tests/passes/s2d_to_conv_after_folding_test.cc).
// Caveat: an inf or NaN in a block becomes NaN across that output pixel's channels.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class S2dToConvPass : public Pass {
 public:
  explicit S2dToConvPass(const PassOptions& options) : allow_double_(options.GetBool("double")) {}
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;

 private:
  bool allow_double_;
};

}  // namespace onnxkit::passes
