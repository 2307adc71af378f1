// set-attr: set attributes of one node, typed by the op's schema or explicitly.
#include <fmt/format.h>
#include <onnx/defs/schema.h>

#include <charconv>
#include <cmath>

#include "onnxkit/edit.h"
#include "schema/onnx_namespace.h"
#include "schema/schemas.h"
#include "surgery/scope.h"

namespace onnxkit {
namespace {

struct TypeName {
  std::string_view name;
  AttributeType type;
};
constexpr TypeName kTypeNames[] = {
    {"int", AttributeType::kInt},       {"float", AttributeType::kFloat},
    {"string", AttributeType::kString}, {"ints", AttributeType::kInts},
    {"floats", AttributeType::kFloats}, {"strings", AttributeType::kStrings},
};

bool Settable(AttributeType type) {
  for (const TypeName& t : kTypeNames) {
    if (t.type == type) return true;
  }
  return false;
}

std::string SettableNames() {
  std::string names;
  for (const TypeName& t : kTypeNames)
    names += fmt::format("{}{}", names.empty() ? "" : ", ", t.name);
  return names;
}

StatusOr<int64_t> ParseInt(std::string_view text, std::string_view what) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError(fmt::format("{}: '{}' is not an integer", what, text));
  }
  return value;
}

StatusOr<float> ParseFloat(std::string_view text, std::string_view what) {
  float value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError(fmt::format("{}: '{}' is not a number", what, text));
  }
  return value;
}

// The items of a list value: "1,2,3", "[1,2,3]", "[]" (empty).
std::vector<std::string_view> ListItems(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  std::vector<std::string_view> items;
  if (text.empty()) return items;
  while (true) {
    size_t comma = text.find(',');
    items.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

StatusOr<Attribute> MakeAttribute(const std::string& name, AttributeType type,
                                  std::string_view text) {
  const std::string what = fmt::format("attribute '{}' ({})", name, AttributeTypeName(type));
  switch (type) {
    case AttributeType::kInt: {
      ONNXKIT_ASSIGN_OR_RETURN(int64_t v, ParseInt(text, what));
      return Attribute::Int(name, v);
    }
    case AttributeType::kFloat: {
      ONNXKIT_ASSIGN_OR_RETURN(float v, ParseFloat(text, what));
      return Attribute::Float(name, v);
    }
    case AttributeType::kString: return Attribute::String(name, std::string(text));
    case AttributeType::kInts: {
      std::vector<int64_t> values;
      for (std::string_view item : ListItems(text)) {
        ONNXKIT_ASSIGN_OR_RETURN(int64_t v, ParseInt(item, what));
        values.push_back(v);
      }
      return Attribute::Ints(name, std::move(values));
    }
    case AttributeType::kFloats: {
      std::vector<float> values;
      for (std::string_view item : ListItems(text)) {
        ONNXKIT_ASSIGN_OR_RETURN(float v, ParseFloat(item, what));
        values.push_back(v);
      }
      return Attribute::Floats(name, std::move(values));
    }
    case AttributeType::kStrings: {
      std::vector<std::string> values;
      for (std::string_view item : ListItems(text)) values.emplace_back(item);
      return Attribute::Strings(name, std::move(values));
    }
    default:
      return absl::InvalidArgumentError(
          fmt::format("{}: set-attr sets {} attributes only", what, SettableNames()));
  }
}

// The type `assignment` gets on `node`: explicit, the schema's, or the existing attribute's.
StatusOr<AttributeType> TypeFor(const Model& model, const Node& node,
                                const AttributeAssignment& assignment) {
  const std::string label = surgery::NodeLabel(node);
  std::optional<int64_t> version = model.OpsetVersionOf(node);
  const onnx::OpSchema* schema =
      version ? schema::Find(node.op_type, *version, node.domain) : nullptr;
  if (schema != nullptr) {
    const auto& declared = schema->attributes();
    auto it = declared.find(assignment.name);
    if (it == declared.end()) {
      std::string names;
      for (const auto& [n, _] : declared)
        names += fmt::format("{}{}", names.empty() ? "" : ", ", n);
      return absl::InvalidArgumentError(
          fmt::format("{}: {}-{} has no attribute '{}' (its attributes: {})", label, node.op_type,
                      schema->since_version(), assignment.name, names.empty() ? "none" : names));
    }
    const auto schema_type = static_cast<AttributeType>(it->second.type);
    if (assignment.type != AttributeType::kUndefined && assignment.type != schema_type) {
      return absl::InvalidArgumentError(fmt::format(
          "{}: attribute '{}' is {} in the schema of {}, not {}", label, assignment.name,
          AttributeTypeName(schema_type), node.op_type, AttributeTypeName(assignment.type)));
    }
    return schema_type;
  }
  if (assignment.type != AttributeType::kUndefined) return assignment.type;
  if (const Attribute* existing = node.FindAttribute(assignment.name)) return existing->type;
  return absl::InvalidArgumentError(
      fmt::format("{}: no schema says what type attribute '{}' has; give it (e.g. {}:int=1)", label,
                  assignment.name, assignment.name));
}

}  // namespace

StatusOr<AttributeAssignment> ParseAttributeAssignment(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is not NAME=VALUE or NAME:TYPE=VALUE (e.g. alpha=0.2, axes:ints=0,1)", text));
  }
  std::string_view left = text.substr(0, eq);
  AttributeAssignment assignment;
  assignment.value = std::string(text.substr(eq + 1));
  size_t colon = left.find(':');
  assignment.name = std::string(left.substr(0, colon));
  if (colon != std::string_view::npos) {
    std::string_view type = left.substr(colon + 1);
    for (const TypeName& t : kTypeNames) {
      if (t.name == type) assignment.type = t.type;
    }
    if (assignment.type == AttributeType::kUndefined) {
      return absl::InvalidArgumentError(
          fmt::format("'{}': '{}' is not a type ({})", text, type, SettableNames()));
    }
  }
  if (assignment.name.empty()) {
    return absl::InvalidArgumentError(fmt::format("'{}' has no attribute name", text));
  }
  return assignment;
}

Status SetAttributes(Model& model, std::string_view node_name,
                     std::span<const AttributeAssignment> assignments) {
  ONNXKIT_ASSIGN_OR_RETURN(Node * node, surgery::FindNodeByName(model, node_name));
  std::vector<Attribute> attributes;
  for (const AttributeAssignment& assignment : assignments) {
    ONNXKIT_ASSIGN_OR_RETURN(AttributeType type, TypeFor(model, *node, assignment));
    if (!Settable(type)) {
      return absl::InvalidArgumentError(fmt::format(
          "{}: attribute '{}' is {}; set-attr sets {} attributes only", surgery::NodeLabel(*node),
          assignment.name, AttributeTypeName(type), SettableNames()));
    }
    auto attribute = MakeAttribute(assignment.name, type, assignment.value);
    if (!attribute.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: {}", surgery::NodeLabel(*node), StatusMessage(attribute.status())));
    }
    attributes.push_back(*std::move(attribute));
  }
  for (Attribute& attribute : attributes) node->SetAttribute(std::move(attribute));
  return absl::OkStatus();
}

}  // namespace onnxkit
