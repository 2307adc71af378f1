// PassManager: resolves a pipeline against a registry, then runs it (once, or round after
// round to a fixed point), timing each pass and, when asked, proving after each one that the
// model is still as sound as it was before the pipeline started.
#include <fmt/format.h>

#include <chrono>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/pass.h"

namespace onnxkit {
namespace {

// What is wrong with a model, in a form that survives passes which move nodes about:
// Graph::Verify()'s first violation per graph (keyed by the graph's name), and the checker's
// errors counted by (code, message) (their locations hold node indices, which a pass that
// removes a node shifts).
struct Soundness {
  std::map<std::string, std::string> verify_failures;
  absl::flat_hash_map<std::string, int> check_errors;
  std::vector<Diagnostic> errors;  // in the checker's order
};

std::string ErrorKey(const Diagnostic& d) { return d.code + '\n' + d.message; }

void VerifyGraph(const std::string& name, const Graph* graph, Soundness& soundness) {
  if (graph == nullptr) return;
  // Verify recurses into sub-graphs itself.
  if (Status s = graph->Verify(); !s.ok()) {
    soundness.verify_failures[name] = std::string(StatusMessage(s));
  }
}

Soundness Assess(const Model& model) {
  Soundness soundness;
  VerifyGraph("main", model.graph.get(), soundness);
  for (const auto& function : model.functions) {
    VerifyGraph(fmt::format("fn:{}", function->name), function->body.get(), soundness);
  }
  for (size_t i = 0; i < model.training_info.size(); ++i) {
    VerifyGraph(fmt::format("training[{}].initialization", i),
                model.training_info[i].initialization.get(), soundness);
    VerifyGraph(fmt::format("training[{}].algorithm", i), model.training_info[i].algorithm.get(),
                soundness);
  }
  for (Diagnostic& d : Check(model).items) {
    if (d.severity != Severity::kError) continue;
    ++soundness.check_errors[ErrorKey(d)];
    soundness.errors.push_back(std::move(d));
  }
  return soundness;
}

// The first problem `after` has that `before` did not, or "" if none. A graph that already
// failed Verify before the pipeline is not judged again (its first violation may move).
std::string FirstNewProblem(const Soundness& before, const Soundness& after) {
  for (const auto& [graph, message] : after.verify_failures) {
    if (!before.verify_failures.contains(graph)) {
      return fmt::format("graph '{}' fails Graph::Verify(): {}", graph, message);
    }
  }
  absl::flat_hash_map<std::string, int> seen;
  for (const Diagnostic& d : after.errors) {
    std::string key = ErrorKey(d);
    auto it = before.check_errors.find(key);
    int known = it == before.check_errors.end() ? 0 : it->second;
    if (++seen[key] > known) {
      std::string op = d.location.op_type.empty() ? "" : fmt::format(" ({})", d.location.op_type);
      return fmt::format("error[{}]: {}{}: {}", d.code, d.location.Path(), op, d.message);
    }
  }
  return "";
}

}  // namespace

StatusOr<PassManager> PassManager::Make(const PassRegistry& registry, const Pipeline& pipeline,
                                        PassManagerOptions options) {
  if (options.max_rounds < 1) {
    return absl::InvalidArgumentError(
        fmt::format("max_rounds must be at least 1, not {}", options.max_rounds));
  }
  PassManager manager;
  manager.options_ = options;
  for (const PipelineStep& step : pipeline.steps) {
    const PassInfo* info = registry.Find(step.pass);
    if (info == nullptr) {
      std::string closest = registry.ClosestName(step.pass);
      return absl::InvalidArgumentError(
          fmt::format("unknown pass '{}'{}", step.pass,
                      closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest)));
    }
    auto pass_options = PassOptions::Make(info->options, step.options);
    if (!pass_options.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("pass '{}': {}", step.pass, StatusMessage(pass_options.status())));
    }
    auto pass = info->create(*pass_options);
    if (!pass.ok()) {
      return Status(pass.status().code(),
                    fmt::format("pass '{}': {}", step.Print(), StatusMessage(pass.status())));
    }
    if (*pass == nullptr) {
      return absl::InternalError(fmt::format("pass '{}': create made no pass", step.pass));
    }
    manager.steps_.push_back({step.Print(), std::shared_ptr<Pass>(std::move(*pass))});
  }
  return manager;
}

StatusOr<PipelineReport> PassManager::Run(Model& model) const {
  PipelineReport report;
  std::optional<Soundness> before;
  if (options_.verify_each) before = Assess(model);
  PassContext context;
  context.explain = options_.explain;
  // Steps that ran in a row without changing the model. Once every step has, the model is a
  // fixed point: each would see again the very model it left unchanged. That can happen in
  // the middle of a round, and the rest of the round would only repeat those runs.
  size_t unchanged_in_a_row = 0;
  for (int round = 0; round < options_.max_rounds; ++round) {
    bool round_changed = false;
    for (const Step& step : steps_) {
      if (unchanged_in_a_row == steps_.size()) break;
      if (options_.progress) {
        options_.progress->Begin(options_.max_rounds > 1
                                     ? fmt::format("{} (round {})", step.printed, round + 1)
                                     : step.printed,
                                 Progress::Unit::kSteps, 0);
      }
      auto start = std::chrono::steady_clock::now();
      StatusOr<PassResult> result = step.pass->Run(model, context);
      std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      if (!result.ok()) {
        return Status(result.status().code(),
                      fmt::format("pass '{}' (round {}) failed: {}", step.printed, round + 1,
                                  StatusMessage(result.status())));
      }
      round_changed |= result->changed;
      unchanged_in_a_row = result->changed ? 0 : unchanged_in_a_row + 1;
      report.runs.push_back({step.printed, round, std::move(*result), elapsed.count()});
      if (!before) continue;
      std::string problem = FirstNewProblem(*before, Assess(model));
      if (!problem.empty()) {
        // The pass broke an invariant or made the model invalid: a bug in the pass.
        return absl::InternalError(fmt::format("pass '{}' (round {}) broke the model: {}",
                                               step.printed, round + 1, problem));
      }
    }
    report.rounds = round + 1;
    report.changed |= round_changed;
    if (!round_changed || unchanged_in_a_row == steps_.size()) {
      report.reached_fixed_point = true;
      break;
    }
  }
  return report;
}

}  // namespace onnxkit
