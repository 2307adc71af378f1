// onnxkit simplify: run the simplify pipeline (onnxkit/simplify.h) over a model and save
// the result; report on stderr the nodes per op type before and after and each pass's runs.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "cli_common.h"
#include "onnxkit/escape.h"
#include "onnxkit/simplify.h"
#include "pass_report.h"
#include "terminal_progress.h"

namespace onnxkit::cli {
namespace {

struct SimplifyArgs {
  std::string input;
  std::string output;
  std::vector<std::string> input_shapes;
  std::vector<std::string> skip;
  std::string max_size;
  bool no_subgraphs = false;
  int max_rounds = 10;
  bool verify_each = false;
  bool stats = false;
  std::string explain;
};

// The options as the library takes them, or the usage error's message.
StatusOr<SimplifyOptions> OptionsOf(const CLI::App& cmd, const SimplifyArgs& args) {
  SimplifyOptions options;
  for (const std::string& text : args.input_shapes) {
    ONNXKIT_ASSIGN_OR_RETURN(InputShape shape, ParseInputShape(text));
    options.input_shapes.push_back(std::move(shape));
  }
  options.skip = args.skip;
  if (cmd.count("--max-size") > 0) {
    auto size = ParseSize(args.max_size);
    if (!size.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("--max-size: {}", StatusMessage(size.status())));
    }
    options.max_size = *size;
  }
  options.subgraphs = !args.no_subgraphs;
  if (args.max_rounds < 1) return absl::InvalidArgumentError("--max-rounds needs at least 1");
  options.max_rounds = args.max_rounds;
  options.verify_each = args.verify_each;
  options.explain = args.stats || cmd.count("--explain") > 0;
  // Checked now, before the model is read: a misspelt --skip is a usage error.
  ONNXKIT_RETURN_IF_ERROR(SimplifyStages(options).status());
  return options;
}

int Run(const CLI::App& cmd, SimplifyArgs args) {
  if (args.output.empty()) {
    if (cmd.count("--in-place") == 0) {
      return UsageError("simplify", "--output is required (or --in-place to replace the input)");
    }
    if (args.input == "-") return UsageError("simplify", "--in-place needs a model file, not '-'");
    args.output = args.input;
  }
  auto options = OptionsOf(cmd, args);
  if (!options.ok())
    return UsageError("simplify", EscapeForDisplay(StatusMessage(options.status())));
  auto save_options = CliSaveOptions(cmd, args.output);
  if (!save_options.ok()) return UsageError("simplify", StatusMessage(save_options.status()));

  const auto start = std::chrono::steady_clock::now();
  OnnxSchemasInBackground schemas;
  auto model = LoadModel(args.input);
  if (!model.ok()) return Report("simplify", model.status());
  auto nodes_before = NodesPerOpType(**model);
  auto size_before = ModelSize(args.input, **model, /*serialized_is_the_file=*/true);
  options->progress = CliProgress();
  auto report = [&] {
    ProgressScope progress(options->progress);
    return Simplify(**model, *options);
  }();
  if (!report.ok()) {
    int code = Report("simplify", report.status());
    std::cerr << "onnxkit simplify: nothing written\n";
    // A bad --overwrite-input-shape is the caller's; a pass that broke the model is ours.
    if (report.status().code() == absl::StatusCode::kInternal) return kExitModelProblem;
    return report.status().code() == absl::StatusCode::kInvalidArgument ? kExitUsage : code;
  }
  std::vector<StepTotals> totals;
  const PipelineReport* rounds = nullptr;
  int max_rounds = 1;
  for (const auto& [stage, run] : report->stages) {
    for (StepTotals& t : TotalsPerStep(stage.pipeline, run)) totals.push_back(std::move(t));
    if (stage.max_rounds > 1) {
      rounds = &run;
      max_rounds = stage.max_rounds;
    }
  }
  if (cmd.count("--explain") > 0) std::cerr << ExplainText(args.explain, totals);
  Status saved = SaveFile(**model, args.output, *save_options);
  if (saved.code() == absl::StatusCode::kFailedPrecondition) {
    Report("simplify", saved);
    return kExitUsage;
  }
  if (!saved.ok()) return Report("simplify", saved);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  bool serialized_is_the_file = save_options->external_data == SaveOptions::ExternalData::kKeep;
  auto size_after = ModelSize(args.output, **model, serialized_is_the_file);
  std::cerr << fmt::format("onnxkit simplify: {} in {} (load, simplify, save)\n",
                           rounds ? RoundsText(*rounds, max_rounds) : "done", Seconds(seconds))
            << OpTypeTable(nodes_before, NodesPerOpType(**model), size_before, size_after)
            << PassTable(totals);
  if (args.stats) std::cerr << "statistics:\n" << StatsText(totals);
  KeepUntilExit(std::move(*model));
  return kExitOk;
}

std::string RoundPassNames() {
  std::string names;
  for (std::string_view name : SimplifyRoundPasses()) {
    names += fmt::format("{}{}", names.empty() ? "" : ", ", name);
  }
  return names;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SimplifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "simplify",
      "Fold constants and shape arithmetic, remove and fuse what is redundant (the simplify "
      "pipeline)");
  cmd->add_option("model", args->input, "Input model ('-' for stdin)")->required();
  cmd->add_option("-o,--output", args->output,
                  "Output model ('-' for stdout); with --in-place it defaults to the input");
  cmd->add_option("--overwrite-input-shape", args->input_shapes,
                  "Pin an input's dims before simplifying: NAME:D,D,… (e.g. "
                  "input:1,3,224,224; an identifier is a symbolic dim, '?' unknown); repeat "
                  "for several inputs")
      ->take_all();
  cmd->add_option("--skip", args->skip, "Leave these passes out of the pipeline: PASS,PASS,…")
      ->delimiter(',');
  cmd->add_option("--max-size", args->max_size,
                  "The largest output fold-constants computes, in bytes (4096, 64KiB, 1MiB; "
                  "default 1MiB): larger ones stay nodes");
  cmd->add_flag("--no-subgraphs", args->no_subgraphs,
                "Do not fold inside If, Loop and Scan bodies (an If on a constant condition "
                "still becomes its branch)");
  cmd->add_option("--max-rounds", args->max_rounds,
                  "Repeat the rounds until nothing changes, at most this many times")
      ->capture_default_str();
  cmd->add_flag("--verify-each", args->verify_each,
                "After each pass, verify the IR and check the model; name the pass that broke "
                "it");
  cmd->add_flag("--stats", args->stats,
                "Also print each pass's counters and the candidates it skipped, with why");
  cmd->add_option("--explain", args->explain,
                  "After the run, say what PASS did and why it left each candidate alone");
  AddSaveFlags(*cmd);
  AddLoadFlags(*cmd);
  cmd->footer("Pipeline: inline-functions; then, to a fixed point: " + RoundPassNames() +
              "; then topological-sort.");
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
