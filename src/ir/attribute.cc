// Attributes as a program builds and reads them: the type decides which field holds the
// value, so an attribute made in code and one read from a file are the same thing.
#include <utility>

#include "onnxkit/ir.h"

namespace onnxkit {
namespace {

// The field number of a scalar value field in AttributeProto (f = 2, i = 3, s = 4).
int ScalarField(AttributeType type) {
  switch (type) {
    case AttributeType::kFloat: return 2;
    case AttributeType::kInt: return 3;
    case AttributeType::kString: return 4;
    default: return -1;
  }
}

// An attribute of `type` whose `field` holds `value`.
template <typename T>
Attribute Make(std::string name, AttributeType type, T Attribute::*field, T value) {
  Attribute a;
  a.name = std::move(name);
  a.type = type;
  a.*field = std::move(value);
  return a;
}

}  // namespace

Attribute Attribute::Float(std::string name, float value) {
  return Make(std::move(name), AttributeType::kFloat, &Attribute::f, value);
}

Attribute Attribute::Int(std::string name, int64_t value) {
  return Make(std::move(name), AttributeType::kInt, &Attribute::i, value);
}

Attribute Attribute::String(std::string name, std::string value) {
  return Make(std::move(name), AttributeType::kString, &Attribute::s, std::move(value));
}

Attribute Attribute::Floats(std::string name, std::vector<float> values) {
  return Make(std::move(name), AttributeType::kFloats, &Attribute::floats, std::move(values));
}

Attribute Attribute::Ints(std::string name, std::vector<int64_t> values) {
  return Make(std::move(name), AttributeType::kInts, &Attribute::ints, std::move(values));
}

Attribute Attribute::Strings(std::string name, std::vector<std::string> values) {
  return Make(std::move(name), AttributeType::kStrings, &Attribute::strings, std::move(values));
}

Attribute Attribute::OfTensor(std::string name, onnxkit::Tensor value) {
  return Make(std::move(name), AttributeType::kTensor, &Attribute::t,
              std::optional<onnxkit::Tensor>(std::move(value)));
}

Attribute Attribute::OfGraph(std::string name, std::unique_ptr<Graph> value) {
  return Make(std::move(name), AttributeType::kGraph, &Attribute::g, std::move(value));
}

// A type a program set selects its value field; a type read from a file does not, because
// there the file says which fields it has (proto2 keeps a present 0). A reference to a
// function's attribute states a type but holds no value.
bool Attribute::TypeSelectsValue() const { return ref_attr_name.empty() && !preserved.Has(20); }

bool Attribute::HasField(AttributeType field) const {
  switch (field) {
    case AttributeType::kFloat:
    case AttributeType::kInt:
    case AttributeType::kString:
      return preserved.Has(ScalarField(field)) || (type == field && TypeSelectsValue());
    case AttributeType::kTensor: return t.has_value();
    case AttributeType::kGraph: return g != nullptr;
    case AttributeType::kSparseTensor: return sparse_tensor.has_value();
    case AttributeType::kTypeProto: return tp.has_value();
    case AttributeType::kFloats: return !floats.empty();
    case AttributeType::kInts: return !ints.empty();
    case AttributeType::kStrings: return !strings.empty();
    case AttributeType::kTensors: return !tensors.empty();
    case AttributeType::kGraphs: return !graphs.empty();
    case AttributeType::kSparseTensors: return !sparse_tensors.empty();
    case AttributeType::kTypeProtos: return !type_protos.empty();
    case AttributeType::kUndefined: return false;
  }
  return false;
}

namespace {
// Whether `a` holds a value of type `want`: its type says so, or (a typeless attribute of
// an old file) that is the field it carries. A list type holds a value even when empty.
bool Holds(const Attribute& a, AttributeType want) {
  if (!a.ref_attr_name.empty()) return false;
  if (a.type == want) return true;
  return a.type == AttributeType::kUndefined && a.HasField(want);
}
}  // namespace

std::optional<float> Attribute::AsFloat() const {
  return Holds(*this, AttributeType::kFloat) ? std::optional<float>(f) : std::nullopt;
}

std::optional<int64_t> Attribute::AsInt() const {
  return Holds(*this, AttributeType::kInt) ? std::optional<int64_t>(i) : std::nullopt;
}

std::optional<std::string_view> Attribute::AsString() const {
  return Holds(*this, AttributeType::kString) ? std::optional<std::string_view>(s) : std::nullopt;
}

std::optional<std::span<const float>> Attribute::AsFloats() const {
  if (!Holds(*this, AttributeType::kFloats)) return std::nullopt;
  return std::span<const float>(floats);
}

std::optional<std::span<const int64_t>> Attribute::AsInts() const {
  if (!Holds(*this, AttributeType::kInts)) return std::nullopt;
  return std::span<const int64_t>(ints);
}

std::optional<std::span<const std::string>> Attribute::AsStrings() const {
  if (!Holds(*this, AttributeType::kStrings)) return std::nullopt;
  return std::span<const std::string>(strings);
}

const onnxkit::Tensor* Attribute::AsTensor() const {
  return Holds(*this, AttributeType::kTensor) && t ? &*t : nullptr;
}

Graph* Attribute::AsGraph() const {
  return Holds(*this, AttributeType::kGraph) ? g.get() : nullptr;
}

std::vector<Graph*> Attribute::subgraphs() const {
  std::vector<Graph*> out;
  if (g) out.push_back(g.get());
  for (const auto& sub : graphs) out.push_back(sub.get());
  return out;
}

namespace {
// The typed value of `node`'s attribute `name` through `get`; empty (nullopt or nullptr)
// when the attribute is absent.
template <typename Get>
auto AttributeValue(const Node& node, std::string_view name, Get get) {
  const Attribute* a = node.FindAttribute(name);
  return a ? (a->*get)() : decltype((a->*get)())();
}
}  // namespace

std::optional<float> Node::GetFloat(std::string_view attr_name) const {
  return AttributeValue(*this, attr_name, &Attribute::AsFloat);
}

std::optional<int64_t> Node::GetInt(std::string_view attr_name) const {
  return AttributeValue(*this, attr_name, &Attribute::AsInt);
}

std::optional<std::string_view> Node::GetString(std::string_view attr_name) const {
  return AttributeValue(*this, attr_name, &Attribute::AsString);
}

std::optional<std::span<const float>> Node::GetFloats(std::string_view attr_name) const {
  return AttributeValue(*this, attr_name, &Attribute::AsFloats);
}

std::optional<std::span<const int64_t>> Node::GetInts(std::string_view attr_name) const {
  return AttributeValue(*this, attr_name, &Attribute::AsInts);
}

std::optional<std::span<const std::string>> Node::GetStrings(std::string_view attr_name) const {
  return AttributeValue(*this, attr_name, &Attribute::AsStrings);
}

const Tensor* Node::GetTensor(std::string_view attr_name) const {
  return AttributeValue(*this, attr_name, &Attribute::AsTensor);
}

Graph* Node::GetGraph(std::string_view attr_name) const {
  return AttributeValue(*this, attr_name, &Attribute::AsGraph);
}

void Node::SetAttribute(Attribute attribute) {
  for (Graph* sub : attribute.subgraphs()) sub->set_parent(graph_);
  if (Attribute* existing = FindAttribute(attribute.name)) {
    // The old value (and its sub-graphs, detaching their uses) dies here.
    *existing = std::move(attribute);
    return;
  }
  attributes.push_back(std::move(attribute));
}

bool Node::RemoveAttribute(std::string_view attr_name) {
  for (auto it = attributes.begin(); it != attributes.end(); ++it) {
    if (it->name == attr_name) {
      attributes.erase(it);
      return true;
    }
  }
  return false;
}

}  // namespace onnxkit
