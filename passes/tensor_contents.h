// A tensor's contents in one comparable form, for passes that merge equal tensors
// (dedupe-initializers) or nodes with equal tensor attributes
// (eliminate-common-subexpressions): its raw little-endian bytes (a view of inline data,
// read for external data), or for strings the elements each prefixed by their length.
// Two tensors of the same element type and dims are equal exactly when these are.
#pragma once

#include "onnxkit/status.h"
#include "onnxkit/tensor.h"

namespace onnxkit::passes {

StatusOr<Bytes> TensorContents(const Tensor& t);

}  // namespace onnxkit::passes
