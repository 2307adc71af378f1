// The constant behind a value: what a pass asks before it folds, fuses or rewrites with a
// value known when the model is built (Resize scales, Reshape shapes, weights).
//
// A value is constant when it is an initializer (dense or sparse) that is not also a graph
// input, or output 0 of a `Constant` node (default domain) in any of its forms: `value`,
// `value_float(s)`, `value_int(s)`, `value_string(s)` or `sparse_value`. A graph input with
// an initializer holds a default that a caller may override: it counts only when asked.
// A `Constant` inside a function body whose value is a reference to the function's
// attribute (`ref_attr_name`) is not constant until the function is called.
#pragma once

#include <cstdint>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"
#include "onnxkit/tensor.h"

namespace onnxkit {

struct ConstantOptions {
  // Also graph inputs with an initializer (their defaults).
  bool include_overridable_inputs = false;
  // Sparse constants are densified up to this many bytes (ResourceExhausted beyond).
  uint64_t max_densified_bytes = uint64_t{64} << 20;
};

// Whether `value` (nullptr: no) is constant, as described above. Cheap: reads no data.
bool IsConstant(const Value* value, const ConstantOptions& options = {});

// The tensor of a constant `value`, named after the value. The tensor shares an
// initializer's raw bytes (and reads external data only when its data is asked for); the
// scalar and list forms of `Constant` become 0-D and 1-D float32 / int64 / string tensors;
// sparse ones are densified. NotFound when `value` is not constant; InvalidArgument for a
// `Constant` whose value is missing, doubled or malformed; Unimplemented for a sparse
// tensor of a packed element type (int4, int2, float4, float6).
StatusOr<Tensor> ConstantTensor(const Value* value, const ConstantOptions& options = {});

// The dense tensor a sparse tensor stands for: zeros (empty strings) except at its indices
// (linear indices [NNZ] or coordinates [NNZ, rank], int64). An error for indices out of
// range or of another shape or type, for more than `max_bytes` bytes of dense data, and
// (Unimplemented) for packed element types.
StatusOr<Tensor> Densify(const SparseTensor& sparse, uint64_t max_bytes = uint64_t{64} << 20);

}  // namespace onnxkit
