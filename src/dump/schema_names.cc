#include "dump/schema_names.h"

#include <fmt/format.h>
#include <onnx/defs/schema.h>

#include <algorithm>

#include "schema/schemas.h"

namespace onnxkit::dump_internal {
namespace {

bool IsDefaultDomain(std::string_view domain) { return NormalDomain(domain).empty(); }

ParamOption OptionOf(const onnx::OpSchema::FormalParameter& param) {
  switch (param.GetOption()) {
    case onnx::OpSchema::Optional: return ParamOption::kOptional;
    case onnx::OpSchema::Variadic: return ParamOption::kVariadic;
    default: return ParamOption::kSingle;
  }
}

std::vector<FormalParam> FormalsOf(const std::vector<onnx::OpSchema::FormalParameter>& params) {
  std::vector<FormalParam> out;
  out.reserve(params.size());
  for (const auto& p : params) out.push_back({p.GetName(), OptionOf(p)});
  return out;
}

// A function's formal inputs and outputs are its body graph's inputs and outputs.
std::vector<FormalParam> NamesOf(const std::vector<Value*>& values) {
  std::vector<FormalParam> out;
  out.reserve(values.size());
  for (const Value* v : values)
    out.push_back({v ? v->name() : std::string(), ParamOption::kSingle});
  return out;
}

OpResolution NoSchema(std::string reason) {
  OpResolution r;
  r.kind = OpResolution::Kind::kNoSchema;
  r.reason = std::move(reason);
  return r;
}

}  // namespace

std::optional<int64_t> OpsetScope::Version(std::string_view domain) const {
  if (function_opsets) {
    if (auto version = FindOpsetVersion(*function_opsets, domain)) return version;
  }
  return model ? model->OpsetVersion(domain) : std::nullopt;
}

std::string DisplayDomain(std::string_view domain) {
  return IsDefaultDomain(domain) ? std::string("ai.onnx") : std::string(domain);
}

OpResolution ResolveOp(const OpsetScope& scope, const Node& node) {
  // A model-local function shadows any schema of the same (domain, name), as in runtimes;
  // a call picks its overload.
  const Function* fn = scope.functions ? scope.functions->Find(node)
                       : scope.model   ? scope.model->FindFunction(node)
                                       : nullptr;
  if (fn) {
    OpResolution r;
    r.kind = OpResolution::Kind::kLocalFunction;
    r.inputs = NamesOf(fn->body->inputs());
    r.outputs = NamesOf(fn->body->outputs());
    return r;
  }
  std::optional<int64_t> version = scope.Version(node.domain);
  if (!version) {
    return NoSchema(fmt::format("domain {} not imported", DisplayDomain(node.domain)));
  }
  std::optional<int64_t> known = schema::KnownMaxVersion(node.domain);
  if (!known) return NoSchema("custom domain");
  // A newer opset may have changed the op in ways libonnx cannot know: better no names
  // than wrong ones.
  if (*version > *known) {
    return NoSchema(fmt::format("opset {} is newer than libonnx's {}", *version, *known));
  }
  const onnx::OpSchema* schema = schema::Find(node.op_type, *version, node.domain);
  if (!schema) {
    return NoSchema(fmt::format("no schema for {} in {} opset {}", node.op_type,
                                DisplayDomain(node.domain), *version));
  }
  OpResolution r;
  r.kind = OpResolution::Kind::kSchema;
  r.since_version = schema->since_version();
  r.deprecated = schema->deprecated();
  r.inputs = FormalsOf(schema->inputs());
  r.outputs = FormalsOf(schema->outputs());
  return r;
}

std::vector<std::string> SlotLabels(const std::vector<FormalParam>& formals, size_t count,
                                    std::string_view fallback) {
  // Only the last formal parameter of an ONNX schema may be variadic; it takes every
  // remaining actual slot.
  size_t variadic = formals.size();
  if (!formals.empty() && formals.back().option == ParamOption::kVariadic) {
    variadic = formals.size() - 1;
  }
  std::vector<std::string> labels;
  labels.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (i >= variadic && variadic < formals.size()) {
      labels.push_back(fmt::format("{}[{}]", formals[variadic].name, i - variadic));
    } else if (i < formals.size()) {
      labels.push_back(formals[i].name);
    } else {
      // More actual slots than the schema declares (a model the checker would reject).
      labels.push_back(fmt::format("{}[{}]", fallback, i));
    }
  }
  return labels;
}

bool HoldsDataType(const Node& node, const OpResolution& resolution, const Attribute& attr) {
  if (attr.type != AttributeType::kInt || !attr.ref_attr_name.empty()) return false;
  if (resolution.kind == OpResolution::Kind::kLocalFunction) return false;
  if (!IsDefaultDomain(node.domain)) return false;
  // Every ONNX attribute with one of these names is a TensorProto.DataType: Cast.to,
  // EyeLike/RandomNormal/RandomUniform(Like)/Multinomial/Bernoulli/SequenceEmpty.dtype,
  // QuantizeLinear.output_dtype, LayerNormalization.stash_type.
  const std::string& name = attr.name;
  return name == "to" || name == "dtype" || name == "output_dtype" || name == "stash_type";
}

}  // namespace onnxkit::dump_internal
