// Index propagation through the ops that only move elements (internal).
//
// Passes that must know where each output element of a chain comes from (space-to-depth
// detection) push a tensor of element indices through the chain and read the answer off
// its output. These ops never compute a value from several elements, so running them on
// int64 indices is running them on the data. This is the data-movement subset of the
// evaluator of DESIGN.md; the evaluator proper (all element types, arithmetic) grows from
// here and takes over this entry point.
#pragma once

#include <cstdint>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit::eval {

// A row-major int64 tensor.
struct IntTensor {
  std::vector<int64_t> dims;
  std::vector<int64_t> data;

  static IntTensor Iota(std::vector<int64_t> dims);
};

// Whether `node` is an op this file can run: Identity, Reshape, Flatten, Squeeze, Unsqueeze,
// Transpose, Slice, Concat, Split, SpaceToDepth, DepthToSpace (default domain).
bool IsDataMovement(const Node& node);

// Runs `node`, governed by opset `version`, on `inputs` (nullptr for an omitted input).
// Element counts are bounded by `max_elements`; anything the spec forbids or this code does
// not model (an attribute it does not know the meaning of) is an error.
StatusOr<std::vector<IntTensor>> RunDataMovement(const Node& node, int64_t version,
                                                 const std::vector<const IntTensor*>& inputs,
                                                 int64_t max_elements);

// `inputs` joined along `axis` (Concat's semantics).
StatusOr<IntTensor> ConcatInts(const std::vector<const IntTensor*>& inputs, int64_t axis);

// The integer constant `v` holds (an initializer that is no graph input, or a Constant's
// `value` / `value_int(s)`), converted to int64; an error if it is not one.
StatusOr<IntTensor> IntConstant(const Value& v);

}  // namespace onnxkit::eval
