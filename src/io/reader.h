// Decodes a serialized ModelProto into the IR (internal; io::Load is the public entry).
#pragma once

#include <memory>

#include "onnxkit/ir.h"
#include "onnxkit/tensor.h"

namespace onnxkit::io_internal {

// Decodes `bytes` (which `bytes` itself keeps alive: tensors alias it). Errors name the byte
// offset and the field path.
StatusOr<std::unique_ptr<Model>> DecodeModel(const Bytes& bytes);

// Decodes `bytes` as one serialized TensorProto (raw_data aliases `bytes`). Checks what
// DecodeModel checks of a tensor (wire format, dims, raw_data size); errors name the byte
// offset and the field.
StatusOr<Tensor> DecodeTensor(const Bytes& bytes);

// True when `bytes` decode as a GraphProto with nodes (used to explain why they are not a
// ModelProto).
bool LooksLikeGraphProto(const Bytes& bytes);

// Limits that keep hostile files from exhausting the stack.
inline constexpr int kMaxGraphDepth = 64;
inline constexpr int kMaxTypeDepth = 64;

}  // namespace onnxkit::io_internal
