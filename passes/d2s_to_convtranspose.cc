#include "passes/d2s_to_convtranspose.h"

#include "passes/block_reorg.h"

namespace onnxkit::passes {

StatusOr<PassResult> D2sToConvTransposePass::Run(Model& model, PassContext& /*context*/) {
  return RewriteBlockReorganisations(model, BlockDirection::kDepthToSpace, allow_double_);
}

}  // namespace onnxkit::passes
