#include <fmt/format.h>

#include "onnxkit/ir.h"

namespace onnxkit {
namespace {

void VisitGraph(const Graph& g, const std::function<void(const Graph&)>& fn) {
  fn(g);
  for (const Node* n : g.nodes()) {
    for (const Attribute& a : n->attributes) {
      if (a.g) VisitGraph(*a.g, fn);
      for (const auto& sub : a.graphs) VisitGraph(*sub, fn);
    }
  }
}

std::string NodeLabel(const Node& n) {
  return n.name.empty() ? fmt::format("{} node", n.op_type) : fmt::format("node '{}'", n.name);
}

}  // namespace

void ForEachGraph(const Model& model, const std::function<void(const Graph&)>& fn) {
  if (model.graph) VisitGraph(*model.graph, fn);
  for (const TrainingInfo& t : model.training_info) {
    if (t.initialization) VisitGraph(*t.initialization, fn);
    if (t.algorithm) VisitGraph(*t.algorithm, fn);
  }
  for (const auto& f : model.functions) VisitGraph(*f->body, fn);
}

void ForEachTensor(const Model& model,
                   const std::function<void(const Tensor&, const TensorSite&)>& fn) {
  ForEachGraph(model, [&](const Graph& g) {
    for (const Value* v : g.initializers()) {
      fn(*v->initializer(), {&g, fmt::format("initializer '{}'", v->name())});
    }
    for (const Value* v : g.sparse_initializers()) {
      const SparseTensor& st = *v->sparse_initializer();
      std::string where = fmt::format("sparse initializer '{}'", v->name());
      if (st.values) fn(*st.values, {&g, where + " values"});
      if (st.indices) fn(*st.indices, {&g, where + " indices"});
    }
    for (const Node* n : g.nodes()) {
      for (const Attribute& a : n->attributes) {
        std::string where = fmt::format("{} attribute '{}'", NodeLabel(*n), a.name);
        if (a.t) fn(*a.t, {&g, where});
        for (const Tensor& t : a.tensors) fn(t, {&g, where});
        auto sparse = [&](const SparseTensor& st) {
          if (st.values) fn(*st.values, {&g, where + " values"});
          if (st.indices) fn(*st.indices, {&g, where + " indices"});
        };
        if (a.sparse_tensor) sparse(*a.sparse_tensor);
        for (const SparseTensor& st : a.sparse_tensors) sparse(st);
      }
    }
  });
}

}  // namespace onnxkit
