#include "onnxkit/simplify.h"

#include <fmt/format.h>

#include <algorithm>

namespace onnxkit {
namespace {

// THE LIST: one round of simplify. Constants into initializers before folding reads them;
// folding infers the whole model itself, so shape inference comes after it, typing what
// is left for the eliminations (inferring the unfolded model first was the same work done
// twice on the largest graph a run sees); then the eliminations, the chain merges and the
// fusions into Conv and Gemm; dead code last, so that the next round starts from a clean
// graph. A new pass joins here (and nowhere else).
constexpr std::string_view kRoundPasses[] = {
    "constant-to-initializer",
    "fold-constants",
    "infer-shapes",
    "eliminate-identity",
    "eliminate-nop",
    "eliminate-common-subexpressions",
    "fuse-consecutive-transposes",
    "fuse-consecutive-reshapes",
    "fuse-consecutive-squeezes",
    "fuse-consecutive-casts",
    "fuse-consecutive-slices",
    "fuse-bn-into-conv",
    "fuse-add-into-conv",
    "fuse-mul-into-conv",
    "fuse-pad-into-conv",
    "matmul-add-to-gemm",
    "eliminate-dead-code",
};
constexpr std::string_view kPreparePasses[] = {"inline-functions"};
constexpr std::string_view kFinishPasses[] = {"topological-sort"};

void AddSteps(Pipeline& pipeline, std::span<const std::string_view> names,
              const SimplifyOptions& options) {
  for (std::string_view name : names) {
    if (std::find(options.skip.begin(), options.skip.end(), name) != options.skip.end()) continue;
    PipelineStep step{std::string(name), {}};
    if (name == "infer-shapes") step.options.emplace_back("refresh", "true");
    if (name == "fold-constants") {
      step.options.emplace_back("max-size", std::to_string(options.max_size));
      if (!options.subgraphs) step.options.emplace_back("subgraphs", "false");
    }
    pipeline.steps.push_back(std::move(step));
  }
}

}  // namespace

std::span<const std::string_view> SimplifyRoundPasses() { return kRoundPasses; }

StatusOr<std::vector<SimplifyStage>> SimplifyStages(const SimplifyOptions& options) {
  for (const std::string& name : options.skip) {
    bool known = false;
    std::string names;
    for (auto list : {std::span<const std::string_view>(kPreparePasses),
                      std::span<const std::string_view>(kRoundPasses),
                      std::span<const std::string_view>(kFinishPasses)}) {
      for (std::string_view n : list) {
        known = known || n == name;
        names += fmt::format("{}{}", names.empty() ? "" : ", ", n);
      }
    }
    if (!known) {
      return absl::InvalidArgumentError(
          fmt::format("--skip: '{}' is not a pass of the simplify pipeline ({})", name, names));
    }
  }
  if (options.max_rounds < 1) {
    return absl::InvalidArgumentError("simplify needs at least one round");
  }
  std::vector<SimplifyStage> stages(3);
  stages[0].name = "prepare";
  AddSteps(stages[0].pipeline, kPreparePasses, options);
  stages[1].name = "rounds";
  AddSteps(stages[1].pipeline, kRoundPasses, options);
  stages[1].max_rounds = options.max_rounds;
  stages[2].name = "finish";
  AddSteps(stages[2].pipeline, kFinishPasses, options);
  return stages;
}

StatusOr<SimplifyReport> Simplify(Model& model, const SimplifyOptions& options,
                                  const PassRegistry& registry) {
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<SimplifyStage> stages, SimplifyStages(options));
  // Every stage is made before anything changes, so a bad name changes nothing.
  std::vector<PassManager> managers;
  for (const SimplifyStage& stage : stages) {
    PassManagerOptions manager_options;
    manager_options.max_rounds = stage.max_rounds;
    manager_options.verify_each = options.verify_each;
    manager_options.explain = options.explain;
    manager_options.progress = options.progress;
    ONNXKIT_ASSIGN_OR_RETURN(PassManager manager,
                             PassManager::Make(registry, stage.pipeline, manager_options));
    managers.push_back(std::move(manager));
  }
  for (const InputShape& shape : options.input_shapes) {
    ONNXKIT_RETURN_IF_ERROR(PinInputShape(model, shape));
  }
  SimplifyReport report;
  for (size_t i = 0; i < stages.size(); ++i) {
    ONNXKIT_ASSIGN_OR_RETURN(PipelineReport run, managers[i].Run(model));
    report.stages.emplace_back(std::move(stages[i]), std::move(run));
  }
  return report;
}

}  // namespace onnxkit
