// dynamic-scales: promotes the constant `scales` of Resize and Upsample to a graph input, so
// that the upscaling factor is chosen at run time — what a hand-written `factor` input does
// in PyTorch's super-resolution tutorial, done on the exported file. Opt-in: backends that
// need constant scales (TensorRT, code generators) will not take the result.
//
// Matches: Resize (opset 10 onwards, opset 18's `axes` included) and Upsample (opset 9)
// whose `scales` is a float initializer that is no graph input, or the output of a
// `Constant`, in the main graph or its sub-graphs (a sub-graph reads the new input from the
// main graph).
// Produces: a float graph input (default name `scales`); with shape=full it is the scales
// vector itself, with shape=spatial only the factors of axes 2 and up (the graph prepends the
// constant factors of axes 0 and 1 with a Concat), with shape=scalar one factor for every
// spatial axis (Expand, then Concat). Nodes whose scales are equal share one input unless
// per-node=true (then `scales`, `scales_1`, …). keep-default=true makes the old value the
// input's default initializer (IR 4 and later), so the model still runs unfed. A constant
// nothing reads any more is removed. The declared types that depended on the factor become
// symbolic: value_info entries downstream of a rewritten node are dropped, and a graph
// output dimension downstream keeps its number only when shape inference gives the same
// number for two different factors (otherwise it becomes `<output>_dim<axis>`).
// Refuses, with a reason: a node that uses `sizes`, whose scales are computed at run time
// or are an overridable graph input, Upsample before opset 9 (scales is an attribute) and after it
// (deprecated), nodes inside function bodies (functions cannot read graph inputs: inline them
// first), axes whose non-spatial entries do not come first (spatial, scalar), and unequal spatial
// factors with shape=scalar.
#pragma once

#include <string>

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class DynamicScalesPass : public Pass {
 public:
  explicit DynamicScalesPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;

  enum class Shape { kFull, kSpatial, kScalar };

 private:
  std::string name_;
  bool name_given_;
  std::string shape_text_;
  bool keep_default_;
  bool per_node_;
};

}  // namespace onnxkit::passes
