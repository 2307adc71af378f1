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
  bool in_place = false;
};

int Run(const InferArgs& args) {
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
  SaveOptions options;
  options.in_place = args.in_place;
  // An output that is an input (refused without --in-place) is an I/O error: exit 2.
  if (Status s = SaveFile(**model, args.output, options); !s.ok()) {
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
  cmd->add_flag("--in-place", args->in_place,
                "Allow the output to overwrite a file the model is read from (the model or one "
                "of its external-data files)");
  AddLoadFlags(*cmd);
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
});

}  // namespace
}  // namespace onnxkit::cli
