// The built-in passes, each declared once: name, summary, options (type, default, summary)
// and the class that implements it. The registry, `onnxkit passes`, `--help` and
// docs/passes.md are made from this table (tests/passes/passes_doc_test.cc keeps the doc in
// step). A new pass is a row here plus its own passes/<name>.{h,cc}.
#include "passes/pass_table.h"

#include <memory>
#include <vector>

#include "passes/constant_to_initializer.h"
#include "passes/d2s_to_convtranspose.h"
#include "passes/dedupe_initializers.h"
#include "passes/dynamic_scales.h"
#include "passes/eliminate_common_subexpressions.h"
#include "passes/eliminate_dead_code.h"
#include "passes/eliminate_identity.h"
#include "passes/eliminate_nop.h"
#include "passes/fold_constants.h"
#include "passes/fuse_add_into_conv.h"
#include "passes/fuse_bn_into_conv.h"
#include "passes/fuse_consecutive_casts.h"
#include "passes/fuse_consecutive_reshapes.h"
#include "passes/fuse_consecutive_slices.h"
#include "passes/fuse_consecutive_squeezes.h"
#include "passes/fuse_consecutive_transposes.h"
#include "passes/fuse_mul_into_conv.h"
#include "passes/fuse_pad_into_conv.h"
#include "passes/infer_shapes.h"
#include "passes/inline_functions.h"
#include "passes/matmul_add_to_gemm.h"
#include "passes/s2d_to_conv.h"
#include "passes/topological_sort.h"

namespace onnxkit::passes {
namespace {

constexpr PassOptionSpec kInlineFunctionsOptions[] = {
    {"functions", PassOptionSpec::Kind::kList, "",
     "inline only these functions (names, or domain.name); empty: all"},
    {"keep-definitions", PassOptionSpec::Kind::kBool, "false",
     "keep the inlined functions' definitions in the model"},
};

constexpr PassOptionSpec kDynamicScalesOptions[] = {
    {"name", PassOptionSpec::Kind::kString, "scales", "the new graph input's name"},
    {"shape", PassOptionSpec::Kind::kString, "full",
     "what the input holds: full (every axis), spatial (axes 2 and up) or scalar (one factor "
     "for every spatial axis)"},
    {"keep-default", PassOptionSpec::Kind::kBool, "false",
     "keep the old value as the input's default initializer (IR 4 and later)"},
    {"per-node", PassOptionSpec::Kind::kBool, "false",
     "one input per node, even where the scales are equal"},
};

constexpr PassOptionSpec kBlockReorgOptions[] = {
    {"double", PassOptionSpec::Kind::kBool, "false",
     "also rewrite float64 tensors (ONNX Runtime's CPU provider has no float64 Conv or "
     "ConvTranspose)"},
};

// The factory of a pass class whose constructor takes its options.
template <typename P>
StatusOr<std::unique_ptr<Pass>> Make(const PassOptions& options) {
  return std::unique_ptr<Pass>(std::make_unique<P>(options));
}

}  // namespace

std::span<const PassInfo> BuiltinPassTable() {
  static const std::vector<PassInfo> kTable = {
      // Rows: {"name", "summary", kNameOptions, &Make<NameClass>},
      {"constant-to-initializer",
       "turn Constant nodes into initializers of the same name (not in function bodies)",
       {},
       &Make<ConstantToInitializerPass>},
      {"eliminate-identity",
       "remove Identity nodes; a graph output keeps its name",
       {},
       &Make<EliminateIdentityPass>},
      {"dedupe-initializers",
       "merge initializers of one graph with the same type, dims and bytes",
       {},
       &Make<DedupeInitializersPass>},
      {"eliminate-dead-code",
       "remove unused nodes, initializers, local functions and opset imports",
       EliminateDeadCodePass::kOptions, &Make<EliminateDeadCodePass>},
      {"topological-sort",
       "order every graph's nodes topologically, moving only nodes that come too early",
       {},
       &Make<TopologicalSortPass>},
      // The eliminations and chain merges `simplify` runs (issue 12).
      {"eliminate-common-subexpressions",
       "compute equal nodes (same op, inputs and attributes) once; never random ops",
       {},
       &Make<EliminateCommonSubexpressionsPass>},
      {"eliminate-nop",
       "remove nodes that return their input: inference Dropout, Cast to the same type, "
       "full Slice, identity Transpose/Reshape/Expand, zero Pad, Add 0, Mul 1, ...",
       {},
       &Make<EliminateNopPass>},
      {"fuse-consecutive-transposes",
       "merge Transpose chains into one Transpose (none when they cancel)",
       {},
       &Make<FuseConsecutiveTransposesPass>},
      {"fuse-consecutive-reshapes",
       "make a Reshape of a Reshape read the first one's input",
       {},
       &Make<FuseConsecutiveReshapesPass>},
      {"fuse-consecutive-squeezes",
       "cancel Squeeze/Unsqueeze pairs and merge Squeeze or Unsqueeze chains",
       {},
       &Make<FuseConsecutiveSqueezesPass>},
      {"fuse-consecutive-casts",
       "make a Cast of a Cast read the first one's input when the first loses nothing",
       {},
       &Make<FuseConsecutiveCastsPass>},
      {"fuse-consecutive-slices",
       "merge a Slice of a Slice over other axes into one Slice",
       {},
       &Make<FuseConsecutiveSlicesPass>},
      {"dynamic-scales", "make the constant scales of Resize and Upsample a graph input",
       kDynamicScalesOptions, &Make<DynamicScalesPass>},
      {"s2d-to-conv",
       "replace space-to-depth (op, reshape/transpose or slice chains) by a strided Conv",
       kBlockReorgOptions, &Make<S2dToConvPass>},
      {"d2s-to-convtranspose",
       "replace depth-to-space (op or reshape/transpose chains) by a strided ConvTranspose",
       kBlockReorgOptions, &Make<D2sToConvTransposePass>},
      {"fold-constants",
       "compute what does not depend on the inputs: constant nodes, Shape and Size of static "
       "dims, If on a constant condition",
       FoldConstantsPass::kOptions, &Make<FoldConstantsPass>},
      {"infer-shapes", "write the types and shapes inference finds into the model (value_info)",
       InferShapesPass::kOptions, &Make<InferShapesPass>},
      {"inline-functions", "replace calls of model-local functions by their bodies",
       kInlineFunctionsOptions, &Make<InlineFunctionsPass>},
      // Fusions (passes/fusion_support.h).
      {"fuse-bn-into-conv",
       "fold an inference-mode BatchNormalization into the Conv or ConvTranspose before it",
       {},
       &Make<FuseBnIntoConvPass>},
      {"fuse-add-into-conv",
       "fold the Add of a per-channel constant into the bias of the Conv before it",
       {},
       &Make<FuseAddIntoConvPass>},
      {"fuse-mul-into-conv",
       "fold the Mul by a per-channel constant into the weights of the Conv before it",
       {},
       &Make<FuseMulIntoConvPass>},
      {"matmul-add-to-gemm",
       "replace a 2-D MatMul followed by the Add of a constant by one Gemm",
       {},
       &Make<MatMulAddToGemmPass>},
      {"fuse-pad-into-conv",
       "fold a zero Pad into the pads of the Conv or count-including AveragePool after it",
       {},
       &Make<FusePadIntoConvPass>},
  };
  return kTable;
}

}  // namespace onnxkit::passes
