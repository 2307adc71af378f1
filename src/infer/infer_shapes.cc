#include "check/context.h"
#include "onnxkit/infer.h"

namespace onnxkit {

InferStats InferShapes(Model& model, Diagnostics& diagnostics) {
  check_internal::Context context(model, diagnostics);
  InferStats stats;
  for (auto& [value, type] : check_internal::InferTypes(context)) {
    // The model is ours to change; the checker's view of it is read-only.
    auto* v = const_cast<Value*>(value);
    if (v->type() || v->kind() == Value::Kind::kUndefined || type.kind == Type::Kind::kNone) {
      continue;
    }
    ValueInfo& info = v->mutable_info();
    info.has_type = true;
    info.type = std::move(type);
    ++stats.values_typed;
    bool listed = false;
    for (const Value* o : v->graph()->outputs()) listed |= o == v;
    for (const Value* o : v->graph()->value_info()) listed |= o == v;
    if (!listed && v->kind() == Value::Kind::kNodeOutput) v->graph()->AddValueInfo(v);
  }
  return stats;
}

}  // namespace onnxkit
