// Every graph's order is computed first, so a cycle in any graph leaves the whole model
// untouched; then each graph that needs it is reordered.
#include "passes/topological_sort.h"

#include <fmt/format.h>

#include "onnxkit/topological_sort.h"
#include "passes/graph_sites.h"

namespace onnxkit::passes {

TopologicalSortPass::TopologicalSortPass(const PassOptions&) {}

StatusOr<PassResult> TopologicalSortPass::Run(Model& model, PassContext&) {
  struct Reorder {
    Graph* graph;
    std::vector<Node*> order;
  };
  std::vector<Reorder> reorders;
  for (const GraphSite& site : RewritableGraphs(model)) {
    StatusOr<std::vector<Node*>> order = TopologicalOrder(*site.graph);
    if (!order.ok()) {
      return absl::FailedPreconditionError(
          fmt::format("{}: {}", site.path, std::string(order.status().message())));
    }
    reorders.push_back({site.graph, *std::move(order)});
  }
  PassResult result;
  for (Reorder& r : reorders) {
    int64_t moved = 0;
    size_t i = 0;
    for (const Node* n : r.graph->nodes()) moved += n != r.order[i++] ? 1 : 0;
    if (moved == 0) continue;
    // Each step extends the placed run order[0..i] by one node.
    for (size_t k = 1; k < r.order.size(); ++k) r.order[k]->MoveAfter(r.order[k - 1]);
    result.changed = true;
    result.Count("graphs-sorted");
    result.Count("nodes-moved", moved);
  }
  return result;
}

}  // namespace onnxkit::passes
