#include "schema/convert.h"

#include <onnx/defs/data_type_utils.h>

#include "absl/container/flat_hash_map.h"
#include "io/writer.h"
#include "schema/onnx_api.h"

namespace onnxkit::schema {

namespace {
void ShapeToOnnx(const Shape& shape, onnx::TensorShapeProto* out) {
  for (const Dim& d : shape.dims) {
    auto* dim = out->add_dim();
    if (d.kind == Dim::Kind::kValue) dim->set_dim_value(d.value);
    if (d.kind == Dim::Kind::kParam) dim->set_dim_param(d.param);
    if (!d.denotation.empty()) dim->set_denotation(d.denotation);
  }
}

// Built field by field rather than through the wire format: inference asks for a type per
// value, and this is the checker's hottest conversion.
void TypeToOnnx(const Type& type, onnx::TypeProto* out) {
  if (!type.denotation.empty()) out->set_denotation(type.denotation);
  const Type* element = type.element_type();
  switch (type.kind) {
    case Type::Kind::kTensor: {
      auto* t = out->mutable_tensor_type();
      if (type.inner_preserved.Has(1) || type.elem_type != 0) t->set_elem_type(type.elem_type);
      if (type.shape) ShapeToOnnx(*type.shape, t->mutable_shape());
      break;
    }
    case Type::Kind::kSparseTensor: {
      auto* t = out->mutable_sparse_tensor_type();
      if (type.inner_preserved.Has(1) || type.elem_type != 0) t->set_elem_type(type.elem_type);
      if (type.shape) ShapeToOnnx(*type.shape, t->mutable_shape());
      break;
    }
    case Type::Kind::kSequence: {
      auto* t = out->mutable_sequence_type();
      if (element) TypeToOnnx(*element, t->mutable_elem_type());
      break;
    }
    case Type::Kind::kOptional: {
      auto* t = out->mutable_optional_type();
      if (element) TypeToOnnx(*element, t->mutable_elem_type());
      break;
    }
    case Type::Kind::kMap: {
      auto* t = out->mutable_map_type();
      t->set_key_type(type.elem_type);
      if (element) TypeToOnnx(*element, t->mutable_value_type());
      break;
    }
    case Type::Kind::kOpaque: {
      auto* t = out->mutable_opaque_type();
      t->set_domain(type.opaque_domain);
      t->set_name(type.opaque_name);
      break;
    }
    case Type::Kind::kNone: break;
  }
}
}  // namespace

onnx::TypeProto ToOnnx(const Type& type) {
  onnx::TypeProto out;
  TypeToOnnx(type, &out);
  return out;
}

onnx::TensorProto ToOnnx(const Tensor& tensor) {
  onnx::TensorProto out;
  out.ParseFromString(io_internal::EncodeTensor(tensor));
  return out;
}

namespace {
bool IsScalarOrList(const Attribute& a) {
  return !a.t && !a.g && !a.sparse_tensor && !a.tp && a.tensors.empty() && a.graphs.empty() &&
         a.sparse_tensors.empty() && a.type_protos.empty();
}

void ScalarAttributeToOnnx(const Attribute& a, onnx::AttributeProto* out) {
  out->set_name(a.name);
  if (!a.ref_attr_name.empty()) out->set_ref_attr_name(a.ref_attr_name);
  if (a.preserved.Has(20) || a.type != AttributeType::kUndefined) {
    out->set_type(static_cast<onnx::AttributeProto::AttributeType>(a.type));
  }
  if (a.HasField(AttributeType::kFloat)) out->set_f(a.f);
  if (a.HasField(AttributeType::kInt)) out->set_i(a.i);
  if (a.HasField(AttributeType::kString)) out->set_s(a.s);
  for (float f : a.floats) out->add_floats(f);
  for (int64_t i : a.ints) out->add_ints(i);
  for (const std::string& s : a.strings) out->add_strings(s);
}
}  // namespace

onnx::NodeProto ToOnnx(const Node& node) {
  onnx::NodeProto out;
  ToOnnx(node, out);
  return out;
}

void ToOnnx(const Node& node, onnx::NodeProto& out) {
  bool simple = node.metadata_props.empty() && node.device_configurations.empty();
  for (const Attribute& a : node.attributes) simple = simple && IsScalarOrList(a);
  if (!simple) {
    // Tensors, graphs, types and the IR 10 node fields: through the wire format, which
    // handles them all (a library whose schema lacks a field keeps it as an unknown field).
    out.ParseFromString(io_internal::EncodeNode(node));
    return;
  }
  out.Clear();
  out.set_op_type(node.op_type);
  out.set_domain(node.domain);
  out.set_name(node.name);
  if (!node.overload.empty() && !SetOverload(out, node.overload)) {
    // The library's schema has no such field: the wire format keeps it as an unknown one.
    out.ParseFromString(io_internal::EncodeNode(node));
    return;
  }
  for (const Value* v : node.inputs()) out.add_input(v ? v->name() : std::string());
  for (const Value* v : node.outputs()) out.add_output(v ? v->name() : std::string());
  for (const Attribute& a : node.attributes) ScalarAttributeToOnnx(a, out.add_attribute());
}

const std::string* TypeId(const onnx::TypeProto& type) {
  int elem = -1;
  if (type.has_tensor_type()) elem = type.tensor_type().elem_type();
  if (type.has_sparse_tensor_type()) elem = type.sparse_tensor_type().elem_type();
  if (elem < 0) return onnx::Utils::DataTypeUtils::ToType(type);
  thread_local absl::flat_hash_map<std::pair<int, int>, const std::string*> cache;
  std::pair<int, int> key{static_cast<int>(type.value_case()), elem};
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const std::string* id = onnx::Utils::DataTypeUtils::ToType(type);
  cache.emplace(key, id);
  return id;
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
