#include "surgery/scope.h"

#include <fmt/format.h>

#include "util/edit_distance.h"

namespace onnxkit::surgery {
namespace {

void AddWithSubgraphs(Graph* graph, std::vector<Graph*>& graphs) {
  if (graph == nullptr) return;
  graphs.push_back(graph);
  for (Node* node : graph->nodes()) {
    for (Graph* sub : node->subgraphs()) AddWithSubgraphs(sub, graphs);
  }
}

}  // namespace

std::vector<Graph*> ScopeGraphs(Model& model) {
  std::vector<Graph*> graphs;
  AddWithSubgraphs(model.graph.get(), graphs);
  for (TrainingInfo& info : model.training_info) {
    AddWithSubgraphs(info.initialization.get(), graphs);
    AddWithSubgraphs(info.algorithm.get(), graphs);
  }
  return graphs;
}

std::string NodeLabel(const Node& node) {
  return node.name.empty() ? node.op_type : fmt::format("{} '{}'", node.op_type, node.name);
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  std::vector<std::string_view> views(candidates.begin(), candidates.end());
  std::string closest = ClosestMatch(name, views);
  return closest.empty() ? std::string() : fmt::format("; did you mean '{}'?", closest);
}

StatusOr<Node*> FindNodeByName(Model& model, std::string_view name) {
  std::vector<Node*> found;
  std::vector<std::string> names;
  for (Graph* graph : ScopeGraphs(model)) {
    for (Node* node : graph->nodes()) {
      if (node->name == name) found.push_back(node);
      if (!node->name.empty()) names.push_back(node->name);
    }
  }
  if (found.empty()) {
    return absl::NotFoundError(fmt::format("no node named '{}'{}", name, DidYouMean(name, names)));
  }
  if (found.size() > 1) {
    return absl::InvalidArgumentError(
        fmt::format("{} nodes are named '{}' ({} and {}); rename one first", found.size(), name,
                    found[0]->op_type, found[1]->op_type));
  }
  return found.front();
}

}  // namespace onnxkit::surgery
