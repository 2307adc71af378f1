// The public entry points of eval.h: tensors in, tensors out, over the array kernels.
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "eval/array.h"
#include "eval/kernel.h"
#include "fmt/format.h"
#include "onnxkit/constant.h"
#include "onnxkit/eval.h"

namespace onnxkit {
namespace {

Status InNode(const Node& node, const Status& status) {
  return Status(status.code(),
                fmt::format("node {}: {}", eval::NodeLabel(node), StatusMessage(status)));
}

StatusOr<std::vector<Tensor>> ToTensors(const Node& node, std::vector<eval::Array> arrays) {
  std::vector<Tensor> tensors;
  tensors.reserve(node.outputs().size());
  for (size_t i = 0; i < node.outputs().size(); ++i) {
    const Value* out = node.output(i);
    if (i >= arrays.size()) {
      tensors.emplace_back();
      continue;
    }
    ONNXKIT_ASSIGN_OR_RETURN(Tensor t,
                             eval::ToTensor(arrays[i], out != nullptr ? out->name() : ""));
    tensors.push_back(std::move(t));
  }
  return tensors;
}

// The arrays of one graph run, by value.
class Environment {
 public:
  explicit Environment(const EvalOptions& options) : options_(options) {}

  void Set(const Value* v, eval::Array a) {
    arrays_[v] = std::make_unique<eval::Array>(std::move(a));
  }

  // The array of `v`: computed, fed, or a constant read now.
  StatusOr<const eval::Array*> Get(const Value* v) {
    auto it = arrays_.find(v);
    if (it != arrays_.end()) return it->second.get();
    if (!IsConstant(v, {.include_overridable_inputs = true})) {
      return absl::FailedPreconditionError(
          fmt::format("value '{}' has no value: it is a graph input that was not fed", v->name()));
    }
    ONNXKIT_ASSIGN_OR_RETURN(Tensor t, ConstantTensor(v, {.include_overridable_inputs = true}));
    ONNXKIT_ASSIGN_OR_RETURN(eval::Array a, eval::FromTensor(t, options_.max_elements));
    Set(v, std::move(a));
    return arrays_[v].get();
  }

 private:
  const EvalOptions& options_;
  absl::flat_hash_map<const Value*, std::unique_ptr<eval::Array>> arrays_;
};

}  // namespace

EvalSupport CanEvaluate(const Node& node, int64_t version, std::span<const int32_t> input_types) {
  return eval::Support(node, version, input_types);
}

StatusOr<std::vector<Tensor>> EvaluateNode(const Node& node, int64_t version,
                                           std::span<const Tensor* const> inputs,
                                           const EvalOptions& options) {
  std::vector<eval::Array> arrays;
  arrays.reserve(inputs.size());
  std::vector<const eval::Array*> pointers;
  for (const Tensor* t : inputs) {
    if (t == nullptr) {
      arrays.emplace_back();
      continue;
    }
    auto a = eval::FromTensor(*t, options.max_elements);
    if (!a.ok()) return InNode(node, a.status());
    arrays.push_back(*std::move(a));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    pointers.push_back(inputs[i] != nullptr ? &arrays[i] : nullptr);
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<eval::Array> outputs,
                           eval::RunNode(node, version, pointers, options));
  return ToTensors(node, std::move(outputs));
}

StatusOr<std::vector<Tensor>> EvaluateModel(
    const Model& model, const std::vector<std::pair<std::string, Tensor>>& feeds,
    const EvalOptions& options) {
  const Graph& graph = *model.graph;
  Environment env(options);
  for (const auto& [name, tensor] : feeds) {
    const Value* v = graph.Lookup(name);
    if (v == nullptr || !v->is_graph_input()) {
      return absl::InvalidArgumentError(
          fmt::format("'{}' is not an input of the model's main graph", name));
    }
    const Type* declared = v->type();
    if (declared != nullptr && declared->kind == Type::Kind::kTensor && declared->elem_type != 0 &&
        declared->elem_type != tensor.data_type) {
      return absl::InvalidArgumentError(
          fmt::format("input '{}' is declared {} but the tensor fed is {}", name,
                      DataTypeName(declared->elem_type), DataTypeName(tensor.data_type)));
    }
    auto a = eval::FromTensor(tensor, options.max_elements);
    if (!a.ok()) {
      return Status(a.status().code(),
                    fmt::format("input '{}': {}", name, StatusMessage(a.status())));
    }
    env.Set(v, *std::move(a));
  }
  for (const Node* node : graph.nodes()) {
    std::optional<int64_t> version = model.OpsetVersionOf(*node);
    if (!version) {
      return InNode(*node, absl::FailedPreconditionError(fmt::format(
                               "the model imports no opset for domain '{}'", node->domain)));
    }
    std::vector<const eval::Array*> inputs;
    for (const Value* in : node->inputs()) {
      if (in == nullptr || in->name().empty()) {
        inputs.push_back(nullptr);
        continue;
      }
      auto a = env.Get(in);
      if (!a.ok()) return InNode(*node, a.status());
      inputs.push_back(*a);
    }
    // Kernel errors name the node already.
    ONNXKIT_ASSIGN_OR_RETURN(std::vector<eval::Array> outputs,
                             eval::RunNode(*node, *version, inputs, options));
    for (size_t i = 0; i < outputs.size() && i < node->outputs().size(); ++i) {
      const Value* out = node->output(i);
      if (out != nullptr && !out->name().empty()) env.Set(out, std::move(outputs[i]));
    }
  }
  std::vector<Tensor> results;
  for (const Value* out : graph.outputs()) {
    ONNXKIT_ASSIGN_OR_RETURN(const eval::Array* a, env.Get(out));
    ONNXKIT_ASSIGN_OR_RETURN(Tensor t, eval::ToTensor(*a, out->name()));
    results.push_back(std::move(t));
  }
  return results;
}

std::vector<EvalOpInfo> EvaluatedOps() {
  std::vector<EvalOpInfo> ops;
  for (const eval::KernelEntry& e : eval::Kernels().entries()) {
    ops.push_back({std::string(e.domain), std::string(e.op_type), e.first_version});
  }
  return ops;
}

}  // namespace onnxkit
