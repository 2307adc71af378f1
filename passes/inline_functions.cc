#include "passes/inline_functions.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"
#include "onnxkit/clone.h"
#include "onnxkit/name_table.h"
#include "passes/unused_functions.h"
#include "schema/schemas.h"
#include "util/function_index.h"

namespace onnxkit::passes {
namespace {

// Calls `fn` on every node of `g` and of its sub-graphs at any depth.
void ForEachNodeDeep(const Graph& g, const std::function<void(const Node&)>& fn) {
  for (const Node* n : g.nodes()) {
    fn(*n);
    for (const Graph* sub : n->subgraphs()) ForEachNodeDeep(*sub, fn);
  }
}

std::string FunctionName(const Function& fn) {
  return fn.domain.empty() ? fn.name : fmt::format("{}.{}", fn.domain, fn.name);
}

std::string Where(const Node& call) {
  return call.name.empty() ? fmt::format("{} call", call.op_type)
                           : fmt::format("{} '{}'", call.op_type, call.name);
}

// Whether `v` is one of `body`'s formal inputs, and which.
std::optional<size_t> FormalInputIndex(const Graph& body, const Value* v) {
  const auto& inputs = body.inputs();
  auto it = std::find(inputs.begin(), inputs.end(), v);
  if (it == inputs.end()) return std::nullopt;
  return static_cast<size_t>(it - inputs.begin());
}

class Inliner {
 public:
  Inliner(Model& model, const std::vector<std::string>& only, PassResult& result)
      : model_(model),
        only_(only.begin(), only.end()),
        index_(model),
        values_(NameTable::ValueNames(model)),
        node_names_(NameTable::NodeNames(model)),
        result_(result) {}

  // The functions in an order where every callee comes before its callers, or the error
  // naming a cycle of calls among functions this pass inlines.
  StatusOr<std::vector<Function*>> CalleesFirst() {
    enum class Mark { kNone, kActive, kDone };
    absl::flat_hash_map<const Function*, Mark> marks;
    std::vector<Function*> order;
    std::vector<const Function*> path;
    std::function<Status(Function&)> visit = [&](Function& fn) -> Status {
      Mark& mark = marks[&fn];
      if (mark == Mark::kDone) return absl::OkStatus();
      if (mark == Mark::kActive) return CycleError(path, fn);
      mark = Mark::kActive;
      path.push_back(&fn);
      std::vector<Function*> callees;
      ForEachNodeDeep(*fn.body, [&](const Node& n) {
        if (const Function* callee = index_.Find(n.domain, n.op_type)) {
          callees.push_back(const_cast<Function*>(callee));
        }
      });
      for (Function* callee : callees) ONNXKIT_RETURN_IF_ERROR(visit(*callee));
      path.pop_back();
      marks[&fn] = Mark::kDone;
      order.push_back(&fn);
      return absl::OkStatus();
    };
    for (const auto& fn : model_.functions) ONNXKIT_RETURN_IF_ERROR(visit(*fn));
    return order;
  }

  // Inlines the selected calls in `g` and its sub-graphs; `imports` are the opset imports
  // that govern `g` (the model's, or a function's for its body).
  void InlineIn(Graph& g, std::vector<OpsetImport>& imports) {
    for (Node* n = g.first_node(); n;) {
      if (const Function* fn = SelectedCallee(*n)) {
        if (std::optional<Node*> resume = InlineCall(*n, *fn, imports)) {
          // The inlined nodes are visited next: their sub-graphs may hold calls too.
          n = *resume;
          continue;
        }
      }
      for (Graph* sub : n->subgraphs()) InlineIn(*sub, imports);
      n = n->next();
    }
  }

  // Removes the selected functions nothing calls any more (the others stay, and what they
  // call), then the opset imports no node uses any more.
  void RemoveUnusedFunctions() {
    int64_t functions =
        RemoveUncalledFunctions(model_, [&](const Function& fn) { return !Selected(fn); });
    if (functions == 0) return;
    result_.Count("functions-removed", functions);
    result_.changed = true;
    if (int64_t imports = RemoveUnusedOpsetImports(model_); imports > 0) {
      result_.Count("opset-imports-removed", imports);
    }
  }

 private:
  bool Selected(const Function& fn) const {
    return only_.empty() || only_.contains(fn.name) || only_.contains(FunctionName(fn));
  }

  const Function* SelectedCallee(const Node& n) const {
    const Function* fn = index_.Find(n.domain, n.op_type);
    return fn && Selected(*fn) ? fn : nullptr;
  }

  static Status CycleError(const std::vector<const Function*>& path, const Function& again) {
    auto start = std::find(path.begin(), path.end(), &again);
    std::string cycle;
    for (auto it = start; it != path.end(); ++it) cycle += FunctionName(**it) + " -> ";
    return absl::FailedPreconditionError(fmt::format(
        "recursive local functions, which ONNX forbids: {}{}", cycle, FunctionName(again)));
  }

  // The op types the nodes of `fn`'s body use (sub-graphs included) per domain, computed
  // once.
  using OpsByDomain = std::vector<std::pair<std::string, std::vector<std::string>>>;
  const OpsByDomain& OpsOf(const Function& fn) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    auto emplaced = ops_.try_emplace(&fn);
    auto it = emplaced.first;
    if (emplaced.second) {
      absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> seen;
      ForEachNodeDeep(*fn.body, [&](const Node& n) {
        std::string domain(NormalDomain(n.domain));
        auto [ops, first] = seen.try_emplace(domain);
        if (first) it->second.emplace_back(domain, std::vector<std::string>{});
        if (ops->second.insert(n.op_type).second) {
          for (auto& [d, list] : it->second) {
            if (d == domain) list.push_back(n.op_type);
          }
        }
      });
    }
    return it->second;
  }

  // The first op of `ops` whose schema at opset `a` of `domain` is not the one at `b`
  // (an op the library does not know counts as different), or nullopt.
  static std::optional<std::string> OpThatDiffers(const std::vector<std::string>& ops,
                                                  std::string_view domain, int64_t a, int64_t b) {
    for (const std::string& op : ops) {
      const onnx::OpSchema* at_a = schema::Find(op, a, domain);
      if (!at_a || at_a != schema::Find(op, b, domain)) return op;
    }
    return std::nullopt;
  }

  // Why `fn`'s body cannot be read under `imports`, or nullopt (then the imports it needs
  // are added). Another version of an opset is fine when every op the body uses has the
  // same schema at both versions: the nodes mean the same under the caller's import.
  std::optional<std::string> ReconcileOpsets(const Function& fn,
                                             std::vector<OpsetImport>& imports) {
    std::vector<OpsetImport> missing;
    for (const auto& [domain, ops] : OpsOf(fn)) {
      std::optional<int64_t> wanted = FindOpsetVersion(fn.opset_import, domain);
      if (!wanted) {
        return fmt::format("{} uses domain '{}' without importing it", FunctionName(fn), domain);
      }
      std::optional<int64_t> have = FindOpsetVersion(imports, domain);
      if (!have) {
        missing.push_back({domain, *wanted, {}});
        continue;
      }
      if (*have == *wanted) continue;
      if (std::optional<std::string> op = OpThatDiffers(ops, domain, *wanted, *have)) {
        return fmt::format(
            "{} imports opset '{}' version {}, where it is called version {}, and {} differs "
            "between them",
            FunctionName(fn), domain.empty() ? "ai.onnx" : domain, *wanted, *have, *op);
      }
    }
    for (OpsetImport& import : missing) {
      imports.push_back(std::move(import));
      result_.Count("opset-imports-added");
    }
    return std::nullopt;
  }

  // Why `call` cannot take `fn`'s body (before anything changes), or nullopt.
  std::optional<std::string> RefusalOf(const Node& call, const Function& fn) {
    const Graph& body = *fn.body;
    if (call.outputs().size() > body.outputs().size()) {
      return fmt::format("the call has {} outputs, {} has {}", call.outputs().size(),
                         FunctionName(fn), body.outputs().size());
    }
    for (size_t j = 0; j < call.outputs().size(); ++j) {
      const Value* result = body.outputs()[j];
      if (!call.output(j)) continue;
      if (std::optional<size_t> i = FormalInputIndex(body, result)) {
        if (!call.input(*i)) {
          return fmt::format("{} returns its input '{}' as output {}, which the call omits",
                             FunctionName(fn), result->name(), j);
        }
      } else if (result->kind() != Value::Kind::kNodeOutput) {
        return fmt::format("{}'s output '{}' is defined nowhere in its body", FunctionName(fn),
                           result->name());
      }
    }
    return std::nullopt;
  }

  // Replaces `call` by a copy of `fn`'s body; returns the node to visit next (the first
  // copied node), or nullopt when the call stays (the reason is recorded).
  std::optional<Node*> InlineCall(Node& call, const Function& fn,
                                  std::vector<OpsetImport>& imports) {
    std::optional<std::string> refusal = RefusalOf(call, fn);
    if (!refusal) refusal = ReconcileOpsets(fn, imports);
    if (refusal) {
      result_.Skip(Where(call), *refusal);
      return std::nullopt;
    }
    Graph& g = *call.graph();
    const Graph& body = *fn.body;
    const std::string prefix = call.name.empty() ? fn.name : call.name;
    ValueMap map;
    for (size_t i = 0; i < body.inputs().size(); ++i) map[body.inputs()[i]] = call.input(i);
    Node* first = nullptr;
    for (const Node* inner : body.nodes()) {
      Node* copy = CloneNode(*inner, g, &call, map, &values_);
      copy->name = node_names_.Fresh(
          fmt::format("{}/{}", prefix, inner->name.empty() ? inner->op_type : inner->name));
      for (size_t k = 0; k < copy->outputs().size(); ++k) {
        if (Value* out = copy->output(k)) {
          out->set_name(values_.Fresh(fmt::format("{}/{}", prefix, inner->output(k)->name())));
        }
      }
      ResolveAttributes(*copy, call, fn);
      if (!first) first = copy;
      result_.Count("nodes-inlined");
    }
    absl::flat_hash_set<const Value*> renamed;
    for (size_t j = 0; j < call.outputs().size(); ++j) {
      Value* outer = call.output(j);
      if (!outer) continue;
      Value* inner = map.at(body.outputs()[j]);
      bool is_copy = inner->producer() && inner->graph() == &g &&
                     body.outputs()[j]->kind() == Value::Kind::kNodeOutput;
      if (!is_copy || !renamed.insert(inner).second) {
        // A formal input returned as it is, or one result returned twice: a result of its
        // own keeps the call's output name.
        Node* identity = g.InsertNodeBefore(&call, "Identity", {inner}, {values_.Fresh("id")});
        identity->name = node_names_.Fresh(fmt::format("{}/Identity", prefix));
        if (!first) first = identity;
        inner = identity->output(0);
      }
      TakeOver(*outer, *inner);
    }
    // Every use and output slot of the call's results has moved: the removal cannot fail.
    Node* next = call.next();
    Status removed = g.RemoveNode(&call);
    (void)removed;
    result_.Count("calls-inlined");
    result_.changed = true;
    return first ? first : next;
  }

  // Makes `inner` take the place of the call result `outer`: its uses, graph output slots,
  // name and declared type.
  // A typed node output that is no graph output was declared in value_info: so is `inner`.
  void TakeOver(Value& outer, Value& inner) {
    std::string name = outer.name();
    const bool in_value_info = outer.type() && !outer.is_graph_output();
    if (outer.type() && !inner.type()) inner.mutable_info() = outer.info();
    outer.ReplaceAllUsesWith(&inner, Value::GraphOutputs::kRedirect);
    outer.set_name(values_.Fresh(name + "/replaced"));
    inner.set_name(std::move(name));
    if (in_value_info && !inner.is_graph_output()) inner.graph()->AddValueInfo(&inner);
  }

  // Gives the attributes of `node` (and of nodes in its sub-graphs) that refer to `fn`'s
  // attributes the call's value, else the function's default; drops those left unset.
  void ResolveAttributes(Node& node, const Node& call, const Function& fn) {
    for (size_t k = 0; k < node.attributes.size();) {
      Attribute& a = node.attributes[k];
      if (!a.ref_attr_name.empty()) {
        const Attribute* value = call.FindAttribute(a.ref_attr_name);
        if (!value) value = DefaultOf(fn, a.ref_attr_name);
        if (!value) {
          node.attributes.erase(node.attributes.begin() + static_cast<std::ptrdiff_t>(k));
          continue;
        }
        ValueMap none;
        Attribute copy = CloneAttribute(*value, node.graph(), none, &values_);
        copy.name = a.name;
        a = std::move(copy);
      }
      for (Graph* sub : a.subgraphs()) {
        for (Node* n : sub->nodes()) ResolveAttributes(*n, call, fn);
      }
      ++k;
    }
  }

  static const Attribute* DefaultOf(const Function& fn, std::string_view name) {
    for (const Attribute& a : fn.attribute_defaults) {
      if (a.name == name) return &a;
    }
    return nullptr;
  }

  Model& model_;
  absl::flat_hash_set<std::string> only_;
  util::FunctionIndex index_;
  NameTable values_;
  NameTable node_names_;
  PassResult& result_;
  absl::flat_hash_map<const Function*, OpsByDomain> ops_;
};

}  // namespace

InlineFunctionsPass::InlineFunctionsPass(const PassOptions& options)
    : only_(options.GetList("functions")), keep_definitions_(options.GetBool("keep-definitions")) {}

StatusOr<PassResult> InlineFunctionsPass::Run(Model& model, PassContext& /*context*/) {
  PassResult result;
  Inliner inliner(model, only_, result);
  // Checked before anything changes: recursion leaves the model as it was.
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<Function*> order, inliner.CalleesFirst());
  for (Function* fn : order) inliner.InlineIn(*fn->body, fn->opset_import);
  if (model.graph) inliner.InlineIn(*model.graph, model.opset_import);
  for (TrainingInfo& t : model.training_info) {
    if (t.initialization) inliner.InlineIn(*t.initialization, model.opset_import);
    if (t.algorithm) inliner.InlineIn(*t.algorithm, model.opset_import);
  }
  if (!keep_definitions_) inliner.RemoveUnusedFunctions();
  return result;
}

}  // namespace onnxkit::passes
