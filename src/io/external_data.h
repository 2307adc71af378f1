// External data references (ONNX docs/ExternalData.md): checking them at load time.
//
// The rules are the ones the ONNX checker learned the hard way: a location is relative,
// stays inside the model's folder after resolving `..` and symlinks, names a regular file,
// and offset + length lie within it; the length matches the tensor's size. A violation is an
// error and nothing is read.
#pragma once

#include <string>

#include "onnxkit/ir.h"

namespace onnxkit::io_internal {

// Checks one external tensor's reference and says where its bytes are. Error codes:
// PermissionDenied for locations that leave the folder, NotFound for missing files,
// OutOfRange for ranges past the end, InvalidArgument for malformed references.
StatusOr<ExternalLocation> LocateExternalData(const Tensor& tensor, const std::string& base_dir);

// Checks every external tensor of `model` and records where its bytes are.
Status ResolveExternalData(Model& model, const std::string& base_dir);

}  // namespace onnxkit::io_internal
