#include "passes/s2d_to_conv.h"

#include "passes/block_reorg.h"

namespace onnxkit::passes {

StatusOr<PassResult> S2dToConvPass::Run(Model& model, PassContext& /*context*/) {
  return RewriteBlockReorganisations(model, BlockDirection::kSpaceToDepth, allow_double_);
}

}  // namespace onnxkit::passes
