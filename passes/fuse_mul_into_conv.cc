#include "passes/fuse_mul_into_conv.h"

#include "passes/fusion_support.h"

namespace onnxkit::passes {

FuseMulIntoConvPass::FuseMulIntoConvPass(const PassOptions&) {}

StatusOr<PassResult> FuseMulIntoConvPass::Run(Model& model, PassContext&) {
  return fusion::FuseChannelConstants(model, fusion::ChannelOp::kMul);
}

}  // namespace onnxkit::passes
