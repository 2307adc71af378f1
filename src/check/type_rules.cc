// Rule group "types": strict type and shape inference, reported. The inference itself is
// src/infer's engine (infer/engine.h); this group checks declarations, maps the engine's
// findings to codes and locations, and compares the types of If branches.
//
// Cases:
//  1. declarations: a main-graph input without a type, an element type 0 (UNDEFINED), an
//     initializer whose graph-input declaration disagrees with its data;
//  2. inputs bound to one type variable with different types (Add of float and int32), and
//     inputs of the wrong kind (a sequence where a tensor is required);
//  3. an inference function that fails (e.g. MatMul of [2,3] x [4,5]), reported at its node,
//     and what an inference function assumes but does not check (input ranks, attribute
//     ranges, sizes: infer/preconditions.h);
//  4. an inferred output type that conflicts with its declaration (graph output or
//     value_info): element type, rank, or a known dimension — reported at the value;
//  5. an inferred output type that the schema's type constraint does not allow (e.g. an
//     int64 Constant before opset 9);
//  6. If branches that yield different element types.
// Nodes holding sub-graphs (If, Loop, Scan) are inferred through their bodies, which get the
// input types the op passes in; a node whose body outputs stay unknown keeps its declared
// output types.
#include <fmt/format.h>

#include <algorithm>

#include "check/context.h"
#include "infer/engine.h"
#include "onnxkit/infer.h"
#include "schema/convert.h"

namespace onnxkit::check_internal {
namespace {

std::string TypeString(const onnx::TypeProto& t) { return TypeToString(schema::FromOnnx(t)); }

// The code of each kind of inference finding (docs/diagnostics.md).
std::string_view FindingCode(InferFinding::Kind kind) {
  using Kind = InferFinding::Kind;
  switch (kind) {
    case Kind::kInputKind: return "types.kind-mismatch";
    case Kind::kInputTypes: return "types.type-mismatch";
    case Kind::kInputRank: return "types.input-rank";
    case Kind::kAttributeValue: return "types.attr-range";
    case Kind::kAttributeLength: return "types.attr-length";
    case Kind::kInputValue: return "types.input-value";
    case Kind::kNegativeDim: return "types.negative-dim";
    case Kind::kTooLarge: return "types.too-large";
    case Kind::kInferenceFailed: return "types.inference";
    case Kind::kOutputType: return "types.output-type";
    case Kind::kDeclaredKind: return "types.kind-mismatch";
    case Kind::kDeclaredElemType: return "types.elem-type-mismatch";
    case Kind::kDeclaredRank: return "types.rank-mismatch";
    case Kind::kDeclaredDim: return "types.dim-mismatch";
  }
  return "types.inference";
}

class TypeRules {
 public:
  explicit TypeRules(Context& c) : c_(c), engine_(c.model()) {}

  void Run() {
    for (const GraphScope& s : c_.graphs()) {
      if (s.kind == GraphScope::Kind::kFunction || s.function) continue;  // no types in bodies
      CheckDeclarations(s);
    }
    engine_.InferModel();
    for (const InferFinding& f : engine_.findings()) ReportFinding(f);
    for (const GraphScope& s : c_.graphs()) {
      if (s.function) continue;
      for (const Node* n : s.graph->nodes()) {
        if (n->Is("", "If") && !engine_.InferredThrough(*n)) CheckIfBranches(s, *n);
      }
    }
  }

  infer::Engine& engine() { return engine_; }

 private:
  void ReportFinding(const InferFinding& f) {
    // The "schema" group reports a node that breaks its schema.
    if (f.breaks_schema) return;
    const GraphScope* scope = c_.ScopeOf(f.node->graph());
    if (!scope) return;
    std::string code(FindingCode(f.kind));
    if (f.value) {
      const GraphScope* owner = c_.ScopeOf(f.value->graph());
      c_.Error(std::move(code), c_.ValueLocation(owner ? *owner : *scope, f.value->name()),
               f.message);
      return;
    }
    Location at = c_.NodeLocation(*scope, *f.node);
    at.slot = f.slot;
    c_.Error(std::move(code), std::move(at), f.message);
  }

  void CheckDeclared(const GraphScope& s, const Value* v) {
    const Type* t = v->type();
    if (!t) return;
    if ((t->kind == Type::Kind::kTensor || t->kind == Type::Kind::kSparseTensor) &&
        t->elem_type == 0) {
      c_.Error("types.undefined-elem-type", c_.ValueLocation(s, v->name()),
               fmt::format("'{}' is declared with element type 0 (UNDEFINED)", v->name()));
    }
  }

  void CheckDeclarations(const GraphScope& s) {
    const Graph& g = *s.graph;
    for (const Value* v : g.inputs()) {
      if (!v->type() && s.kind == GraphScope::Kind::kMain) {
        c_.Error("types.missing-type", c_.ValueLocation(s, v->name()),
                 fmt::format("graph input '{}' has no type", v->name()));
      }
      CheckDeclared(s, v);
      if (v->type() && v->initializer()) CheckInitializerDeclaration(s, v);
    }
    for (const Value* v : g.value_info()) CheckDeclared(s, v);
    for (const Value* v : g.outputs()) CheckDeclared(s, v);
  }

  void CheckInitializerDeclaration(const GraphScope& s, const Value* v) {
    const Type& declared = *v->type();
    Type data = schema::TypeOfTensor(*v->initializer());
    bool conflict = declared.kind != Type::Kind::kTensor ||
                    (declared.elem_type != 0 && declared.elem_type != data.elem_type);
    if (!conflict && declared.shape) {
      const auto& dims = declared.shape->dims;
      conflict = dims.size() != data.shape->dims.size();
      for (size_t i = 0; !conflict && i < dims.size(); ++i) {
        conflict = dims[i].kind == Dim::Kind::kValue && dims[i].value != data.shape->dims[i].value;
      }
    }
    if (conflict) {
      c_.Error("types.initializer-mismatch", c_.ValueLocation(s, v->name()),
               fmt::format("graph input '{}' is declared {} but its initializer is {}", v->name(),
                           TypeToString(declared), TypeToString(data)));
    }
  }

  void CheckIfBranches(const GraphScope& s, const Node& n) {
    const Attribute* then_branch = n.FindAttribute("then_branch");
    const Attribute* else_branch = n.FindAttribute("else_branch");
    if (!then_branch || !else_branch || !then_branch->g || !else_branch->g) return;
    const auto& a = then_branch->g->outputs();
    const auto& b = else_branch->g->outputs();
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      const onnx::TypeProto* ta = engine_.TypeOf(a[i]);
      const onnx::TypeProto* tb = engine_.TypeOf(b[i]);
      if (!ta || !tb || !ta->has_tensor_type() || !tb->has_tensor_type()) continue;
      int ea = ta->tensor_type().elem_type(), eb = tb->tensor_type().elem_type();
      // Since opset 11 the branches may differ in shape; the element type must agree.
      if (ea != 0 && eb != 0 && ea != eb) {
        Location at = c_.NodeLocation(s, n);
        at.slot = fmt::format("output {}", i);
        c_.Error("types.branch-mismatch", at,
                 fmt::format("then_branch yields {} but else_branch yields {} for output {}",
                             TypeString(*ta), TypeString(*tb), i));
      }
    }
  }

  Context& c_;
  infer::Engine engine_;
};

}  // namespace

void CheckTypeRules(Context& c) { TypeRules(c).Run(); }

}  // namespace onnxkit::check_internal

namespace onnxkit {

InferStats InferShapes(Model& model, Diagnostics& diagnostics) {
  check_internal::Context context(model, diagnostics);
  check_internal::TypeRules rules(context);
  rules.Run();
  // The checker's view is read-only; the model is ours to change.
  InferStats stats;
  stats.values_typed = rules.engine().WriteTypes(model);
  return stats;
}

}  // namespace onnxkit
