// Rule group "structure": the graph as a DAG of named values.
//
// Cases, each reported where it arises:
//  1. a name defined twice in one graph (SSA), duplicate graph inputs or initializers;
//  2. an input that names nothing in scope (undefined), an empty op_type, a node without
//     outputs, an empty name where a name is required (graph inputs/outputs, initializers,
//     required node inputs and outputs);
//  3. a node that uses a value produced later (not topological) or a cycle, and a sub-graph
//     node that reads an outer value its enclosing node does not yet see;
//  4. a sub-graph that redefines an outer name (no shadowing), or lists a name both as input
//     and initializer; an IR < 4 main graph whose initializer is not an input;
//  5. a graph output that nothing produces;
//  6. one value declared twice (two graph inputs of one name, an output listed twice, repeated
//     value_info, an input also in value_info, …) with types that contradict each other.
// Function bodies get the same rules with "functions." codes (see function_rules.cc).
#include <fmt/format.h>
#include <onnx/defs/schema.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "check/context.h"
#include "schema/schemas.h"

namespace onnxkit::check_internal {
namespace {

std::string Code(std::string_view group, std::string_view name) {
  return fmt::format("{}.{}", group, name);
}

// Names a graph defines itself: inputs, initializers and node outputs.
absl::flat_hash_set<std::string> DefinedNames(const Graph& g) {
  absl::flat_hash_set<std::string> names;
  for (const Value* v : g.inputs()) names.insert(v->name());
  for (const Value* v : g.initializers()) names.insert(v->name());
  for (const Value* v : g.sparse_initializers()) names.insert(v->name());
  for (const Node* n : g.nodes()) {
    for (const Value* v : n->outputs()) {
      if (v) names.insert(v->name());
    }
  }
  return names;
}

void CheckDefinitions(Context& c, const GraphScope& s, std::string_view group) {
  const Graph& g = *s.graph;
  // Views of the model's names (no copy of each name); sized up front, not grown.
  absl::flat_hash_set<std::string_view> inputs, initializers, defined;
  defined.reserve(g.inputs().size() + g.initializers().size() + g.node_count());
  for (const Value* v : g.inputs()) {
    if (v->name().empty()) {
      c.Error(Code(group, "empty-name"), c.GraphLocation(s), "a graph input has an empty name");
    } else if (!inputs.insert(v->name()).second) {
      c.Error(Code(group, "duplicate-input"), c.ValueLocation(s, v->name()),
              fmt::format("graph input '{}' is listed more than once", v->name()));
    }
    defined.insert(v->name());
  }
  for (size_t i = 0; i < g.initializers().size(); ++i) {
    const Value* v = g.initializers()[i];
    if (v->name().empty()) {
      c.Error(Code(group, "empty-name"), c.ValueLocation(s, fmt::format("initializer#{}", i)),
              fmt::format("initializer {} has an empty name", i));
      continue;
    }
    if (!initializers.insert(v->name()).second) {
      c.Error(Code(group, "duplicate-initializer"), c.ValueLocation(s, v->name()),
              fmt::format("initializer '{}' appears more than once", v->name()));
    }
    if (v->is_graph_input() && s.kind == GraphScope::Kind::kSubgraph) {
      c.Error(Code(group, "input-is-initializer"), c.GraphLocation(s),
              fmt::format("'{}' is both an input and an initializer of this sub-graph (allowed "
                          "only in the main graph)",
                          v->name()));
    }
    if (!v->is_graph_input() && s.kind == GraphScope::Kind::kMain && c.model().ir_version > 0 &&
        c.model().ir_version < 4) {
      c.Error(Code(group, "initializer-not-input"), c.ValueLocation(s, v->name()),
              fmt::format("initializer '{}' is not a graph input (IR {} requires every "
                          "initializer to be listed as an input)",
                          v->name(), c.model().ir_version));
    }
    defined.insert(v->name());
  }
  for (const Node* n : g.nodes()) {
    for (size_t i = 0; i < n->outputs().size(); ++i) {
      const Value* v = n->output(i);
      if (!v) continue;
      if (!defined.insert(v->name()).second) {
        Location loc = c.NodeLocation(s, *n);
        loc.slot = fmt::format("output {}", i);
        c.Error(Code(group, "ssa"), loc,
                fmt::format("'{}' is already defined in this graph: a name has one producer",
                            v->name()));
      }
    }
  }
}

void CheckShadowing(Context& c, const GraphScope& s, std::string_view group) {
  if (s.kind != GraphScope::Kind::kSubgraph) return;
  absl::flat_hash_set<std::string> outer;
  for (const Graph* p = s.graph->parent(); p; p = p->parent()) {
    for (const std::string& name : DefinedNames(*p)) outer.insert(name);
  }
  auto message = [](const std::string& name) {
    return fmt::format(
        "'{}' is already defined in an enclosing graph (sub-graphs may not "
        "shadow outer names)",
        name);
  };
  for (const Value* v : s.graph->inputs()) {
    if (outer.contains(v->name())) {
      c.Error(Code(group, "shadows-outer"), c.ValueLocation(s, v->name()), message(v->name()));
    }
  }
  for (const Node* n : s.graph->nodes()) {
    for (const Value* v : n->outputs()) {
      if (v && outer.contains(v->name())) {
        c.Error(Code(group, "shadows-outer"), c.NodeLocation(s, *n), message(v->name()));
      }
    }
  }
}

// The formal parameter that slot `index` of a node binds to (nullptr past the end).
const onnx::OpSchema::FormalParameter* FormalAt(
    const std::vector<onnx::OpSchema::FormalParameter>& formals, size_t index) {
  if (formals.empty()) return nullptr;
  if (index < formals.size()) return &formals[index];
  const auto& last = formals.back();
  return last.GetOption() == onnx::OpSchema::Variadic ? &last : nullptr;
}

void CheckNode(Context& c, const GraphScope& s, const Node& n, std::string_view group) {
  if (n.op_type.empty()) {
    c.Error(Code(group, "empty-op-type"), c.NodeLocation(s, n), "the node has no op_type");
  }
  bool any_output =
      std::any_of(n.outputs().begin(), n.outputs().end(), [](const Value* v) { return v; });
  if (!any_output) {
    c.Error(
        Code(group, "node-without-outputs"), c.NodeLocation(s, n),
        n.inputs().empty() ? "the node has neither inputs nor outputs" : "the node has no outputs");
  }
  for (size_t i = 0; i < n.inputs().size(); ++i) {
    const Value* v = n.input(i);
    if (!v || v->kind() != Value::Kind::kUndefined) continue;
    Location at = c.NodeLocation(s, n);
    at.slot = fmt::format("input {}", i);
    std::string why;
    if (s.function && c.model().graph && c.model().graph->Lookup(v->name())) {
      why = " (it is a main-graph value, but a function body has no outer scope)";
    }
    c.Error(Code(group, "undefined-input"), at,
            fmt::format("input '{}' is defined nowhere in scope{}", v->name(), why));
  }
  auto version = c.OpsetVersion(s, n.domain);
  const onnx::OpSchema* schema = version ? schema::Find(n.op_type, *version, n.domain) : nullptr;
  if (!schema) return;
  for (size_t i = 0; i < n.inputs().size(); ++i) {
    const auto* formal = FormalAt(schema->inputs(), i);
    if (!n.input(i) && formal && formal->GetOption() == onnx::OpSchema::Single) {
      Location at = c.NodeLocation(s, n);
      at.slot = fmt::format("input {} ({})", i, formal->GetName());
      c.Error(Code(group, "empty-required-input"), at,
              fmt::format("required input '{}' is given the empty name", formal->GetName()));
    }
  }
  for (size_t i = 0; i < n.outputs().size(); ++i) {
    const auto* formal = FormalAt(schema->outputs(), i);
    if (!n.output(i) && formal && formal->GetOption() == onnx::OpSchema::Single) {
      Location at = c.NodeLocation(s, n);
      at.slot = fmt::format("output {} ({})", i, formal->GetName());
      c.Error(Code(group, "empty-required-output"), at,
              fmt::format("required output '{}' has an empty name", formal->GetName()));
    }
  }
}

// Calls fn(value) for every value the node reads, directly or inside its sub-graphs.
void ForEachRead(const Node& n, const std::function<void(const Value*, bool direct)>& fn) {
  for (const Value* v : n.inputs()) {
    if (v) fn(v, true);
  }
  for (const Attribute& a : n.attributes) {
    auto sub = [&](const Graph& g) {
      for (const Node* inner : g.nodes()) {
        ForEachRead(*inner, [&](const Value* v, bool) { fn(v, false); });
      }
      for (const Value* v : g.outputs()) fn(v, false);
    };
    if (a.g) sub(*a.g);
    for (const auto& g : a.graphs) sub(*g);
  }
}

// The nodes a graph's nodes read from, by position in the graph (a node's index): directly
// or through their sub-graphs.
std::vector<std::vector<size_t>> ReadsFrom(const Context& c, const Graph& g) {
  std::vector<std::vector<size_t>> deps;
  deps.reserve(g.node_count());
  for (const Node* n : g.nodes()) {
    auto& list = deps.emplace_back();
    ForEachRead(*n, [&](const Value* v, bool) {
      if (v->graph() == &g && v->producer()) {
        list.push_back(static_cast<size_t>(c.IndexOf(*v->producer())));
      }
    });
  }
  return deps;
}

// Whether every node reads only values produced before it (directly or through its
// sub-graphs): then there is neither a cycle nor a node out of order. The usual case, decided
// in one pass whose look-ups hit the entries just added (a chain reads the node before it),
// where the full analysis below looks every producer up in a table built long before. A
// B-tree, not a hash set: nodes are created in address order, so the entries added and read
// stay in the few tree nodes the cache holds, where a hash set of a million nodes misses the
// cache on every insert.
bool ReadsOnlyEarlierNodes(const Graph& g) {
  absl::btree_set<const Node*> earlier;
  for (const Node* n : g.nodes()) {
    bool ordered = true;
    ForEachRead(*n, [&](const Value* v, bool) {
      if (v->graph() == &g && v->producer() && !earlier.contains(v->producer())) ordered = false;
    });
    if (!ordered) return false;
    earlier.insert(n);
  }
  return true;
}

void CheckOrder(Context& c, const GraphScope& s, std::string_view group) {
  const Graph& g = *s.graph;
  if (ReadsOnlyEarlierNodes(g)) return;
  const std::vector<const Node*> nodes(g.nodes().begin(), g.nodes().end());
  const std::vector<std::vector<size_t>> deps = ReadsFrom(c, g);
  std::vector<bool> in_cycle(nodes.size(), false);
  for (std::vector<size_t>& component : StronglyConnectedComponents(deps)) {
    const size_t first = *std::min_element(component.begin(), component.end());
    const bool self_loop =
        std::find(deps[first].begin(), deps[first].end(), first) != deps[first].end();
    if (component.size() == 1 && !self_loop) continue;
    std::sort(component.begin(), component.end());
    std::string members;
    for (size_t m : component) {
      members += (members.empty() ? "" : " -> ") + NodeLabel(*nodes[m], static_cast<int64_t>(m));
      in_cycle[m] = true;
    }
    c.Error(Code(group, "cycle"), c.NodeLocation(s, *nodes[first]),
            fmt::format("the node is on a cycle: {} -> {}", members,
                        NodeLabel(*nodes[first], static_cast<int64_t>(first))));
  }
  for (size_t position = 0; position < nodes.size(); ++position) {
    if (in_cycle[position]) continue;
    const Node* n = nodes[position];
    // deps[position] begins with the positions of the direct inputs' producers, in input
    // order (ForEachRead reads those first): no second look-up per input.
    size_t read = 0;
    for (size_t i = 0; i < n->inputs().size(); ++i) {
      const Value* v = n->input(i);
      if (!v || v->graph() != &g || !v->producer()) continue;
      const auto producer = static_cast<int64_t>(deps[position][read++]);
      if (producer >= static_cast<int64_t>(position)) {
        Location at = c.NodeLocation(s, *n);
        at.slot = fmt::format("input {}", i);
        c.Error(Code(group, "not-topological"), at,
                fmt::format("'{}' is produced later, by {} (sorting the nodes would fix this)",
                            v->name(), NodeLabel(*v->producer(), producer)));
      }
    }
  }
}

// A sub-graph node may read an outer value only if it is defined before the node that
// holds the sub-graph.
void CheckOuterReads(Context& c, const GraphScope& s, std::string_view group) {
  if (s.kind != GraphScope::Kind::kSubgraph) return;
  for (const Node* n : s.graph->nodes()) {
    for (const Value* v : n->inputs()) {
      if (!v || v->graph() == s.graph || !v->producer()) continue;
      // The node of v's graph that (through sub-graphs) holds this one.
      const GraphScope* scope = &s;
      while (scope && scope->owner && scope->owner->graph() != v->graph()) {
        scope = c.ScopeOf(scope->owner->graph());
      }
      if (!scope || !scope->owner) continue;
      const Node* holder = scope->owner;
      if (c.IndexOf(*v->producer()) >= c.IndexOf(*holder)) {
        c.Error(Code(group, "outer-value-defined-later"), c.NodeLocation(s, *n),
                fmt::format("reads '{}', which the enclosing graph defines only after {} (by {})",
                            v->name(), NodeLabel(*holder, c.IndexOf(*holder)),
                            NodeLabel(*v->producer(), c.IndexOf(*v->producer()))));
      }
    }
  }
}

void CheckOutputs(Context& c, const GraphScope& s, std::string_view group) {
  for (const Value* v : s.graph->outputs()) {
    if (v->name().empty()) {
      c.Error(Code(group, "empty-name"), c.GraphLocation(s), "a graph output has an empty name");
    } else if (v->kind() == Value::Kind::kUndefined) {
      c.Error(Code(group, "output-not-produced"), c.ValueLocation(s, v->name()),
              fmt::format("output '{}' is produced by no node and is neither an input nor an "
                          "initializer",
                          v->name()));
    }
  }
}

// Why two declared types cannot both hold ("" when they can): different kinds, element
// types or ranks, or a dimension fixed to two different sizes. A type that says less (no
// shape, element type 0, an unknown or symbolic dim) never contradicts a more precise one.
std::string Contradiction(const Type& a, const Type& b) {
  if (a.kind == Type::Kind::kNone || b.kind == Type::Kind::kNone) return "";
  if (a.kind != b.kind) return "the kinds of type differ";
  if (a.elem_type != 0 && b.elem_type != 0 && a.elem_type != b.elem_type) {
    return a.kind == Type::Kind::kMap ? "the key types differ" : "the element types differ";
  }
  if (a.shape && b.shape) {
    const auto& da = a.shape->dims;
    const auto& db = b.shape->dims;
    if (da.size() != db.size()) return fmt::format("rank {} against rank {}", da.size(), db.size());
    for (size_t i = 0; i < da.size(); ++i) {
      if (da[i].kind == Dim::Kind::kValue && db[i].kind == Dim::Kind::kValue &&
          da[i].value != db[i].value) {
        return fmt::format("dimension {} is {} against {}", i, da[i].value, db[i].value);
      }
    }
  }
  if (a.element_type() && b.element_type())
    return Contradiction(*a.element_type(), *b.element_type());
  return "";
}

// One declaration of a value: which list of the graph, and where in it.
struct DeclarationPlace {
  const char* list;  // "graph input", "value_info", "graph output"
  size_t index;
  std::string Text() const { return fmt::format("{} {}", list, index); }
};

void ReportConflict(Context& c, const GraphScope& s, std::string_view group,
                    const std::string& name, const ValueInfo& first, DeclarationPlace first_at,
                    const ValueInfo& second, DeclarationPlace second_at) {
  if (!first.has_type || !second.has_type) return;
  std::string why = Contradiction(first.type, second.type);
  if (why.empty()) return;
  c.Error(Code(group, "conflicting-declaration"), c.ValueLocation(s, name),
          fmt::format("'{}' is declared {} by {} but {} by {}: {}", name, TypeToString(first.type),
                      first_at.Text(), TypeToString(second.type), second_at.Text(), why));
}

// Graph inputs are distinct values even when they share a name (duplicate-input): compare
// each with the first input of its name.
void CheckDuplicateInputTypes(Context& c, const GraphScope& s, std::string_view group) {
  absl::flat_hash_map<std::string_view, size_t> first_input;
  const auto& inputs = s.graph->inputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto [it, first] = first_input.emplace(inputs[i]->name(), i);
    if (first || inputs[i]->name().empty()) continue;
    ReportConflict(c, s, group, inputs[i]->name(), inputs[it->second]->info(),
                   {"graph input", it->second}, inputs[i]->info(), {"graph input", i});
  }
}

// A value declared again (in value_info or as an output) keeps its first declaration and
// the graph keeps the differing later ones as overrides (see Graph::InfoOverride): compare
// each override with the first declaration. Declarations are read inputs, value_info,
// outputs, in that order.
void CheckRepeatedDeclarations(Context& c, const GraphScope& s, std::string_view group) {
  const Graph& g = *s.graph;
  if (g.input_info_overrides.empty() && g.value_info_overrides.empty() &&
      g.output_info_overrides.empty()) {
    return;
  }
  absl::flat_hash_map<const Value*, DeclarationPlace> first_place;
  auto note_places = [&](const std::vector<Value*>& list, const char* label) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i]) first_place.try_emplace(list[i], DeclarationPlace{label, i});
    }
  };
  note_places(g.inputs(), "graph input");
  note_places(g.value_info(), "value_info");
  note_places(g.outputs(), "graph output");
  auto check = [&](const std::vector<Graph::InfoOverride>& overrides,
                   const std::vector<Value*>& list, const char* label) {
    for (const Graph::InfoOverride& o : overrides) {
      if (o.index >= list.size() || !list[o.index]) continue;
      const Value* v = list[o.index];
      ReportConflict(c, s, group, v->name(), v->info(), first_place.at(v), o.info,
                     {label, o.index});
    }
  };
  check(g.input_info_overrides, g.inputs(), "graph input");
  check(g.value_info_overrides, g.value_info(), "value_info");
  check(g.output_info_overrides, g.outputs(), "graph output");
}

}  // namespace

void CheckGraphStructure(Context& c, const GraphScope& scope, std::string_view group) {
  CheckDefinitions(c, scope, group);
  CheckShadowing(c, scope, group);
  for (const Node* n : scope.graph->nodes()) CheckNode(c, scope, *n, group);
  CheckOrder(c, scope, group);
  CheckOuterReads(c, scope, group);
  CheckOutputs(c, scope, group);
  CheckDuplicateInputTypes(c, scope, group);
  CheckRepeatedDeclarations(c, scope, group);
}

void CheckStructureRules(Context& c) {
  for (const GraphScope& s : c.graphs()) {
    if (!s.function) CheckGraphStructure(c, s, "structure");
  }
}

}  // namespace onnxkit::check_internal
