#include "passes/static_types.h"

#include "onnxkit/infer.h"
#include "passes/graph_sites.h"
#include "passes/model_copies.h"

namespace onnxkit::passes {

StaticTypes::StaticTypes(const Model& model) {
  StatusOr<std::unique_ptr<Model>> copy = ModelCopies(model).Make();
  if (!copy.ok()) return;
  InferModel(**copy);
  // RewritableGraphs takes a mutable model but changes nothing.
  std::vector<GraphSite> originals = RewritableGraphs(const_cast<Model&>(model));
  std::vector<GraphSite> copies = RewritableGraphs(**copy);
  if (originals.size() != copies.size()) return;
  for (size_t i = 0; i < originals.size(); ++i) {
    if (originals[i].function) continue;
    auto& map = types_[originals[i].graph];
    for (const Value* v : copies[i].graph->values()) {
      if (v->type()) map.try_emplace(v->name(), *v->type());
    }
  }
}

const Type* StaticTypes::TypeOf(const Value& v) const {
  if (v.type() && v.type()->shape) return v.type();
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
