// Loading and saving models, losslessly.
//
// Load decodes the protobuf wire format directly: a file is memory-mapped and tensors alias
// the mapping; external-data references are checked (inside the model's folder, within the
// file, of the right length) but their bytes are not read until a tensor's Data() is asked
// for. Save writes atomically (a temporary file renamed over the target) and can move large
// tensors to one side file or bring external tensors back inline. Neither goes through
// protobuf's generated classes, so models past protobuf's 2 GB message limit work.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit {

struct LoadOptions {
  // The folder external-data locations are relative to. LoadFile uses the model's folder
  // when this is empty; LoadBytes refuses external tensors when it is empty.
  std::string base_dir;
  // Check every external-data reference at load time (recommended: a bad reference is then
  // an error before anything else runs).
  bool check_external_data = true;
};

// Loads a model file; "-" reads standard input (external data relative to the current
// folder). Errors name the file, the byte offset and the field path.
StatusOr<std::unique_ptr<Model>> LoadFile(const std::string& path, const LoadOptions& options = {});
// Loads serialized bytes (copied once, then aliased by the model's tensors).
StatusOr<std::unique_ptr<Model>> LoadBytes(std::string_view bytes, const LoadOptions& options = {});

struct SaveOptions {
  enum class ExternalData {
    kKeep,      // write tensors as they are: external references stay references
    kInline,    // bring every external tensor's data into the model file
    kExternal,  // put every tensor of at least `size_threshold` bytes into one side file
  };
  ExternalData external_data = ExternalData::kKeep;
  // kExternal: the side file's name, relative to the output's folder; empty means
  // "<output file name>.data".
  std::string external_file;
  uint64_t size_threshold = 1024;
  // kExternal: each tensor starts at a multiple of this many bytes in the side file.
  uint64_t alignment = 4096;
};

// Saves to `path` atomically ("-" writes standard output). The side file of kExternal is
// written next to `path` before the model file.
Status SaveFile(const Model& model, const std::string& path, const SaveOptions& options = {});
// The serialized model (external references kept as they are).
StatusOr<std::string> SaveBytes(const Model& model);

}  // namespace onnxkit
