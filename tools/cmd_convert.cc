// onnxkit convert: load a model and save it again, moving tensor data between the model
// file and an external side file.
#include <fmt/format.h>

#include "cli_common.h"

namespace onnxkit::cli {
namespace {

struct ConvertArgs {
  std::string input;
  std::string output;
};

int Run(const CLI::App& cmd, const ConvertArgs& args) {
  // Usage errors (exit 2) are found before the model is read.
  auto options = CliSaveOptions(cmd, args.output);
  if (!options.ok()) {
    Report("convert", options.status());
    return kExitUsage;
  }
  auto model = LoadModel(args.input);
  if (!model.ok()) return Report("convert", model.status());
  Status saved = SaveFile(**model, args.output, *options);
  // FailedPrecondition: the request cannot be done as asked (an output that is an input,
  // external references that would not reach their data from the output's folder): a usage
  // error.
  if (saved.code() == absl::StatusCode::kFailedPrecondition) {
    Report("convert", saved);
    return kExitUsage;
  }
  if (!saved.ok()) return Report("convert", saved);
  KeepUntilExit(std::move(*model));
  return kExitOk;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand(
      "convert", "Save a model again, optionally moving tensor data to or from a side file");
  cmd->add_option("model", args->input, "Input model ('-' for stdin)")->required();
  cmd->add_option("-o,--output", args->output, "Output model ('-' for stdout)")->required();
  AddSaveFlags(*cmd);
  AddLoadFlags(*cmd);
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
