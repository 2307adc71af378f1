// onnxkit infer-shapes: write inferred types and shapes into a model (InferShapes: the
// inference engine, its findings reported with the "types" codes).
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "cli_common.h"
#include "onnxkit/check.h"

namespace onnxkit::cli {
namespace {

struct InferArgs {
  std::string input;
  std::string output;
};

int Run(const CLI::App& cmd, const InferArgs& args) {
  // The writing flags are convert's (external data, --in-place, --progress); their usage
  // errors come before the model is read.
  auto options = CliSaveOptions(cmd, args.output);
  if (!options.ok()) return UsageError("infer-shapes", options.status());
  OnnxSchemasInBackground schemas;
  auto model = LoadModel(args.input);
  if (!model.ok()) return Report("infer-shapes", model.status());
  Diagnostics diagnostics;
  InferStats stats = InferShapes(**model, diagnostics);
  bool color = isatty(STDERR_FILENO) != 0;
  for (const Diagnostic& d : diagnostics.items) {
    std::cerr << FormatDiagnostic(d, args.input, color) << "\n";
  }
  if (diagnostics.has_errors()) {
    std::cerr << fmt::format("onnxkit infer-shapes: {} error(s); nothing written\n",
                             diagnostics.Count(Severity::kError));
    return kExitModelProblem;
  }
  // An output that is an input (refused without --in-place) is an I/O error: exit 2.
  if (Status s = SaveFile(**model, args.output, *options); !s.ok()) {
    return Report("infer-shapes", s);
  }
  if (args.output != "-") {
    std::cerr << fmt::format("{} value(s) typed\n", stats.values_typed);
  }
  KeepUntilExit(std::move(*model));
  return kExitOk;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<InferArgs>();
  CLI::App* cmd = app.add_subcommand(
      "infer-shapes", "Infer types and shapes and write them into the model's value_info");
  cmd->add_option("model", args->input, "Input model ('-' for stdin)")->required();
  cmd->add_option("-o,--output", args->output, "Output model ('-' for stdout)")->required();
  AddSaveFlags(*cmd);
  AddLoadFlags(*cmd);
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
