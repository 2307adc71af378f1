// The adapter between onnxkit and the ONNX C++ library it is built with (internal): every
// difference between the releases onnxkit supports (Debian's 1.12 up to the pinned current
// release of scripts/onnx.sh) is handled here, so no other file tests the library's version.
#pragma once

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <string>
#include <utility>
#include <vector>

#include "schema/onnx_namespace.h"

namespace onnxkit::schema {

// The linked library's release ("1.23.2") and the newest versions it knows.
std::string OnnxVersion();
int64_t KnownMaxOpset();      // of the default domain
int64_t KnownMaxIrVersion();  // the IR version its protobuf schema calls current

// A schema's attributes in name order. Releases after 1.12 keep them in an unordered map;
// anything shown to a user, or reported in order, goes through this.
std::vector<std::pair<std::string, const onnx::OpSchema::Attribute*>> SortedAttributes(
    const onnx::OpSchema& schema);

// Sets NodeProto.overload (IR 10) where the linked library's protobuf schema has the field
// (1.16 and later) and returns true; returns false and leaves `node` alone where it has not
// (1.12: nothing there resolves calls by overload).
bool SetOverload(onnx::NodeProto& node, const std::string& overload);

}  // namespace onnxkit::schema
