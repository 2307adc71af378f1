#include "eval/type_rules.h"

#include <onnx/defs/data_type_utils.h>
#include <onnx/defs/schema.h>

#include <string>

#include "fmt/format.h"
#include "schema/onnx_namespace.h"
#include "schema/schemas.h"

namespace onnxkit::eval {
namespace {

// Whether a formal parameter's type list holds the tensor type of `type`.
bool Allows(const onnx::OpSchema::FormalParameter& formal, int32_t type) {
  const auto& allowed = formal.GetTypes();
  if (allowed.empty()) return true;
  const std::string name =
      fmt::format("tensor({})", onnx::Utils::DataTypeUtils::ToDataTypeString(type));
  for (const std::string* t : allowed) {
    if (*t == name) return true;
  }
  return false;
}

StatusOr<const onnx::OpSchema*> SchemaOf(const KernelContext& ctx) {
  const Node& node = ctx.node();
  const onnx::OpSchema* schema = schema::Find(node.op_type, ctx.version(), node.domain);
  if (schema == nullptr)
    return ctx.Unsupported(fmt::format("no schema at opset {}", ctx.version()));
  return schema;
}

}  // namespace

Status CheckSchemaTypes(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const onnx::OpSchema* schema, SchemaOf(ctx));
  const auto& formals = schema->inputs();
  for (size_t i = 0; i < ctx.input_count(); ++i) {
    const Array* a = ctx.input(i);
    if (a == nullptr || formals.empty()) continue;
    // Inputs past the last formal belong to it when it is variadic.
    if (!Allows(formals[std::min(i, formals.size() - 1)], a->type)) {
      return ctx.Unsupported(fmt::format("input {} has element type {}, which {}-{} does not allow",
                                         i, DataTypeName(a->type), ctx.node().op_type,
                                         schema->SinceVersion()));
    }
  }
  return absl::OkStatus();
}

Status CheckOutputType(const KernelContext& ctx, size_t index, int32_t type) {
  ONNXKIT_ASSIGN_OR_RETURN(const onnx::OpSchema* schema, SchemaOf(ctx));
  if (index < schema->outputs().size() && !Allows(schema->outputs()[index], type)) {
    return ctx.Error(fmt::format("{}-{} cannot produce element type {}", ctx.node().op_type,
                                 schema->SinceVersion(), DataTypeName(type)));
  }
  return absl::OkStatus();
}

}  // namespace onnxkit::eval
