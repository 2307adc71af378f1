#include "passes/fuse_consecutive_reshapes.h"

#include <algorithm>

#include "passes/chain_rewrites.h"
#include "passes/graph_sites.h"
#include "passes/op_parameters.h"

namespace onnxkit::passes {

FuseConsecutiveReshapesPass::FuseConsecutiveReshapesPass(const PassOptions&) {}

StatusOr<PassResult> FuseConsecutiveReshapesPass::Run(Model& model, PassContext&) {
  PassResult result;
  for (const GraphSite& site : RewritableGraphs(model)) {
    BypassedNodes bypassed;
    size_t index = 0;
    for (Node* n : site.graph->EraseSafeNodes()) {
      const size_t at = index++;
      if (!n->Is("", "Reshape")) continue;
      Node* p = ProducerOf(*n, "Reshape");
      if (!p || !p->input(0)) continue;
      const int64_t version = OnnxVersionOf(model, *n);
      IntsParam shape = version < 5 ? IntsAttribute(*n, "shape") : IntsInput(*n, 1);
      if (!shape.known()) {
        result.Skip(NodePath(site, *n, at), "its shape is computed at run time");
        continue;
      }
      const bool allowzero = version >= 14 && n->GetInt("allowzero").value_or(0) == 1;
      if (!allowzero && std::count(shape.values.begin(), shape.values.end(), 0) > 0) {
        result.Skip(NodePath(site, *n, at),
                    "its shape copies a dim of the first Reshape's output (an entry 0)");
        continue;
      }
      n->SetInput(0, p->input(0));
      bypassed.Add(p);
      result.changed = true;
      result.Count("reshapes-fused");
    }
    ONNXKIT_RETURN_IF_ERROR(bypassed.RemoveUnread(site, result, "nodes-removed"));
  }
  return result;
}

}  // namespace onnxkit::passes
