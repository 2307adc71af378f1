#include "schema/onnx_api.h"

#include <onnx/onnx_pb.h>

#include <algorithm>

#include "onnxkit/version.h"
#include "schema/schemas.h"

#ifndef ONNXKIT_ONNX_VERSION
#error "ONNXKIT_ONNX_VERSION is set by CMakeLists.txt from the ONNX package it found"
#endif

namespace onnxkit::schema {

std::string OnnxVersion() { return ONNXKIT_ONNX_VERSION; }

int64_t KnownMaxOpset() { return KnownMaxVersion("").value_or(0); }

// The protobuf schema's Version enum ends with IR_VERSION, the release's current one.
int64_t KnownMaxIrVersion() { return static_cast<int64_t>(onnx::Version::IR_VERSION); }

namespace {
// A template, so that a library without the field fails the requirement instead of the
// compilation.
template <typename NodeProto>
bool SetOverloadField(NodeProto& node, const std::string& overload) {
  if constexpr (requires { node.set_overload(overload); }) {
    node.set_overload(overload);
    return true;
  } else {
    return false;
  }
}
}  // namespace

bool SetOverload(onnx::NodeProto& node, const std::string& overload) {
  return SetOverloadField(node, overload);
}

std::vector<std::pair<std::string, const onnx::OpSchema::Attribute*>> SortedAttributes(
    const onnx::OpSchema& schema) {
  std::vector<std::pair<std::string, const onnx::OpSchema::Attribute*>> out;
  for (const auto& [name, attribute] : schema.attributes()) out.emplace_back(name, &attribute);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace onnxkit::schema

namespace onnxkit {

OnnxLibraryInfo LinkedOnnxLibrary() {
  return {schema::OnnxVersion(), schema::KnownMaxOpset(), schema::KnownMaxIrVersion()};
}

void PrepareOnnxSchemas() { (void)schema::FindAnyVersion("Identity", ""); }

}  // namespace onnxkit
