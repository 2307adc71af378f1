#include "onnxkit/simplify.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>

#include "absl/container/flat_hash_map.h"

namespace onnxkit {
namespace {

// THE LIST: one round of simplify. Shape inference first, so that folding sees every dim it
// can; constants into initializers before folding reads them; then the eliminations, the
// chain merges and the fusions into Conv and Gemm; dead code last, so that the next round
// starts from a clean graph. A new pass joins here (and nowhere else).
constexpr std::string_view kRoundPasses[] = {
    "infer-shapes",
    "constant-to-initializer",
    "fold-constants",
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

StatusOr<int64_t> ParseDim(std::string_view text, std::string_view whole) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    return absl::InvalidArgumentError(
        fmt::format("input shape '{}': '{}' is not a dim (a non-negative integer)", whole, text));
  }
  return value;
}

// Calls `fn` on every declared type of `graph` and its sub-graphs.
void ForEachDeclaredType(Graph& graph, const std::function<void(Type&)>& fn) {
  for (Value* v : graph.values()) {
    if (v->info().has_type) fn(v->mutable_info().type);
  }
  for (Node* n : graph.nodes()) {
    for (Graph* sub : n->subgraphs()) ForEachDeclaredType(*sub, fn);
  }
}

void ReplaceSymbols(Type& type, const absl::flat_hash_map<std::string, int64_t>& sizes) {
  if (type.shape) {
    for (Dim& d : type.shape->dims) {
      if (d.kind != Dim::Kind::kParam) continue;
      auto it = sizes.find(d.param);
      if (it != sizes.end()) d = Dim::Value(it->second);
    }
  }
  for (Type& element : type.element) ReplaceSymbols(element, sizes);
}

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

StatusOr<InputShape> ParseInputShape(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        fmt::format("input shape '{}' is not NAME:DIM,DIM,… (e.g. input:1,3,224,224)", text));
  }
  InputShape shape{std::string(text.substr(0, colon)), {}};
  std::string_view dims = text.substr(colon + 1);
  // "name:" pins a scalar (rank 0).
  while (!dims.empty()) {
    size_t comma = dims.find(',');
    ONNXKIT_ASSIGN_OR_RETURN(int64_t d, ParseDim(dims.substr(0, comma), text));
    shape.dims.push_back(d);
    if (comma == std::string_view::npos) break;
    dims.remove_prefix(comma + 1);
    if (dims.empty()) ONNXKIT_RETURN_IF_ERROR(ParseDim(dims, text).status());
  }
  return shape;
}

Status PinInputShape(Model& model, const InputShape& shape) {
  if (!model.graph) return absl::InvalidArgumentError("the model has no graph");
  Graph& graph = *model.graph;
  auto input = std::find_if(graph.inputs().begin(), graph.inputs().end(),
                            [&](const Value* v) { return v->name() == shape.name; });
  if (input == graph.inputs().end()) {
    std::string names;
    for (const Value* v : graph.inputs()) {
      names += fmt::format("{}'{}'", names.empty() ? "" : ", ", v->name());
    }
    return absl::InvalidArgumentError(fmt::format(
        "input shape: the main graph has no input '{}' (its inputs: {})", shape.name, names));
  }
  Type* type = (*input)->info().has_type ? &(*input)->mutable_info().type : nullptr;
  if (type == nullptr || type->kind != Type::Kind::kTensor || type->elem_type == 0) {
    return absl::InvalidArgumentError(fmt::format(
        "input shape: input '{}' is not declared as a tensor of a known element type", shape.name));
  }
  absl::flat_hash_map<std::string, int64_t> symbols;
  if (type->shape) {
    if (type->shape->dims.size() != shape.dims.size()) {
      return absl::InvalidArgumentError(fmt::format("input shape: input '{}' has rank {}, not {}",
                                                    shape.name, type->shape->dims.size(),
                                                    shape.dims.size()));
    }
    for (size_t i = 0; i < shape.dims.size(); ++i) {
      const Dim& d = type->shape->dims[i];
      if (d.kind == Dim::Kind::kParam) symbols.emplace(d.param, shape.dims[i]);
    }
  }
  std::vector<Dim> dims;
  for (int64_t d : shape.dims) dims.push_back(Dim::Value(d));
  type->shape = Shape{std::move(dims), {}};
  if (!symbols.empty()) ForEachDeclaredType(graph, [&](Type& t) { ReplaceSymbols(t, symbols); });
  return absl::OkStatus();
}

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
