#include "passes/static_types.h"

#include "absl/container/flat_hash_map.h"
#include "infer/engine.h"
#include "passes/graph_sites.h"

namespace onnxkit::passes {

StaticTypes::StaticTypes(const Model& model) : model_(model) {}

void StaticTypes::Infer() const {
  inferred_ = true;
  // The engine reads the model without changing it, so no copy is needed to keep the
  // inferred types out of it; they are taken as WriteTypes would have written them.
  infer::Engine engine(model_);
  engine.InferModel();
  absl::flat_hash_map<const Value*, Type> found;
  engine.ForEachFound([&](const Value* v, Type t) { found.try_emplace(v, std::move(t)); });
  // RewritableGraphs takes a mutable model but changes nothing.
  for (const GraphSite& site : RewritableGraphs(const_cast<Model&>(model_))) {
    if (site.function) continue;
    auto& map = types_[site.graph];
    for (const Value* v : site.graph->values()) {
      if (v->type()) {
        map.try_emplace(v->name(), *v->type());
      } else if (auto it = found.find(v); it != found.end()) {
        map.try_emplace(v->name(), std::move(it->second));
      }
    }
  }
}

const Type* StaticTypes::TypeOf(const Value& v) const {
  if (v.type() && v.type()->shape) return v.type();
  if (!inferred_) Infer();
  if (auto g = types_.find(v.graph()); g != types_.end()) {
    if (auto it = g->second.find(v.name()); it != g->second.end()) return &it->second;
  }
  return v.type();
}

std::optional<int32_t> StaticTypes::ElemType(const Value& v) const {
  const Type* t = TypeOf(v);
  if (!t || t->kind != Type::Kind::kTensor || t->elem_type == 0) return std::nullopt;
  return t->elem_type;
}

const std::vector<Dim>* StaticTypes::Dims(const Value& v) const {
  const Type* t = TypeOf(v);
  if (!t || t->kind != Type::Kind::kTensor || !t->shape) return nullptr;
  return &t->shape->dims;
}

std::optional<size_t> StaticTypes::Rank(const Value& v) const {
  const std::vector<Dim>* dims = Dims(v);
  if (!dims) return std::nullopt;
  return dims->size();
}

bool SameDim(const Dim& a, const Dim& b) {
  if (a.kind != b.kind || a.kind == Dim::Kind::kUnknown) return false;
  return a.kind == Dim::Kind::kValue ? a.value == b.value : a.param == b.param;
}

}  // namespace onnxkit::passes
