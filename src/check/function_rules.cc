// Rule group "functions": model-local functions, checked as functions.
//
// Cases:
//  1. a function without a name or (IR 8+) without a domain; two definitions of one
//     (domain, name);
//  2. the body's structure (same rules as graphs, "functions." codes): undefined names (a
//     body has no outer scope), SSA, outputs nothing produces, duplicate formal inputs;
//  3. ref_attr_name that names no declared attribute, or that also carries a value;
//  4. opset imports: a body using an imported domain the function does not import, or
//     importing a version under which an op it uses resolves to another schema version
//     than under the model's import;
//  5. calls: a node calling a function with more inputs or outputs than it declares; a call
//     into a domain of local functions that defines no such function; recursion, direct
//     or mutual (found without recursion, so it never overflows the stack).
#include <fmt/format.h>
#include <onnx/defs/schema.h>

#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "check/context.h"
#include "schema/schemas.h"

namespace onnxkit::check_internal {
namespace {

Location FunctionLocation(const Context& c, const Function& fn) {
  for (const GraphScope& s : c.graphs()) {
    if (s.function == &fn && s.kind == GraphScope::Kind::kFunction) return c.GraphLocation(s);
  }
  return {};
}

void CheckIdentity(Context& c) {
  const Model& m = c.model();
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& fn : m.functions) {
    Location loc = FunctionLocation(c, *fn);
    if (fn->name.empty()) {
      c.Error("functions.empty-name", loc, "the function has an empty name");
    }
    if (fn->domain.empty() && m.ir_version >= 8) {
      c.Error("functions.missing-domain", loc,
              fmt::format("function '{}' has no domain (IR {} functions are called by domain "
                          "and name)",
                          fn->name, m.ir_version));
    }
    if (!fn->name.empty() && !seen.insert({fn->domain, fn->name}).second) {
      c.Error("functions.duplicate-definition", loc,
              fmt::format("{}.{} is defined more than once", fn->domain, fn->name));
    }
  }
}

bool DeclaresAttribute(const Function& fn, std::string_view name) {
  for (const std::string& a : fn.attributes) {
    if (a == name) return true;
  }
  for (const Attribute& a : fn.attribute_defaults) {
    if (a.name == name) return true;
  }
  return false;
}

// Whether an attribute carries a value of its own (any value field present).
bool HasOwnValue(const Attribute& a) {
  for (auto field : {AttributeType::kFloat, AttributeType::kInt, AttributeType::kString}) {
    if (a.HasField(field)) return true;
  }
  return a.t || a.g || a.sparse_tensor || a.tp || !a.floats.empty() || !a.ints.empty() ||
         !a.strings.empty() || !a.tensors.empty() || !a.graphs.empty() ||
         !a.sparse_tensors.empty() || !a.type_protos.empty();
}

void CheckRefAttributes(Context& c, const GraphScope& s) {
  for (const Node* n : s.graph->nodes()) {
    for (const Attribute& a : n->attributes) {
      if (a.ref_attr_name.empty()) continue;
      Location loc = c.NodeLocation(s, *n);
      loc.slot = fmt::format("attribute '{}'", a.name);
      if (!DeclaresAttribute(*s.function, a.ref_attr_name)) {
        c.Error("functions.ref-attr-undeclared", loc,
                fmt::format("refers to attribute '{}', which function '{}' does not declare",
                            a.ref_attr_name, s.function->name));
      }
      if (HasOwnValue(a)) {
        c.Error("functions.ref-attr-with-value", loc,
                fmt::format("has ref_attr_name '{}' and also a value of its own", a.ref_attr_name));
      }
    }
  }
}

void CheckBodyOpsets(Context& c, const GraphScope& s) {
  const Function& fn = *s.function;
  for (const Node* n : s.graph->nodes()) {
    if (c.model().FindFunction(n->domain, n->op_type)) continue;
    auto own = c.OpsetVersion(s, n->domain);
    std::string domain_label =
        n->domain.empty() ? std::string("the default domain") : "domain '" + n->domain + "'";
    if (!own) {
      c.Error("functions.missing-opset-import", c.NodeLocation(s, *n),
              fmt::format("function '{}' uses {} but does not import it", fn.name, domain_label));
      continue;
    }
    auto model_version = c.model().OpsetVersion(n->domain);
    if (!model_version || *model_version == *own || !schema::IsStandardDomain(n->domain)) continue;
    const onnx::OpSchema* in_fn = schema::Find(n->op_type, *own, n->domain);
    const onnx::OpSchema* in_model = schema::Find(n->op_type, *model_version, n->domain);
    if (in_fn && in_model && in_fn->since_version() != in_model->since_version()) {
      c.Error("functions.opset-mismatch", c.NodeLocation(s, *n),
              fmt::format("function '{}' imports {} version {} ({}-{}) but the model imports "
                          "version {} ({}-{})",
                          fn.name, domain_label, *own, n->op_type, in_fn->since_version(),
                          *model_version, n->op_type, in_model->since_version()));
    }
  }
}

// The domains in which the model defines local functions.
std::set<std::string> FunctionDomains(const Model& m) {
  std::set<std::string> out;
  for (const auto& fn : m.functions) out.insert(fn->domain);
  return out;
}

void CheckCalls(Context& c) {
  const Model& m = c.model();
  std::set<std::string> domains = FunctionDomains(m);
  for (const GraphScope& s : c.graphs()) {
    for (const Node* n : s.graph->nodes()) {
      const Function* fn = m.FindFunction(n->domain, n->op_type);
      if (!fn) {
        bool has_schema = schema::FindAnyVersion(n->op_type, n->domain) != nullptr;
        if (domains.contains(n->domain) && !has_schema) {
          c.Error("functions.undefined-function", c.NodeLocation(s, *n),
                  fmt::format("calls {}.{}, but the model defines no such function (its "
                              "functions in '{}' are the only definitions there)",
                              n->domain, n->op_type, n->domain));
        }
        continue;
      }
      size_t declared_in = fn->body->inputs().size();
      size_t declared_out = fn->body->outputs().size();
      if (n->inputs().size() > declared_in) {
        c.Error("functions.call-arity", c.NodeLocation(s, *n),
                fmt::format("passes {} inputs to {}.{}, which declares {}", n->inputs().size(),
                            fn->domain, fn->name, declared_in));
      }
      if (n->outputs().size() > declared_out) {
        c.Error("functions.call-arity", c.NodeLocation(s, *n),
                fmt::format("expects {} outputs from {}.{}, which declares {}", n->outputs().size(),
                            fn->domain, fn->name, declared_out));
      }
    }
  }
}

// Which functions each function calls (in its body and the body's sub-graphs).
std::map<const Function*, std::vector<const Function*>> CallGraph(const Context& c) {
  std::map<const Function*, std::vector<const Function*>> calls;
  for (const auto& fn : c.model().functions) calls[fn.get()];
  for (const GraphScope& s : c.graphs()) {
    if (!s.function) continue;
    for (const Node* n : s.graph->nodes()) {
      if (const Function* callee = c.model().FindFunction(n->domain, n->op_type)) {
        calls[s.function].push_back(callee);
      }
    }
  }
  return calls;
}

void CheckRecursion(Context& c) {
  auto calls = CallGraph(c);
  // A function is recursive when it can reach itself; a breadth-first search per function
  // keeps the stack flat and reports each cycle at its first member (in model order).
  std::set<const Function*> reported;
  for (const auto& owned : c.model().functions) {
    const Function* start = owned.get();
    if (reported.contains(start)) continue;
    std::map<const Function*, const Function*> parent;
    std::vector<const Function*> queue = {start};
    bool found = false;
    for (size_t i = 0; i < queue.size() && !found; ++i) {
      for (const Function* next : calls[queue[i]]) {
        if (next == start) {
          parent[start] = queue[i];
          found = true;
          break;
        }
        if (!parent.contains(next)) {
          parent[next] = queue[i];
          queue.push_back(next);
        }
      }
    }
    if (!found) continue;
    std::vector<const Function*> cycle;
    for (const Function* f = parent[start]; f != start; f = parent[f]) cycle.push_back(f);
    std::string path = start->name;
    for (auto it = cycle.rbegin(); it != cycle.rend(); ++it) {
      path += " -> " + (*it)->name;
      reported.insert(*it);
    }
    path += " -> " + start->name;
    c.Error("functions.recursion", FunctionLocation(c, *start),
            cycle.empty() ? fmt::format("function '{}' calls itself", start->name)
                          : fmt::format("functions call each other in a cycle: {}", path));
  }
}

}  // namespace

void CheckFunctionRules(Context& c) {
  CheckIdentity(c);
  for (const GraphScope& s : c.graphs()) {
    if (!s.function) continue;
    CheckGraphStructure(c, s, "functions");
    CheckRefAttributes(c, s);
    CheckBodyOpsets(c, s);
  }
  CheckCalls(c);
  CheckRecursion(c);
}

}  // namespace onnxkit::check_internal
