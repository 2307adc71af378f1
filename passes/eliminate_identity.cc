#include "passes/eliminate_identity.h"

#include <fmt/format.h>

#include <optional>

#include "passes/graph_sites.h"
#include "passes/value_forwarding.h"

namespace onnxkit::passes {

EliminateIdentityPass::EliminateIdentityPass(const PassOptions&) {}

StatusOr<PassResult> EliminateIdentityPass::Run(Model& model, PassContext&) {
  PassResult result;
  for (const GraphSite& site : RewritableGraphs(model)) {
    Graph& graph = *site.graph;
    size_t index = 0;  // of the current node, in the graph as it is now
    for (Node* n : graph.EraseSafeNodes()) {
      const size_t at = index++;
      if (!n->Is("", "Identity")) continue;
      Value* x = n->input(0);
      Value* y = n->output(0);
      if (!x) {
        result.Skip(NodePath(site, *n, at), "the Identity has no input");
        continue;
      }
      if (!y) {  // nothing reads an omitted output: the node is dead
        if (n->outputs().size() <= 1 && graph.RemoveNode(n).ok()) {
          --index;
          result.changed = true;
          result.Count("identities-removed");
        }
        continue;
      }
      if (std::optional<std::string> why = WhyNotForwardable(graph, *x, *y)) {
        result.Skip(NodePath(site, *n, at), *why);
        continue;
      }
      if (Forward(graph, x, y)) result.Count("outputs-renamed");
      Status removed = graph.RemoveNode(n);
      if (!removed.ok()) {
        return absl::InternalError(
            fmt::format("{}: {}", NodePath(site, *n, at), std::string(removed.message())));
      }
      --index;  // the node is gone
      result.changed = true;
      result.Count("identities-removed");
    }
  }
  return result;
}

}  // namespace onnxkit::passes
