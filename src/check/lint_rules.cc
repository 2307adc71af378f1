// Rule group "lint": things that are legal but usually mistakes (warnings; --Werror makes
// them errors).
//
// Cases: an initializer or main-graph input nothing uses; a node none of whose outputs is
// used (dead code); a main-graph output declared without a shape; an initializer that is
// also a graph input (IR 4+: an overridable default, which runtimes then cannot fold).
#include <fmt/format.h>

#include "check/context.h"

namespace onnxkit::check_internal {
namespace {

bool IsGraphOutput(const Graph& g, const Value* v) {
  for (const Value* o : g.outputs()) {
    if (o == v) return true;
  }
  return false;
}

bool IsUsed(const Graph& g, const Value* v) { return v->has_uses() || IsGraphOutput(g, v); }

void CheckUnused(Context& c, const GraphScope& s) {
  const Graph& g = *s.graph;
  for (const Value* v : g.initializers()) {
    if (!IsUsed(g, v)) {
      c.Warning("lint.unused-initializer", c.ValueLocation(s, v->name()),
                fmt::format("initializer '{}' is never used", v->name()));
    }
  }
  if (s.kind != GraphScope::Kind::kMain) return;  // sub-graph inputs are fixed by their op
  for (const Value* v : g.inputs()) {
    if (!v->initializer() && !IsUsed(g, v)) {
      c.Warning("lint.unused-input", c.ValueLocation(s, v->name()),
                fmt::format("graph input '{}' is never used", v->name()));
    }
  }
}

void CheckDeadNodes(Context& c, const GraphScope& s) {
  for (const Node* n : s.graph->nodes()) {
    bool live = false;
    for (const Value* v : n->outputs()) live = live || (v && IsUsed(*s.graph, v));
    if (!live && !n->outputs().empty()) {
      c.Warning("lint.dead-node", c.NodeLocation(s, *n),
                "no output of this node is used: it can be removed");
    }
  }
}

void CheckOutputShapes(Context& c, const GraphScope& s) {
  if (s.kind != GraphScope::Kind::kMain) return;
  for (const Value* v : s.graph->outputs()) {
    const Type* t = v->type();
    if (t && t->kind == Type::Kind::kTensor && !t->shape) {
      c.Warning("lint.output-without-shape", c.ValueLocation(s, v->name()),
                fmt::format("graph output '{}' has no shape", v->name()));
    }
  }
}

void CheckInitializerInputs(Context& c, const GraphScope& s) {
  if (s.kind != GraphScope::Kind::kMain || c.model().ir_version < 4) return;
  for (const Value* v : s.graph->initializers()) {
    if (v->is_graph_input()) {
      c.Warning("lint.initializer-is-input", c.ValueLocation(s, v->name()),
                fmt::format("initializer '{}' is also a graph input: callers may override it, so "
                            "runtimes cannot treat it as a constant",
                            v->name()));
    }
  }
}

}  // namespace

void CheckLintRules(Context& c) {
  for (const GraphScope& s : c.graphs()) {
    CheckUnused(c, s);
    CheckDeadNodes(c, s);
    CheckOutputShapes(c, s);
    CheckInitializerInputs(c, s);
  }
}

}  // namespace onnxkit::check_internal
