// onnxkit rewrite: run a pipeline of passes over a model and save the result; report on
// stderr what changed (nodes per op type, file size, time per pass).
#include <fmt/format.h>

#include <iostream>
#include <optional>

#include "cli_common.h"
#include "onnxkit/escape.h"
#include "onnxkit/pass.h"
#include "onnxkit/simplify.h"
#include "pass_report.h"
#include "terminal_progress.h"

namespace onnxkit::cli {
namespace {

constexpr int kDefaultFixedPointRounds = 10;

struct RewriteArgs {
  std::string input;
  std::string output;
  std::string pipeline;
  std::string explain;
  int fixed_point_rounds = kDefaultFixedPointRounds;
  bool verify_each = false;
  bool stats = false;
  // Shorthands for the passes users ask for by name, appended to --pass in this order.
  bool inline_functions = false;
  std::string dynamic_scales;  // the new input's name; empty: not asked for
  bool s2d_to_conv = false;
  bool d2s_to_convtranspose = false;
  // Run the simplify pipeline (onnxkit/simplify.h) before the --pass steps.
  bool simplify = false;
};

constexpr char kDefaultScalesName[] = "scales";

// --pass, then the shorthand flags' steps: inlining first (dynamic-scales does not look into
// function bodies), then dynamic-scales, s2d-to-conv, d2s-to-convtranspose.
std::string PipelineText(const CLI::App& cmd, const RewriteArgs& args) {
  std::vector<std::string> steps;
  if (!args.pipeline.empty()) steps.push_back(args.pipeline);
  if (args.inline_functions) steps.emplace_back("inline-functions");
  if (cmd.count("--dynamic-scales") > 0) {
    steps.push_back(args.dynamic_scales == kDefaultScalesName
                        ? std::string("dynamic-scales")
                        : fmt::format("dynamic-scales{{name={}}}", args.dynamic_scales));
  }
  if (args.s2d_to_conv) steps.emplace_back("s2d-to-conv");
  if (args.d2s_to_convtranspose) steps.emplace_back("d2s-to-convtranspose");
  std::string text;
  for (const std::string& step : steps) text += (text.empty() ? "" : ",") + step;
  return text;
}

bool AnyShorthand(const CLI::App& cmd) {
  for (const char* flag :
       {"--inline", "--dynamic-scales", "--s2d-to-conv", "--d2s-to-convtranspose", "--simplify"}) {
    if (cmd.count(flag) > 0) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// The command.

int Explain(const PassRegistry& registry, const std::string& name) {
  const PassInfo* info = registry.Find(name);
  if (info == nullptr) {
    std::string closest = registry.ClosestName(name);
    return UsageError(
        "rewrite",
        fmt::format("unknown pass '{}'{}; `onnxkit passes` lists them", EscapeForDisplay(name),
                    closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest)));
  }
  std::cout << DescribePass(*info);
  return kExitOk;
}

int Run(const CLI::App& cmd, RewriteArgs args) {
  PassRegistry registry = PassRegistry::Builtins();
  const bool explain = cmd.count("--explain") > 0;
  if (explain && args.input.empty()) return Explain(registry, args.explain);
  if (explain && !registry.Find(args.explain)) return Explain(registry, args.explain);
  if (args.input.empty()) return UsageError("rewrite", "a model is required (or --explain PASS)");
  const bool pass_given = cmd.count("--pass") > 0 || AnyShorthand(cmd);
  if (!pass_given && !explain) {
    return UsageError("rewrite",
                      "--pass (or --simplify, --inline, --dynamic-scales, --s2d-to-conv, "
                      "--d2s-to-convtranspose) is required (`onnxkit passes` lists the passes)");
  }
  // `--explain PASS` alone runs that pass: asking why a pass left a model alone should not
  // need the pass named twice.
  args.pipeline = pass_given ? PipelineText(cmd, args) : args.explain;
  bool in_place = cmd.count("--in-place") > 0;
  // --explain with a model and no output is a dry run: the model is rewritten in memory
  // only, to say what the pass did and why it left candidates alone.
  const bool dry_run = explain && args.output.empty() && !in_place;
  if (args.output.empty() && !dry_run) {
    if (!in_place)
      return UsageError("rewrite", "--output is required (or --in-place to replace the input)");
    if (args.input == "-") return UsageError("rewrite", "--in-place needs a model file, not '-'");
    args.output = args.input;
  }
  int max_rounds = 1;
  if (cmd.count("--fixed-point") > 0) {
    if (args.fixed_point_rounds < 1)
      return UsageError("rewrite", "--fixed-point=N needs N of at least 1");
    max_rounds = args.fixed_point_rounds;
  }
  auto save_options = CliSaveOptions(cmd, dry_run ? std::string("-") : args.output);
  if (!save_options.ok()) return UsageError("rewrite", StatusMessage(save_options.status()));
  auto pipeline = Pipeline::Parse(args.pipeline);
  if (!pipeline.ok())
    return UsageError("rewrite", EscapeForDisplay(StatusMessage(pipeline.status())));
  PassManagerOptions manager_options;
  manager_options.max_rounds = max_rounds;
  manager_options.verify_each = args.verify_each;
  manager_options.explain = args.stats || explain;
  manager_options.progress = CliProgress();
  auto manager = PassManager::Make(registry, *pipeline, manager_options);
  if (!manager.ok()) {
    return UsageError("rewrite", EscapeForDisplay(StatusMessage(manager.status())) +
                                     "; `onnxkit passes` lists the passes and their options");
  }

  auto model = LoadModel(args.input);
  if (!model.ok()) return Report("rewrite", model.status());
  auto nodes_before = NodesPerOpType(**model);
  auto size_before = ModelSize(args.input, **model, /*serialized_is_the_file=*/true);
  std::vector<StepTotals> totals;
  // Cleared before anything below prints: the passes' progress line ends with them.
  std::optional<ProgressScope> progress(std::in_place, CliProgress());
  if (args.simplify) {
    SimplifyOptions simplify_options;
    simplify_options.verify_each = args.verify_each;
    simplify_options.explain = args.stats || explain;
    simplify_options.progress = CliProgress();
    auto simplified = Simplify(**model, simplify_options, registry);
    if (!simplified.ok()) {
      progress.reset();
      int code = Report("rewrite", simplified.status());
      std::cerr << "onnxkit rewrite: nothing written\n";
      return simplified.status().code() == absl::StatusCode::kInternal ? kExitModelProblem : code;
    }
    for (const auto& [stage, run] : simplified->stages) {
      for (StepTotals& t : TotalsPerStep(stage.pipeline, run)) totals.push_back(std::move(t));
    }
  }
  auto report = manager->Run(**model);
  progress.reset();
  if (!report.ok()) {
    // A pass refused the model, or broke it (Internal, which ExitCodeFor counts as I/O):
    // a problem with this model, and nothing is written.
    int code = Report("rewrite", report.status());
    std::cerr << "onnxkit rewrite: nothing written\n";
    return report.status().code() == absl::StatusCode::kInternal ? kExitModelProblem : code;
  }
  for (StepTotals& t : TotalsPerStep(*pipeline, *report)) totals.push_back(std::move(t));
  if (explain) std::cerr << ExplainText(args.explain, totals);
  if (dry_run) return kExitOk;
  Status saved = SaveFile(**model, args.output, *save_options);
  if (saved.code() == absl::StatusCode::kFailedPrecondition) {
    Report("rewrite", saved);
    return kExitUsage;
  }
  if (!saved.ok()) return Report("rewrite", saved);

  // SaveBytes keeps external references as they are, like a save without data flags.
  bool serialized_is_the_file = save_options->external_data == SaveOptions::ExternalData::kKeep;
  auto size_after = ModelSize(args.output, **model, serialized_is_the_file);
  std::cerr << fmt::format(
                   "onnxkit rewrite: {}{}: {}\n", args.simplify ? "simplify, then " : "",
                   pipeline->steps.empty() ? "empty pipeline" : EscapeForDisplay(pipeline->Print()),
                   RoundsText(*report, max_rounds))
            << OpTypeTable(nodes_before, NodesPerOpType(**model), size_before, size_after);
  if (!totals.empty()) std::cerr << PassTable(totals);
  if (args.stats && !totals.empty()) std::cerr << "statistics:\n" << StatsText(totals);
  KeepUntilExit(std::move(*model));
  return kExitOk;
}

std::string PassNames() {
  std::string names;
  // A named registry: a range-for over a temporary's span would outlive the registry.
  const PassRegistry registry = PassRegistry::Builtins();
  for (const PassInfo& info : registry.passes()) {
    names += fmt::format("{}{}", names.empty() ? "" : ", ", info.name);
  }
  return names.empty() ? "none built in yet" : names;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RewriteArgs>();
  CLI::App* cmd = app.add_subcommand("rewrite", "Run a pipeline of passes over a model");
  cmd->add_option("model", args->input, "Input model ('-' for stdin)");
  cmd->add_option("-o,--output", args->output,
                  "Output model ('-' for stdout); with --in-place it defaults to the input");
  cmd->add_option("--pass", args->pipeline,
                  "The pipeline: pass names separated by ',', options in braces, e.g. "
                  "'a,b{key=value},c'");
  cmd->add_flag("--fixed-point{" + std::to_string(kDefaultFixedPointRounds) + "}",
                args->fixed_point_rounds,
                fmt::format("Repeat the pipeline until it changes nothing, at most N rounds "
                            "(--fixed-point=N; default {})",
                            kDefaultFixedPointRounds));
  cmd->add_flag("--verify-each", args->verify_each,
                "After each pass, verify the IR and check the model; name the pass that broke "
                "it");
  cmd->add_flag("--stats", args->stats,
                "Also print each pass's counters and the candidates it skipped, with why");
  cmd->add_option("--explain", args->explain,
                  "Without a model: describe pass PASS (summary, options) and exit. With one: "
                  "after the run, say what PASS did and why it left each candidate alone "
                  "(without -o nothing is written)");
  cmd->add_flag("--simplify", args->simplify,
                "Run the simplify pipeline (as `onnxkit simplify` with its defaults) before the "
                "--pass steps");
  cmd->add_flag("--inline", args->inline_functions,
                "Shorthand: append inline-functions to the pipeline");
  cmd->add_flag(fmt::format("--dynamic-scales{{{}}}", kDefaultScalesName), args->dynamic_scales,
                "Shorthand: append dynamic-scales (--dynamic-scales=NAME names the new input)");
  cmd->add_flag("--s2d-to-conv", args->s2d_to_conv, "Shorthand: append s2d-to-conv");
  cmd->add_flag("--d2s-to-convtranspose", args->d2s_to_convtranspose,
                "Shorthand: append d2s-to-convtranspose");
  AddSaveFlags(*cmd);
  AddLoadFlags(*cmd);
  cmd->footer("Passes: " + PassNames() + ". `onnxkit passes` describes them.");
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
