// Conversions between IR pieces and libonnx's protobuf classes (internal), for handing
// nodes and types to libonnx's schema and inference functions.
#pragma once

#include <onnx/onnx_pb.h>

#include "onnxkit/ir.h"
#include "schema/onnx_namespace.h"

namespace onnxkit::schema {

onnx::TypeProto ToOnnx(const Type& type);
onnx::TensorProto ToOnnx(const Tensor& tensor);
// The node with its attributes; inputs and outputs by name.
onnx::NodeProto ToOnnx(const Node& node);
// The same into `out`, which is cleared first: a proto reused from node to node keeps its
// allocations (its strings and repeated fields), so converting the next node allocates little.
void ToOnnx(const Node& node, onnx::NodeProto& out);
Type FromOnnx(const onnx::TypeProto& type);

// libonnx's interned type string ("tensor(float)") for a type, cached per kind and element
// type (libonnx builds and locks for every call). Throws like libonnx for invalid types.
const std::string* TypeId(const onnx::TypeProto& type);

// The IR type of an initializer (tensor of its data type and dims).
Type TypeOfTensor(const Tensor& tensor);

}  // namespace onnxkit::schema
