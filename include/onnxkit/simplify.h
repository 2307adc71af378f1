// simplify: the pipeline `onnxkit simplify` and `onnxkit rewrite --simplify` run, defined
// once here: pin input dims, inline model-local functions, then repeat shape inference,
// folding, the eliminations and fusions and the cleanups until a round changes nothing,
// then sort every graph topologically.
//
// Weights are read only where folding needs their values (fold-constants' max-input-size
// bounds what it reads), so a model whose weights do not fit in memory simplifies as long as
// its graph does; external data stays where it is until the model is saved.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onnxkit/edit.h"
#include "onnxkit/ir.h"
#include "onnxkit/pass.h"
#include "onnxkit/progress.h"
#include "onnxkit/status.h"

namespace onnxkit {

// The passes one round of simplify runs, in order: the single list to extend when a pass
// joins the pipeline (every name must be a built-in pass).
std::span<const std::string_view> SimplifyRoundPasses();

struct SimplifyOptions {
  // Input dims pinned before the pipeline runs (edit.h's PinInputShape; the rounds' shape
  // inference then refreshes what they change).
  std::vector<InputShape> input_shapes;
  // Passes left out (names of the pipeline's passes; others are an error).
  std::vector<std::string> skip;
  // fold-constants' max-size: the largest folded output, in bytes.
  uint64_t max_size = uint64_t{1} << 20;
  // Fold inside If/Loop/Scan bodies too.
  bool subgraphs = true;
  // At most this many rounds of SimplifyRoundPasses().
  int max_rounds = 10;
  bool verify_each = false;
  bool explain = false;
  // Told of each pass as it starts (see PassManagerOptions::progress); not owned, may be null.
  Progress* progress = nullptr;
};

// The pipelines simplify runs, in order: once before the rounds, the rounds (repeated to a
// fixed point), once after. `options.skip` names are checked against them.
struct SimplifyStage {
  std::string name;  // "prepare", "rounds", "finish"
  Pipeline pipeline;
  int max_rounds = 1;
};
StatusOr<std::vector<SimplifyStage>> SimplifyStages(const SimplifyOptions& options);

// What each stage did.
struct SimplifyReport {
  std::vector<std::pair<SimplifyStage, PipelineReport>> stages;
};

// Pins the input dims, then runs SimplifyStages() through `registry`. An error (a bad
// option, a pass that failed) leaves the model as the steps before it left it.
StatusOr<SimplifyReport> Simplify(Model& model, const SimplifyOptions& options,
                                  const PassRegistry& registry = PassRegistry::Builtins());

}  // namespace onnxkit
