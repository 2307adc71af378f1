// eliminate-common-subexpressions: computes each distinct node once.
//
// Matches: within one graph (the main graph, an If/Loop/Scan body at any depth, a function
// body), two nodes of the same op type, domain and overload that read the same values in
// the same input slots (an omitted input counts as a value), have the same number of output
// slots with the same ones omitted, and carry equal attributes: the same names and types
// (in any order) with exactly the same values — floats compared bit for bit, tensors by
// element type, dims and every byte (strings element by element), references to a
// function's attributes by the name referred to. Graphs are walked in order, so a chain of
// duplicates collapses in one run: once `b = Neg(x)` became `a`, `Relu(b)` reads `a` and
// equals an earlier `Relu(a)`.
// Produces: one node where there were several; the readers of the other's outputs read the
// survivor's. The survivor is the earlier node, except when only the later one computes a
// graph output (of its graph or returned by a sub-graph): then the later node survives and
// moves to the earlier one's place (it reads the same values, so they are defined there),
// and so every graph output keeps its name.
// Refuses (a skip with the reason, reported for a node that has an earlier node of the same
// op reading the same inputs):
//  - non-deterministic ops: RandomNormal, RandomUniform, RandomNormalLike,
//    RandomUniformLike, Multinomial, Bernoulli, and Dropout (random in training mode;
//    eliminate-nop removes it in inference);
//  - nodes of other domains than ONNX's (ai.onnx, ai.onnx.ml) and calls of model-local
//    functions: what they do is not known here (they may be random or have side effects);
//  - nodes holding a sub-graph, a sparse tensor or a type attribute (not compared);
//  - two equal nodes that both compute graph outputs: both names must stay.
// Equal Constant nodes are merged like any other nodes (in function bodies, which hold no
// initializers, that is the only way); tensors compare as dedupe-initializers compares them
// (passes/tensor_contents.h). Equal initializers are not this pass's business:
// dedupe-initializers merges them, after which nodes reading them read one value and become
// equal here. Nodes of different graphs
// are never merged. Training graphs are left as they are (see passes/graph_sites.h).
// Counters: nodes-removed.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class EliminateCommonSubexpressionsPass : public Pass {
 public:
  explicit EliminateCommonSubexpressionsPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
