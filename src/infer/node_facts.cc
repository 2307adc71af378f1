#include "infer/node_facts.h"

#include <onnx/defs/tensor_proto_util.h>

namespace onnxkit::infer {

NodeFacts::NodeFacts(const onnx::OpSchema& schema, const onnx::NodeProto& node,
                     const std::vector<const onnx::TypeProto*>& input_types,
                     std::function<const onnx::TensorProto*(size_t)> input_data)
    : schema_(schema), node_(node), input_types_(input_types), input_data_(std::move(input_data)) {}

bool NodeFacts::has_input(size_t i) const {
  return i < input_types_.size() && i < static_cast<size_t>(node_.input_size()) &&
         !node_.input(static_cast<int>(i)).empty();
}

const onnx::TensorShapeProto* NodeFacts::Shape(size_t i) const {
  if (!has_input(i) || !input_types_[i]) return nullptr;
  const onnx::TypeProto& t = *input_types_[i];
  if (!t.has_tensor_type() || !t.tensor_type().has_shape()) return nullptr;
  return &t.tensor_type().shape();
}

std::optional<int> NodeFacts::Rank(size_t i) const {
  const onnx::TensorShapeProto* shape = Shape(i);
  if (!shape) return std::nullopt;
  return shape->dim_size();
}

std::string NodeFacts::InputName(size_t i) const {
  const auto& formals = schema_.inputs();
  if (formals.empty()) return std::to_string(i);
  return formals[std::min(i, formals.size() - 1)].GetName();
}

const onnx::AttributeProto* NodeFacts::Attribute(std::string_view name) const {
  for (const auto& a : node_.attribute()) {
    if (a.name() == name) return &a;
  }
  const auto& attributes = schema_.attributes();
  auto it = attributes.find(std::string(name));
  if (it == attributes.end() || !it->second.default_value.has_type()) return nullptr;
  return &it->second.default_value;
}

std::optional<int64_t> NodeFacts::Int(std::string_view name) const {
  const onnx::AttributeProto* a = Attribute(name);
  if (!a || a->type() != onnx::AttributeProto::INT) return std::nullopt;
  return a->i();
}

std::optional<std::vector<int64_t>> NodeFacts::Ints(std::string_view name) const {
  const onnx::AttributeProto* a = Attribute(name);
  if (!a || a->type() != onnx::AttributeProto::INTS) return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<std::string> NodeFacts::String(std::string_view name) const {
  const onnx::AttributeProto* a = Attribute(name);
  if (!a || a->type() != onnx::AttributeProto::STRING) return std::nullopt;
  return a->s();
}

std::optional<std::vector<int64_t>> NodeFacts::IntData(size_t i) const {
  if (!has_input(i)) return std::nullopt;
  const onnx::TensorProto* t = input_data_(i);
  if (!t) return std::nullopt;
  try {
    if (t->data_type() == onnx::TensorProto::INT64) return onnx::ParseData<int64_t>(t);
    if (t->data_type() == onnx::TensorProto::INT32) {
      std::vector<int32_t> values = onnx::ParseData<int32_t>(t);
      return std::vector<int64_t>(values.begin(), values.end());
    }
  } catch (const std::exception&) {
    // Data that does not match its dims is the "tensors" group's to report.
  }
  return std::nullopt;
}

}  // namespace onnxkit::infer
