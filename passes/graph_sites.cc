#include "passes/graph_sites.h"

#include <fmt/format.h>

namespace onnxkit::passes {
namespace {

std::string NodeLabel(const Node& node, size_t index) {
  return node.name.empty() ? fmt::format("#{}", index) : node.name;
}

void AddGraph(Graph& graph, std::string path, const Function* function,
              std::vector<GraphSite>& out) {
  out.push_back({&graph, path, function});
  size_t index = 0;
  for (Node* n : graph.nodes()) {
    // Only a node holding sub-graphs needs its label: most hold none.
    const size_t position = index++;
    if (n->subgraphs().empty()) continue;
    std::string label = NodeLabel(*n, position);
    for (Attribute& a : n->attributes) {
      if (a.g) AddGraph(*a.g, fmt::format("{}/{}.{}", path, label, a.name), function, out);
      for (size_t i = 0; i < a.graphs.size(); ++i) {
        AddGraph(*a.graphs[i], fmt::format("{}/{}.{}[{}]", path, label, a.name, i), function, out);
      }
    }
  }
}

}  // namespace

std::vector<GraphSite> RewritableGraphs(Model& model) {
  std::vector<GraphSite> out;
  if (model.graph) AddGraph(*model.graph, "main", nullptr, out);
  for (size_t i = 0; i < model.functions.size(); ++i) {
    const Function& fn = *model.functions[i];
    AddGraph(*fn.body, fn.name.empty() ? fmt::format("fn:#{}", i) : "fn:" + fn.name, &fn, out);
  }
  return out;
}

std::string NodePath(const GraphSite& site, const Node& node) {
  if (!node.name.empty()) return site.path + "/" + node.name;
  size_t index = 0;
  for (const Node* n : site.graph->nodes()) {
    if (n == &node) break;
    ++index;
  }
  return NodePath(site, node, index);
}

std::string NodePath(const GraphSite& site, const Node& node, size_t index) {
  return site.path + "/" + NodeLabel(node, index);
}

absl::flat_hash_set<std::string> TrainingBoundNames(const Model& model) {
  absl::flat_hash_set<std::string> names;
  for (const TrainingInfo& t : model.training_info) {
    for (const StringPair& b : t.initialization_binding) names.insert(b.key);
    for (const StringPair& b : t.update_binding) names.insert(b.key);
  }
  return names;
}

}  // namespace onnxkit::passes
