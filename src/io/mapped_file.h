// Read-only memory mappings of files, shared by the tensors that alias them (internal).
#pragma once

#include <cstdint>
#include <string>

#include "onnxkit/tensor.h"

namespace onnxkit::io_internal {

// Maps the whole file (or reads it, for pipes and other non-regular files).
StatusOr<Bytes> MapFile(const std::string& path);
// Maps bytes [offset, offset + length) of a regular file.
StatusOr<Bytes> ReadFileRange(const std::string& path, uint64_t offset, uint64_t length);
// Reads all of standard input.
StatusOr<Bytes> ReadStdin();

}  // namespace onnxkit::io_internal
