#include "schema/convert.h"

#include "io/writer.h"

namespace onnxkit::schema {

onnx::TypeProto ToOnnx(const Type& type) {
  onnx::TypeProto out;
  out.ParseFromString(io_internal::EncodeType(type));
  return out;
}

onnx::TensorProto ToOnnx(const Tensor& tensor) {
  onnx::TensorProto out;
  out.ParseFromString(io_internal::EncodeTensor(tensor));
  return out;
}

onnx::NodeProto ToOnnx(const Node& node) {
  onnx::NodeProto out;
  out.ParseFromString(io_internal::EncodeNode(node));
  return out;
}

namespace {
Shape FromOnnx(const onnx::TensorShapeProto& shape) {
  Shape out;
  for (const auto& d : shape.dim()) {
    Dim dim;
    if (d.has_dim_value()) dim = Dim::Value(d.dim_value());
    if (d.has_dim_param()) dim = Dim::Param(d.dim_param());
    dim.denotation = d.denotation();
    out.dims.push_back(std::move(dim));
  }
  return out;
}
}  // namespace

Type FromOnnx(const onnx::TypeProto& type) {
  Type out;
  out.denotation = type.denotation();
  switch (type.value_case()) {
    case onnx::TypeProto::kTensorType:
      out.kind = Type::Kind::kTensor;
      out.elem_type = type.tensor_type().elem_type();
      if (type.tensor_type().has_shape()) out.shape = FromOnnx(type.tensor_type().shape());
      break;
    case onnx::TypeProto::kSparseTensorType:
      out.kind = Type::Kind::kSparseTensor;
      out.elem_type = type.sparse_tensor_type().elem_type();
      if (type.sparse_tensor_type().has_shape()) {
        out.shape = FromOnnx(type.sparse_tensor_type().shape());
      }
      break;
    case onnx::TypeProto::kSequenceType:
      out.kind = Type::Kind::kSequence;
      if (type.sequence_type().has_elem_type()) {
        out.element.push_back(FromOnnx(type.sequence_type().elem_type()));
      }
      break;
    case onnx::TypeProto::kOptionalType:
      out.kind = Type::Kind::kOptional;
      if (type.optional_type().has_elem_type()) {
        out.element.push_back(FromOnnx(type.optional_type().elem_type()));
      }
      break;
    case onnx::TypeProto::kMapType:
      out.kind = Type::Kind::kMap;
      out.elem_type = type.map_type().key_type();
      if (type.map_type().has_value_type()) {
        out.element.push_back(FromOnnx(type.map_type().value_type()));
      }
      break;
    case onnx::TypeProto::kOpaqueType:
      out.kind = Type::Kind::kOpaque;
      out.opaque_domain = type.opaque_type().domain();
      out.opaque_name = type.opaque_type().name();
      break;
    default: break;
  }
  return out;
}

Type TypeOfTensor(const Tensor& tensor) {
  std::vector<Dim> dims;
  for (int64_t d : tensor.dims) dims.push_back(Dim::Value(d));
  return Type::Tensor(static_cast<DataType>(tensor.data_type), std::move(dims));
}

}  // namespace onnxkit::schema
