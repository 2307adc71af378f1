// Loading and saving models, losslessly.
//
// Load decodes the protobuf wire format directly: the file is read once and tensors alias
// that buffer; external-data files are opened and checked (inside the model's folder, within
// the file, of the right length) but their bytes are not read until a tensor's Data() is
// asked for. Save writes atomically (temporary files renamed over the targets), never over
// a file the model was read from unless asked to, and can move large tensors to one side
// file or bring external tensors back inline (docs/security.md). Neither goes through
// protobuf's generated classes, so models past protobuf's 2 GB message limit work.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "onnxkit/ir.h"
#include "onnxkit/progress.h"
#include "onnxkit/status.h"
#include "onnxkit/tensor.h"

namespace onnxkit {

struct LoadOptions {
  // The folder external-data locations are relative to. When empty, LoadFile uses the model
  // file's folder; a model without a folder (LoadFile("-"), LoadBytes) then has no external
  // data: loading it is an error naming its first external tensor.
  std::string base_dir;
  // Check every external-data reference at load time (recommended: a bad reference is then
  // an error before anything else runs).
  bool check_external_data = true;
};

// Loads a model file; "-" reads standard input (external data only under
// `options.base_dir`). The model file is read whole; external-data files are opened once
// (see src/io/external_data.h) and read through those descriptors when a tensor's data is
// asked for. Errors name the file, the byte offset and the field path.
StatusOr<std::unique_ptr<Model>> LoadFile(const std::string& path, const LoadOptions& options = {});
// Loads serialized bytes (copied once, then aliased by the model's tensors).
StatusOr<std::unique_ptr<Model>> LoadBytes(std::string_view bytes, const LoadOptions& options = {});

struct SaveOptions {
  enum class ExternalData {
    // Tensors stay where they are: inline data inline, external references references.
    // A reference that would not reach its data from the output's folder (the output goes
    // to another folder) is rewritten to a new side file beside the output (named as
    // `external_file` says), which receives that data; a descriptor or device output has no
    // folder, so there the external data is written inline.
    kKeep,
    kInline,    // bring every external tensor's data into the model file
    kExternal,  // put every tensor of at least `size_threshold` bytes into one side file
  };
  ExternalData external_data = ExternalData::kKeep;
  // kExternal and kKeep's new side file: its name, relative to the output's folder; empty
  // means "<output file name>.data".
  std::string external_file;
  uint64_t size_threshold = 1024;
  // kExternal and kKeep's new side file: each tensor starts at a multiple of this many
  // bytes in the side file.
  uint64_t alignment = 4096;
  // Allow an output (the model file or the side file) to be a file the model was read from:
  // its own file or one of its external-data files, whatever name, hard link or symlink
  // reaches it. Without this, such a save is refused (FailedPrecondition) before anything is
  // written. Either way the data being read stays readable: outputs are new files renamed
  // into place, and external data is read through descriptors opened at load.
  bool in_place = false;
  // Told about each file as it is written (bytes); not owned, may be null.
  Progress* progress = nullptr;
};

// Saves to `path`. "-", /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N write to that
// descriptor; a device or FIFO is written to; a symlink is followed, never replaced; a regular
// file is written under a temporary name and renamed into place. The side file (kExternal when
// some tensor qualifies, kKeep when some reference must move) goes next to the model file,
// and the two are renamed together once both are complete; temporaries are removed on failure
// and on SIGINT, SIGTERM and SIGHUP. A new side file is never a file the model reads. A
// replaced file keeps its mode and owner; a new one gets 0666 minus the umask, and a side file
// gets its model's. A save that brings external data inline and would make the model 2 GiB or
// more (protobuf's limit) is refused before anything is written (FailedPrecondition). See
// docs/security.md.
Status SaveFile(const Model& model, const std::string& path, const SaveOptions& options = {});
// The serialized model (external references kept as they are).
StatusOr<std::string> SaveBytes(const Model& model);

// Tensor files: one tensor per file, as ONNX's backend tests and `onnxkit eval` use them.
//
// A `.pb` file is one serialized TensorProto (its data inline: an external-data reference
// has no folder to resolve against and is an error). A `.npy` file is a NumPy array: format
// versions 1, 2 and 3; little- or big-endian; C or Fortran order; dtypes float16/32/64,
// int8…int64, uint8…uint64, bool, complex64/128 and fixed-width unicode (`<U5`, stored as an
// ONNX string tensor in UTF-8 with NumPy's trailing NULs removed). Errors name the file and
// the byte offset and field (or header key) that is wrong.

// Decodes a serialized TensorProto.
StatusOr<Tensor> ParseTensor(std::string_view bytes);
// Reads a tensor file: NumPy when it starts with NumPy's magic bytes, a TensorProto otherwise.
StatusOr<Tensor> LoadTensorFile(const std::string& path);
// Writes `tensor` to `path` as a NumPy array when the name ends in `.npy`, as a TensorProto
// when it ends in `.pb` (other names are refused). Written atomically: under a temporary
// name renamed into place when complete. NumPy has no bfloat16, float8, 4-bit or 2-bit
// types: saving those as .npy is an error.
Status SaveTensorFile(const Tensor& tensor, const std::string& path);

// Writes `bytes` to `path` as every onnxkit output is written: under a temporary name in
// the same folder, flushed, then renamed into place, so a reader never sees half a file and
// a failure leaves the previous file as it was.
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace onnxkit
