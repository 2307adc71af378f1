// onnxkit info: a short summary of a model (op histogram, counts, sizes, inputs, outputs).
#include <iostream>

#include "cli_common.h"
#include "onnxkit/dump.h"

namespace onnxkit::cli {
namespace {

struct InfoArgs {
  std::string input;
  std::string format = "text";
};

int Run(const InfoArgs& args) {
  auto model = LoadModel(args.input);
  if (!model.ok()) return Report("info", model.status());
  ModelInfo info = GetModelInfo(**model);
  std::cout << (args.format == "json" ? InfoJson(info) : InfoText(info)) << std::flush;
  if (!std::cout) return Report("info", absl::UnavailableError("cannot write standard output"));
  KeepUntilExit(std::move(*model));
  return kExitOk;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "info", "Summarise a model: op histogram, node and parameter counts, weight sizes");
  cmd->add_option("model", args->input, "Model file ('-' for stdin)")->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  AddLoadFlags(*cmd);
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
});

}  // namespace
}  // namespace onnxkit::cli
