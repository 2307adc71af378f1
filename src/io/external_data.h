// External data references (ONNX docs/ExternalData.md): checking them and opening their files.
//
// The rules are the ones the ONNX checker learned the hard way, applied to the file that is
// actually opened rather than to a path that is resolved again later: a location is a
// relative path without `..` or NUL bytes; it is opened once, beneath the model's folder
// (openat2 RESOLVE_BENEATH, so a symlink may point elsewhere inside the folder but never
// out of it; where openat2 is missing, every component is opened with O_NOFOLLOW and no
// symlink is followed at all); the descriptor must be a regular file (a FIFO is opened
// without blocking and refused); offset + length lie within it and the length matches the
// tensor's size. Tensors then read through that descriptor, so swapping the path for a
// symlink or a FIFO after the check changes nothing.
#pragma once

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "io/input_file.h"
#include "onnxkit/ir.h"

namespace onnxkit::io_internal {

// Opens and checks the external-data files of one model folder, each location once however
// many tensors refer to it.
class ExternalDataResolver {
 public:
  // `base_dir`: the folder locations are relative to; "" when the model has none.
  explicit ExternalDataResolver(std::string base_dir) : base_dir_(std::move(base_dir)) {}

  // Checks one external tensor's reference and says where its bytes are. Error codes:
  // PermissionDenied for locations that leave the folder, NotFound for missing files,
  // OutOfRange for ranges past the end, FailedPrecondition when there is no folder,
  // Unimplemented for a STRING tensor (external data is not defined for strings),
  // InvalidArgument for other malformed references.
  StatusOr<ExternalLocation> Locate(const Tensor& tensor);

 private:
  using OpenResult = StatusOr<std::shared_ptr<const ExternalDataFile>>;
  OpenResult Open(const std::string& location);
  Status OpenFolder();

  std::string base_dir_;
  Fd folder_;
  std::optional<Status> folder_status_;
  absl::flat_hash_map<std::string, OpenResult> files_;
};

// Checks every external tensor of `model` and records where its bytes are; the first
// failure names its tensor.
Status ResolveExternalData(Model& model, const std::string& base_dir);

}  // namespace onnxkit::io_internal
