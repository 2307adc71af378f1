// Reading a tensor's raw data in pieces (internal): dump's statistics and previews stream a
// large tensor through one piece at a time instead of holding all of it.
//
// Not a member of Tensor so that this stays out of onnxkit/tensor.h, which nearly every
// file includes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "onnxkit/status.h"
#include "onnxkit/tensor.h"

namespace onnxkit {

// The fewest bytes that hold a whole number of elements of `type` with no element split:
// DataTypeSize for whole-byte types, 1 for the 4- and 2-bit types, 3 for the 6-bit floats
// (four elements); 1 for types without a raw form.
size_t DataTypeGroupBytes(int32_t type);

inline constexpr uint64_t kDataChunkBytes = uint64_t{1} << 20;

// The raw bytes of `tensor.Data()`, in order, in pieces of at most `chunk_bytes` rounded
// down to whole element groups (at least one group), each a whole number of groups but the
// last. An external tensor is read piece by piece, so a large tensor never sits in memory
// whole; inline data is sliced without copying. `fn` returns false to stop early (a preview
// needs the first bytes only). The errors are exactly those of Data(): a piece that cannot
// be read is read again whole for the message a whole read gives, which names the tensor's
// whole range (a file truncated after loading fails the same way in pieces as whole).
Status ForEachDataChunk(const Tensor& tensor, const std::function<bool(std::string_view)>& fn,
                        uint64_t chunk_bytes = kDataChunkBytes);

}  // namespace onnxkit
