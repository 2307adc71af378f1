#include "eval/schema_types.h"

#include <onnx/defs/schema.h>

#include <algorithm>
#include <string>

#include "fmt/format.h"
#include "schema/onnx_namespace.h"
#include "schema/schemas.h"

namespace onnxkit::eval {
namespace {

// The type strings ("tensor(float)") formal parameter `param` of `schema` accepts.
std::vector<std::string> AllowedTypes(const onnx::OpSchema& schema,
                                      const onnx::OpSchema::FormalParameter& param) {
  const std::string& type_str = param.GetTypeStr();
  for (const auto& constraint : schema.typeConstraintParams()) {
    if (constraint.type_param_str == type_str) return constraint.allowed_type_strs;
  }
  return {type_str};
}

// ONNX's name of an element type in type strings ("tensor(float)"); DataTypeName says
// float32 and float64 for the two that ONNX calls float and double.
std::string OnnxTypeName(int32_t type) {
  switch (static_cast<DataType>(type)) {
    case DataType::kFloat: return "float";
    case DataType::kDouble: return "double";
    default: return DataTypeName(type);
  }
}

}  // namespace

Status CheckSchemaTypes(const KernelContext& ctx) {
  const Node& node = ctx.node();
  const onnx::OpSchema* schema = schema::Find(node.op_type, ctx.version(), node.domain);
  if (schema == nullptr || schema->inputs().empty()) return Status();
  const auto& formals = schema->inputs();
  for (size_t i = 0; i < ctx.input_count(); ++i) {
    const Array* a = ctx.input(i);
    if (a == nullptr) continue;
    const auto& formal = formals[std::min(i, formals.size() - 1)];
    if (i >= formals.size() &&
        formal.GetOption() != onnx::OpSchema::FormalParameterOption::Variadic) {
      break;
    }
    const std::string type = fmt::format("tensor({})", OnnxTypeName(a->type));
    std::vector<std::string> allowed = AllowedTypes(*schema, formal);
    if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
      return ctx.Unsupported(fmt::format("input {} has element type {}, which {}-{} does not allow",
                                         i, DataTypeName(a->type), node.op_type,
                                         schema->SinceVersion()));
    }
  }
  return Status();
}

}  // namespace onnxkit::eval
