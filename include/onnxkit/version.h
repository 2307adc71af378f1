// Which ONNX C++ library onnxkit was built with (scripts/onnx.sh's pinned release, or a
// system libonnx), and how new a model it knows fully. Models newer than that still load,
// round-trip and check; their newer parts get warnings instead of schema checks.
#pragma once

#include <cstdint>
#include <string>

namespace onnxkit {

struct OnnxLibraryInfo {
  std::string version;         // the release, e.g. "1.23.2"
  int64_t max_opset = 0;       // the newest opset of the default domain it has schemas for
  int64_t max_ir_version = 0;  // the newest IR version it defines
};

OnnxLibraryInfo LinkedOnnxLibrary();

// Builds the linked library's registry of op schemas, which it otherwise builds on first
// use: every version of every op, some milliseconds. Checking, inference and folding need
// it, so a caller about to load a model can have it built meanwhile on another thread. Safe
// from any thread, any number of times.
void PrepareOnnxSchemas();

}  // namespace onnxkit
