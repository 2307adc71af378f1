// remove-node: take a single-input single-output node out, its readers reading its input.
#include <fmt/format.h>

#include <algorithm>

#include "onnxkit/edit.h"
#include "surgery/scope.h"

namespace onnxkit {
namespace {

std::vector<Value*> Present(const std::vector<Value*>& values) {
  std::vector<Value*> present;
  for (Value* v : values) {
    if (v != nullptr) present.push_back(v);
  }
  return present;
}

// Why `in` cannot take the name of graph output `out`, or "" when it can.
std::string WhyInputCannotBeRenamed(const Value& in, const Graph& graph) {
  if (in.graph() != &graph) return "a value of an enclosing graph";
  if (in.is_graph_input()) return "a graph input";
  if (in.initializer() != nullptr || in.sparse_initializer() != nullptr) return "an initializer";
  if (in.is_graph_output()) return "another graph output";
  if (in.kind() != Value::Kind::kNodeOutput) return "not defined in the graph";
  return "";
}

void EraseValueInfoEntry(Graph& graph, const Value* value) {
  const auto& entries = graph.value_info();
  auto it = std::find(entries.begin(), entries.end(), value);
  if (it != entries.end()) (void)graph.RemoveValueInfo(it - entries.begin());
}

}  // namespace

Status RemoveNode(Model& model, std::string_view node_name) {
  ONNXKIT_ASSIGN_OR_RETURN(Node * node, surgery::FindNodeByName(model, node_name));
  const std::string label = surgery::NodeLabel(*node);
  std::vector<Value*> inputs = Present(node->inputs());
  std::vector<Value*> outputs = Present(node->outputs());
  if (inputs.size() != 1 || outputs.size() != 1) {
    return absl::FailedPreconditionError(fmt::format(
        "remove-node: {} reads {} value{} and produces {}: only a node that reads one value and "
        "produces one can be taken out (its readers then read its input)",
        label, inputs.size(), inputs.size() == 1 ? "" : "s", outputs.size()));
  }
  if (!node->subgraphs().empty()) {
    return absl::FailedPreconditionError(
        fmt::format("remove-node: {} has sub-graphs; it cannot be taken out", label));
  }
  Value* in = inputs.front();
  Value* out = outputs.front();
  Graph& graph = *node->graph();
  const bool is_output = out->is_graph_output();
  if (is_output) {
    std::string why = WhyInputCannotBeRenamed(*in, graph);
    if (!why.empty()) {
      return absl::FailedPreconditionError(fmt::format(
          "remove-node: the output '{}' of {} is a graph output, and its input '{}' is {}, "
          "which cannot take the output's name",
          out->name(), label, in->name(), why));
    }
  }
  out->ReplaceAllUsesWith(in, Value::GraphOutputs::kRedirect);
  const std::string out_name = out->name();
  const ValueInfo out_info = out->info();
  ONNXKIT_RETURN_IF_ERROR(graph.RemoveNode(node));
  // The removed output stays owned by the graph as an undefined value: it holds no name.
  out->set_name("");
  if (is_output) {
    // The graph's interface keeps its name and declaration.
    EraseValueInfoEntry(graph, in);
    in->set_name(out_name);
    if (out_info.has_type) in->mutable_info() = out_info;
  }
  return absl::OkStatus();
}

}  // namespace onnxkit
