// Extract: the sub-model between given tensors. Everything is decided first (which nodes the
// outputs need, that every needed tensor is available, the types of the new inputs and
// outputs); only then is the model edited, so an error leaves it unchanged.
//
// The edit works in place, so that nothing is copied and dropped weights are never read:
//   1. every output slot goes; training_info goes;
//   2. each given input becomes a fresh graph input of the same name (declared or inferred
//      type, the old declaration's doc string, an input's default kept), and every use of the
//      old tensor reads the new input instead, sub-graph uses included; graph inputs with a
//      default that the outputs need follow;
//   3. the nodes not needed go, then the old graph inputs, then unused initializers;
//   4. the outputs are added in order, with declared or inferred types;
//   5. uncalled functions and unused opset imports go.
#include <fmt/format.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "onnxkit/surgery.h"
#include "onnxkit/topological_sort.h"
#include "passes/unused_functions.h"
#include "surgery/main_graph.h"

namespace onnxkit {
namespace {

using surgery::MainGraphTensors;

std::string NodeLabel(const Node& n) {
  return n.name.empty() ? fmt::format("an unnamed {} node", n.op_type)
                        : fmt::format("node '{}'", n.name);
}

// The request resolved against the model, and what the outputs need.
struct Plan {
  std::vector<Value*> inputs;
  std::vector<Value*> outputs;
  // Needed nodes, each with the output it was first needed for (for messages).
  absl::flat_hash_map<const Node*, const Value*> kept;
  // Graph inputs with a default that the outputs need (not among the given inputs), in
  // graph order.
  std::vector<Value*> defaulted_inputs;
  absl::flat_hash_map<std::string, Type> inferred;
};

StatusOr<Plan> Resolve(const Model& model, const ExtractSpec& spec) {
  ONNXKIT_RETURN_IF_ERROR(surgery::RequireMainGraph(model));
  if (spec.outputs.empty()) {
    return absl::InvalidArgumentError("no outputs given: the sub-model would compute nothing");
  }
  ONNXKIT_RETURN_IF_ERROR(surgery::RequireDistinct(spec.inputs, "input"));
  ONNXKIT_RETURN_IF_ERROR(surgery::RequireDistinct(spec.outputs, "output"));
  MainGraphTensors tensors(model);
  Plan plan;
  for (const std::string& name : spec.inputs) {
    ONNXKIT_ASSIGN_OR_RETURN(Value * v, tensors.Find(name, "input"));
    if (v->kind() == Value::Kind::kInitializer) {
      return absl::InvalidArgumentError(fmt::format(
          "input '{}' is an initializer (a constant of the model), not a tensor to feed; the "
          "sub-model keeps it as a constant when an output needs it",
          name));
    }
    plan.inputs.push_back(v);
  }
  for (const std::string& name : spec.outputs) {
    ONNXKIT_ASSIGN_OR_RETURN(Value * v, tensors.Find(name, "output"));
    plan.outputs.push_back(v);
  }
  return plan;
}

std::string NameList(const std::vector<Value*>& values) {
  std::string out;
  for (const Value* v : values) out += fmt::format("{}'{}'", out.empty() ? "" : ", ", v->name());
  return out.empty() ? "none" : out;
}

// Walks back from each output to the given inputs and the initializers; fills plan.kept and
// plan.defaulted_inputs, or says which tensor an output lacks.
Status FindNeededNodes(const Graph& graph, Plan& plan) {
  // Removal relies on an acyclic graph (a node goes once nothing reads it).
  if (auto order = TopologicalOrder(graph); !order.ok()) {
    return absl::FailedPreconditionError(std::string(StatusMessage(order.status())));
  }
  absl::flat_hash_set<const Value*> cut(plan.inputs.begin(), plan.inputs.end());
  absl::flat_hash_set<const Value*> seen;
  absl::flat_hash_set<const Value*> defaulted;
  for (const Value* output : plan.outputs) {
    std::vector<Value*> todo = {const_cast<Value*>(output)};
    while (!todo.empty()) {
      Value* v = todo.back();
      todo.pop_back();
      if (!seen.insert(v).second || cut.contains(v)) continue;
      switch (v->kind()) {
        case Value::Kind::kInitializer: break;
        case Value::Kind::kGraphInput:
          if (!v->initializer()) {
            return absl::InvalidArgumentError(fmt::format(
                "output '{}' cannot be computed from the given inputs ({}): it needs graph "
                "input '{}', which is not among them",
                output->name(), NameList(plan.inputs), v->name()));
          }
          defaulted.insert(v);
          break;
        case Value::Kind::kUndefined:
          return absl::InvalidArgumentError(fmt::format(
              "output '{}' cannot be computed: it needs '{}', which nothing in the model defines",
              output->name(), v->name()));
        case Value::Kind::kNodeOutput:
          if (plan.kept.emplace(v->producer(), output).second) {
            surgery::ForEachMainGraphRead(*v->producer(), [&](Value* r) { todo.push_back(r); });
          }
          break;
      }
    }
  }
  for (Value* v : graph.inputs()) {
    if (defaulted.contains(v)) plan.defaulted_inputs.push_back(v);
  }
  // A given input whose producer must stay would be defined twice.
  for (const Value* v : plan.inputs) {
    if (v->kind() != Value::Kind::kNodeOutput) continue;
    if (auto it = plan.kept.find(v->producer()); it != plan.kept.end()) {
      return absl::InvalidArgumentError(fmt::format(
          "input '{}' cannot be cut: {}, which computes it, is needed for output '{}' (through "
          "another of its outputs); cut at that node's inputs instead",
          v->name(), NodeLabel(*v->producer()), it->second->name()));
    }
  }
  return absl::OkStatus();
}

// Infers the types of cut tensors that declare none; a new input without one is an error.
Status InferMissingTypes(const Model& model, Plan& plan) {
  std::vector<std::string> untyped;
  for (const auto* list : {&plan.inputs, &plan.outputs}) {
    for (const Value* v : *list) {
      if (!v->type()) untyped.push_back(v->name());
    }
  }
  ONNXKIT_ASSIGN_OR_RETURN(plan.inferred, surgery::InferredTypes(model, untyped));
  for (const Value* v : plan.inputs) {
    if (!v->type() && !plan.inferred.contains(v->name())) {
      return absl::FailedPreconditionError(fmt::format(
          "input '{}' would become a graph input without a type: none is declared and shape "
          "inference finds none (declare it in value_info, e.g. with `onnxkit infer-shapes` "
          "after fixing the model's input shapes)",
          v->name()));
    }
  }
  return absl::OkStatus();
}

class Extraction {
 public:
  Extraction(Model& model, Plan plan)
      : model_(model), graph_(*model.graph), plan_(std::move(plan)) {}

  StatusOr<SurgeryStats> Run() {
    model_.training_info.clear();
    while (!graph_.outputs().empty()) (void)graph_.RemoveOutput(graph_.outputs().size() - 1);
    std::vector<Value*> old_inputs = graph_.inputs();
    for (Value* v : plan_.inputs) Refeed(v);
    for (Value* v : plan_.defaulted_inputs) Refeed(v);
    ONNXKIT_RETURN_IF_ERROR(RemoveUnneededNodes());
    for (Value* v : old_inputs) {
      // Unused now (the walk found every reader of a needed input); a default stays behind
      // as a plain initializer, removed below when unused.
      RemoveValueInfoOfInput(v);
      (void)graph_.RemoveInput(v);
      // A refed input's default moved to the new input: not a removal to report.
      if (replaced_.contains(v) && v->initializer()) (void)graph_.RemoveInitializer(v);
    }
    RemoveUnusedInitializers();
    AddOutputs();
    RemoveStaleAnnotations();
    stats_.functions_removed = passes::RemoveUncalledFunctions(model_);
    passes::RemoveUnusedOpsetImports(model_);
    return std::move(stats_);
  }

 private:
  // Makes `old` a fresh graph input of its name: the new value takes its declaration (or
  // the inferred type), its default and every use.
  void Refeed(Value* old) {
    ValueInfo info = old->info();
    if (!info.has_type) {
      info.has_type = true;
      info.type = plan_.inferred.at(old->name());
      stats_.typed_by_inference.push_back(old->name());
    }
    Value* fresh = graph_.AddInput(old->name(), std::move(info));
    if (old->is_graph_input() && old->initializer()) {
      Tensor default_value = *old->initializer();
      graph_.AttachInitializer(fresh, std::move(default_value));
    }
    // Redirect: a sub-graph may return the old tensor as it is (the main graph's output
    // slots are gone already).
    old->ReplaceAllUsesWith(fresh, Value::GraphOutputs::kRedirect);
    replaced_[old] = fresh;
  }

  void RemoveValueInfoOfInput(Value* v) { surgery::RemoveValueInfoOf(graph_, v); }

  // A worklist seeded with every unneeded node, last first (so a graph in topological order
  // is done in one sweep); a node still read by another unneeded node is refused by
  // RemoveNode and comes back when its last reader goes. Linear whatever the node order. Only
  // unneeded nodes read unneeded nodes (the walk kept every producer a kept node reads), so
  // all of them go unless they form a cycle.
  Status RemoveUnneededNodes() {
    std::vector<Node*> worklist;
    absl::flat_hash_set<const Node*> doomed, removed;  // compared, never dereferenced
    for (Node* n : graph_.nodes()) {
      if (!plan_.kept.contains(n)) {
        worklist.push_back(n);
        doomed.insert(n);
      }
    }
    while (!worklist.empty()) {
      Node* n = worklist.back();
      worklist.pop_back();
      if (removed.contains(n)) continue;
      std::vector<Node*> producers;
      surgery::ForEachMainGraphRead(*n, [&](Value* v) {
        if (v->producer() && doomed.contains(v->producer())) producers.push_back(v->producer());
      });
      if (!graph_.RemoveNode(n).ok()) continue;
      removed.insert(n);
      ++stats_.nodes_removed;
      worklist.insert(worklist.end(), producers.begin(), producers.end());
    }
    if (removed.size() != doomed.size()) {
      return absl::InternalError(
          fmt::format("{} node(s) the outputs do not need are still read and could not be removed",
                      doomed.size() - removed.size()));
    }
    return absl::OkStatus();
  }

  void RemoveUnusedInitializers() {
    std::vector<Value*> unused;
    for (const auto* list : {&graph_.initializers(), &graph_.sparse_initializers()}) {
      for (Value* v : *list) {
        if (!v->has_uses() && !v->is_graph_output() && !v->is_graph_input()) unused.push_back(v);
      }
    }
    for (Value* v : unused) {
      if (graph_.RemoveInitializer(v).ok()) ++stats_.initializers_removed;
    }
  }

  void AddOutputs() {
    for (Value* v : plan_.outputs) {
      if (auto it = replaced_.find(v); it != replaced_.end()) v = it->second;
      if (!v->type()) {
        if (auto it = plan_.inferred.find(v->name()); it != plan_.inferred.end()) {
          v->mutable_info().has_type = true;
          v->mutable_info().type = it->second;
          stats_.typed_by_inference.push_back(v->name());
        }
      }
      // The output declares it now.
      surgery::RemoveValueInfoOf(graph_, v);
      graph_.AddOutput(v);
    }
  }

  void RemoveStaleAnnotations() {
    absl::flat_hash_set<std::string_view> defined;
    for (const Value* v : graph_.values()) {
      if (v->kind() != Value::Kind::kUndefined) defined.insert(v->name());
    }
    std::erase_if(graph_.quantization_annotation,
                  [&](const TensorAnnotation& a) { return !defined.contains(a.tensor_name); });
  }

  Model& model_;
  Graph& graph_;
  Plan plan_;
  absl::flat_hash_map<const Value*, Value*> replaced_;
  SurgeryStats stats_;
};

}  // namespace

StatusOr<SurgeryStats> Extract(Model& model, const ExtractSpec& spec) {
  ONNXKIT_ASSIGN_OR_RETURN(Plan plan, Resolve(model, spec));
  ONNXKIT_RETURN_IF_ERROR(FindNeededNodes(*model.graph, plan));
  ONNXKIT_RETURN_IF_ERROR(InferMissingTypes(model, plan));
  return Extraction(model, std::move(plan)).Run();
}

}  // namespace onnxkit
