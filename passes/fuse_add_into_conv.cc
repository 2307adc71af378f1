#include "passes/fuse_add_into_conv.h"

#include "passes/fusion_support.h"

namespace onnxkit::passes {

FuseAddIntoConvPass::FuseAddIntoConvPass(const PassOptions&) {}

StatusOr<PassResult> FuseAddIntoConvPass::Run(Model& model, PassContext&) {
  return fusion::FuseChannelConstants(model, fusion::ChannelOp::kAdd);
}

}  // namespace onnxkit::passes
