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

}  // namespace onnxkit
