// Rule group "functions": model-local functions, checked as functions.
//
// Cases:
//  1. a function without a name or (IR 8+) without a domain; two definitions of one
//     (domain, name, overload);
//  2. the body's structure (same rules as graphs, "functions." codes): undefined names (a
//     body has no outer scope), SSA, outputs nothing produces, duplicate formal inputs;
//  3. ref_attr_name that names no declared attribute, or that also carries a value;
//  4. opset imports: a body using an imported domain the function does not import, or
//     importing a version under which an op it uses resolves to another schema version
//     than under the model's import;
//  5. calls (resolved by domain, name and overload): a node calling a function with more
//     inputs or outputs than it declares; a call into a domain of local functions that
//     defines no such function; a call naming an overload the function does not have;
//     recursion, direct or mutual (found without recursion, so it never overflows the
//     stack);
//  6. types (IR 10 FunctionProto.value_info, the body's value_info): a call whose input or
//     output has a declared type (or is an initializer) of another element type or rank
//     than the function declares for that formal input or output. Only declarations are
//     compared, which is cheap; inferred types are not.
#include <fmt/format.h>
#include <onnx/defs/schema.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "check/context.h"
#include "schema/convert.h"
#include "schema/schemas.h"

namespace onnxkit::check_internal {
namespace {

// "domain.name", with ":overload" when it has one.
std::string FunctionLabel(const Function& fn) {
  std::string label = fmt::format("{}.{}", fn.domain, fn.name);
  if (!fn.overload.empty()) label += ":" + fn.overload;
  return label;
}

Location FunctionLocation(const Context& c, const Function& fn) {
  const GraphScope* body = c.BodyScope(fn);
  return body ? c.GraphLocation(*body) : Location{};
}

void CheckIdentity(Context& c) {
  const Model& m = c.model();
  std::set<std::tuple<std::string, std::string, std::string>> seen;
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
    if (!fn->name.empty() && !seen.insert({fn->domain, fn->name, fn->overload}).second) {
      c.Error("functions.duplicate-definition", loc,
              fmt::format("{} is defined more than once", FunctionLabel(*fn)));
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
    if (c.IsFunctionCall(*n)) continue;
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

// The type a value is declared with, or an initializer's; nullopt when neither.
std::optional<Type> DeclaredType(const Value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->type()) return *v->type();
  if (v->initializer()) return schema::TypeOfTensor(*v->initializer());
  return std::nullopt;
}

// Why two tensor types contradict each other ("float32 vs int64", "rank 2 vs 3"), or "".
std::string TensorTypeConflict(const Type& actual, const Type& formal) {
  if (actual.kind != Type::Kind::kTensor || formal.kind != Type::Kind::kTensor) return "";
  if (actual.elem_type != 0 && formal.elem_type != 0 && actual.elem_type != formal.elem_type) {
    return fmt::format("{} vs {}", DataTypeName(actual.elem_type), DataTypeName(formal.elem_type));
  }
  if (actual.shape && formal.shape && actual.shape->dims.size() != formal.shape->dims.size()) {
    return fmt::format("rank {} vs {}", actual.shape->dims.size(), formal.shape->dims.size());
  }
  return "";
}

void CheckCallTypes(Context& c, const GraphScope& s, const Node& call, const Function& fn) {
  auto compare = [&](const std::vector<Value*>& actuals, const std::vector<Value*>& formals,
                     const char* what) {
    for (size_t i = 0; i < actuals.size() && i < formals.size(); ++i) {
      if (formals[i] == nullptr || formals[i]->type() == nullptr) continue;
      std::optional<Type> actual = DeclaredType(actuals[i]);
      if (!actual) continue;
      std::string conflict = TensorTypeConflict(*actual, *formals[i]->type());
      if (conflict.empty()) continue;
      Location loc = c.NodeLocation(s, call);
      loc.slot = fmt::format("{} {} ({})", what, i, actuals[i]->name());
      c.Error("functions.call-type-mismatch", loc,
              fmt::format("{} {} is {} but {} declares its {} '{}' as {} ({})", what, i,
                          TypeToString(*actual), FunctionLabel(fn), what, formals[i]->name(),
                          TypeToString(*formals[i]->type()), conflict));
    }
  };
  compare(call.inputs(), fn.body->inputs(), "input");
  compare(call.outputs(), fn.body->outputs(), "output");
}

void CheckCalls(Context& c) {
  const Model& m = c.model();
  std::set<std::string> domains = FunctionDomains(m);
  for (const GraphScope& s : c.graphs()) {
    for (const Node* n : s.graph->nodes()) {
      const Function* fn = c.FindFunction(*n);
      if (!fn && c.IsFunctionCall(*n)) {
        const Function* other = c.FindFunction(n->domain, n->op_type);
        c.Error("functions.undefined-overload", c.NodeLocation(s, *n),
                fmt::format("calls {}.{} with overload '{}', which the model does not define "
                            "(it defines {})",
                            n->domain, n->op_type, n->overload, FunctionLabel(*other)));
        continue;
      }
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
                fmt::format("passes {} inputs to {}, which declares {}", n->inputs().size(),
                            FunctionLabel(*fn), declared_in));
      }
      if (n->outputs().size() > declared_out) {
        c.Error("functions.call-arity", c.NodeLocation(s, *n),
                fmt::format("expects {} outputs from {}, which declares {}", n->outputs().size(),
                            FunctionLabel(*fn), declared_out));
      }
      CheckCallTypes(c, s, *n, *fn);
    }
  }
}

// Which functions each function calls (in its body and the body's sub-graphs), as indices
// into the model's function list.
std::vector<std::vector<size_t>> CallGraph(const Context& c) {
  const auto& functions = c.model().functions;
  absl::flat_hash_map<const Function*, size_t> index;
  for (size_t i = 0; i < functions.size(); ++i) index.emplace(functions[i].get(), i);
  std::vector<std::vector<size_t>> calls(functions.size());
  for (const GraphScope& s : c.graphs()) {
    if (!s.function) continue;
    for (const Node* n : s.graph->nodes()) {
      if (const Function* callee = c.FindFunction(*n)) {
        calls[index.at(s.function)].push_back(index.at(callee));
      }
    }
  }
  return calls;
}

// A shortest call cycle from `start` back to itself that stays inside its component: the
// functions after `start`, in call order.
std::vector<size_t> ShortestCycle(size_t start, const std::vector<std::vector<size_t>>& calls,
                                  const absl::flat_hash_set<size_t>& component) {
  absl::flat_hash_map<size_t, size_t> parent;
  std::vector<size_t> queue = {start};
  for (size_t i = 0; i < queue.size(); ++i) {
    for (size_t callee : calls[queue[i]]) {
      if (callee == start) {
        std::vector<size_t> cycle;
        for (size_t f = queue[i]; f != start; f = parent.at(f)) cycle.push_back(f);
        std::reverse(cycle.begin(), cycle.end());
        return cycle;
      }
      if (component.contains(callee) && parent.emplace(callee, queue[i]).second) {
        queue.push_back(callee);
      }
    }
  }
  return {};
}

// Each set of functions that call each other (directly or through others) is reported once,
// at its first member in model order, with a shortest cycle through that member. Linear in
// the number of functions and calls.
void CheckRecursion(Context& c) {
  const auto& functions = c.model().functions;
  const std::vector<std::vector<size_t>> calls = CallGraph(c);
  std::vector<std::vector<size_t>> recursive;
  for (std::vector<size_t>& component : StronglyConnectedComponents(calls)) {
    const size_t only = component.front();
    const bool calls_itself =
        std::find(calls[only].begin(), calls[only].end(), only) != calls[only].end();
    if (component.size() > 1 || calls_itself) recursive.push_back(std::move(component));
  }
  // Report in model order, like every other rule.
  for (auto& component : recursive) std::sort(component.begin(), component.end());
  std::sort(recursive.begin(), recursive.end());
  for (const auto& component : recursive) {
    const size_t start = component.front();
    const std::string& name = functions[start]->name;
    absl::flat_hash_set<size_t> members(component.begin(), component.end());
    const std::vector<size_t> cycle = ShortestCycle(start, calls, members);
    std::string path = name;
    for (size_t f : cycle) path += " -> " + functions[f]->name;
    c.Error("functions.recursion", FunctionLocation(c, *functions[start]),
            cycle.empty()
                ? fmt::format("function '{}' calls itself", name)
                : fmt::format("functions call each other in a cycle: {} -> {}", path, name));
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
