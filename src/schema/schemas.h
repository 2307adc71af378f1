// Op schemas from the linked libonnx, looked up for our IR (internal; shared by check, dump
// and inference). Keeps libonnx's headers out of everything else.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "onnxkit/ir.h"
#include "schema/onnx_namespace.h"

namespace onnxkit::schema {

// The domains the ONNX standard defines (default, ai.onnx.ml, training, preview.training,
// preview) and any other the linked library has schemas for.
bool IsStandardDomain(std::string_view domain);
// The newest opset version of `domain` the linked libonnx knows (nullopt: unknown domain).
std::optional<int64_t> KnownMaxVersion(std::string_view domain);

// The schema of `op_type` in `domain` that applies at opset `version` (nullptr if none, and
// for an opset newer than the library knows: its newest schema may not be the one that
// applies there, and a wrong schema gives wrong errors).
const onnx::OpSchema* Find(std::string_view op_type, int64_t version, std::string_view domain);
// The newest schema of `op_type` in `domain` at any version (nullptr if the op is unknown).
const onnx::OpSchema* FindAnyVersion(std::string_view op_type, std::string_view domain);

}  // namespace onnxkit::schema
