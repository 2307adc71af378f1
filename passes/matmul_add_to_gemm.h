// matmul-add-to-gemm: a 2-D MatMul followed by the Add of a constant becomes one Gemm, as ONNX
// Runtime's basic optimisation level does.
//
// Matches: Add (default domain) of output 0 of a MatMul of the same graph (either operand) and
// a constant C, where the MatMul's A is known to be 2-D [M, K] (declared, or by shape
// inference on a copy of the model: the pass adds no value_info), its B is 2-D [K, N] (a
// constant, or declared 2-D), nothing but the Add reads the MatMul's output and no graph
// returns it, and C broadcasts to [M, N] without growing it: rank 0 to 2, each dim 1 or the
// matching dim of [M, N] (which must then be known). Element types float, double, float16, and
// bfloat16 from opset 13. Opset 7 and later (Gemm's broadcasting C). In the main graph,
// sub-graphs at any depth and function bodies (where shapes are known from declarations only).
// Produces: Gemm(A, B, C) (alpha = beta = 1, no transposes) in the Add's place, taking over the
// Add's output name (a graph output keeps its name); the MatMul and the Add go.
// Refuses (a skip with the reason): A not 2-D or of unknown rank (N-D MatMuls stay: the 2-D
// Gemm would need Reshapes around it), B not 2-D, C not constant or not broadcastable as
// above, a MatMul output read elsewhere or returned, other element types, opsets before 7.
// An Add that does not read a MatMul is no candidate.
// Counters: gemms-made.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class MatMulAddToGemmPass : public Pass {
 public:
  explicit MatMulAddToGemmPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
