// The ONNX C++ library's namespace, under the name onnxkit's code uses for it (internal).
//
// onnxkit builds on a pinned ONNX release compiled with a namespace of its own, or on the
// platform's libonnx whose namespace is `onnx` (scripts/onnx.sh, CMake's ONNXKIT_ONNX).
// Either library's CMake package defines ONNX_NAMESPACE for everything that links it; inside
// namespace onnxkit, `onnx::` is an alias of it, so no other file names the real one.
#pragma once

#ifndef ONNX_NAMESPACE
#error "ONNX_NAMESPACE is not defined: link the ONNX library's CMake targets (onnx, onnx_proto)"
#endif

namespace ONNX_NAMESPACE {
class OpSchema;
}

namespace onnxkit {
namespace onnx = ::ONNX_NAMESPACE;
}
