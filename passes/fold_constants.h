// fold-constants: computes, when the model is built, what does not depend on its inputs.
//
// Matches, in every graph's order (topological), in the main graph and then in its
// sub-graphs at any depth (a sub-graph node reading constants of outer graphs folds too):
//  1. A node all of whose inputs are constant (constant.h: initializers, Constant outputs,
//     earlier folds) and that the evaluator (eval.h) can run: its outputs become
//     initializers of its graph, named after the outputs and keeping their declared types.
//  2. Shape (start and end of Shape-15 included) and Size of a tensor whose dims are all
//     known numbers, by declaration or by type inference run on the model first, even when
//     the tensor itself is computed at run time. A symbolic or unknown dim stays: no fold.
//     What reads the result (Gather, Slice, Concat, arithmetic) then folds in the same run.
//  3. An `If` whose condition is constant: the taken branch's nodes and initializers move
//     into the If's graph before it (names clashing with others get a suffix, NameTable),
//     its outputs replace the If's, and the If goes. A graph output keeps its name.
// Then the producers and initializers that a fold left without readers are removed, as
// eliminate-dead-code would remove them (only those: the rest of the model is untouched).
//
// Left alone, with the reason (`--explain fold-constants`): non-deterministic ops
// (RandomNormal, RandomUniform, their -Like forms, Multinomial, Bernoulli, Dropout in training
// mode); quantisation ops (QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
// ConvInteger, MatMulInteger, QLinear*) unless `fold-quantization=true`; ops, versions or
// element types the evaluator does not run; outputs larger than `max-size` bytes (known
// from inferred types before anything is read when possible); excluded ops and nodes; nodes
// with sub-graphs other than a constant If; nodes of function bodies (a body has no
// initializers: run inline-functions first); the main graph of IR versions below 4 (an
// initializer there must also be a graph input).
// Weights are read only when a fold needs their values: Shape and Size read dims only, a
// fold whose output would be too large is refused from its inferred type first, and inputs
// larger than `max-input-size` are never read.
// Types that the pass's own inference added to values it did not fold are removed again, so
// a model with nothing to fold comes out unchanged.
// Counters: nodes-folded, shapes-folded, ifs-inlined, nodes-removed, initializers-removed,
// model-inferences (whole-model type inferences the run made: one, unless a fold made dims
// known that only data propagation over the whole model finds, or an If was inlined).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "onnxkit/pass.h"

namespace onnxkit::passes {

class FoldConstantsPass : public Pass {
 public:
  static constexpr PassOptionSpec kOptions[] = {
      {"max-size", PassOptionSpec::Kind::kSize, "1MiB",
       "fold only when every output takes at most this many bytes"},
      {"max-input-size", PassOptionSpec::Kind::kSize, "64MiB",
       "fold only when every constant input takes at most this many bytes (larger weights "
       "are never read)"},
      {"exclude-ops", PassOptionSpec::Kind::kList, "",
       "op types never folded (names separated by ':')"},
      {"exclude-nodes", PassOptionSpec::Kind::kList, "",
       "node names never folded (names separated by ':')"},
      {"fold-quantization", PassOptionSpec::Kind::kBool, "false",
       "also fold QuantizeLinear, DequantizeLinear and the other quantisation ops"},
      {"subgraphs", PassOptionSpec::Kind::kBool, "true",
       "also fold inside sub-graphs (If, Loop and Scan bodies)"},
  };
  struct Settings {
    uint64_t max_size = uint64_t{1} << 20;
    uint64_t max_input_size = uint64_t{64} << 20;
    absl::flat_hash_set<std::string> exclude_ops;
    absl::flat_hash_set<std::string> exclude_nodes;
    bool fold_quantization = false;
    bool subgraphs = true;
  };
  explicit FoldConstantsPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;

 private:
  Settings settings_;
};

}  // namespace onnxkit::passes
