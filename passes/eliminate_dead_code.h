// eliminate-dead-code: removes what no output of the model depends on.
//
// Matches, in this order:
//  1. Nodes none of whose outputs is read (by any node, sub-graph nodes included) or returned
//     as a graph output, transitively: removing a node may leave its producers dead. A node
//     with sub-graphs goes with them (and with the reads they made). In the main graph,
//     If/Loop/Scan bodies at any depth and function bodies; inner graphs are cleaned first.
//  2. Initializers (dense and sparse) that nothing reads and that are no graph output, in the
//     same graphs. Graph inputs stay, also those with a default (they are the interface), and
//     so do initializers training_info binds by name.
//  3. Model-local functions nothing calls: a function is live when a node of the main graph
//     or of a training graph (at any depth) calls it, or a live function's body does; the
//     rest go, also functions called only by dead functions.
//  4. Model-level opset imports of domains no remaining node uses (in any graph, function
//     bodies and training graphs included) and no remaining function is declared in. The
//     default domain stays.
// Side effects: ONNX defines every operator as a function of its inputs and attributes, the
// random generators (RandomNormal, Bernoulli, …) included (an unused draw changes nothing
// else), so nodes of the ONNX domains and model-local function calls are removed like any
// other. Nodes of other domains are too, by default (the spec says a custom operator is a
// function too); `keep-custom-ops=true` keeps them for runtimes whose custom kernels have
// effects (a logger, an assertion). The second output of a Dropout or the like is just an
// output: unused, it does not keep its node alive.
// Training graphs are not cleaned (see passes/graph_sites.h), but their reads keep main-graph
// values alive.
// Counters: nodes-removed, initializers-removed, functions-removed, opset-imports-removed.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class EliminateDeadCodePass : public Pass {
 public:
  static constexpr PassOptionSpec kOptions[] = {
      {"keep-custom-ops", PassOptionSpec::Kind::kBool, "false",
       "keep unused nodes of domains other than ONNX's (custom kernels may have effects)"},
  };
  explicit EliminateDeadCodePass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;

 private:
  bool keep_custom_ops_;
};

}  // namespace onnxkit::passes
