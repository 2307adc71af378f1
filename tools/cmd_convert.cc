// onnxkit convert: load a model and save it again, moving tensor data between the model
// file and an external side file.
#include <fmt/format.h>

#include <filesystem>

#include "cli_common.h"

namespace onnxkit::cli {
namespace {

struct ConvertArgs {
  std::string input;
  std::string output;
  std::string external_file;
  bool external = false;
  bool inline_data = false;
  std::string threshold = "1KiB";
  std::string alignment = "4096";
  bool in_place = false;
};

// The save options the flags ask for; usage errors (exit 2) are found before the model is
// read. Whether an output would overwrite an input is SaveFile's to decide (it knows the
// model's external-data files too).
StatusOr<SaveOptions> OptionsFor(const ConvertArgs& args) {
  if (args.external && args.inline_data) {
    return absl::InvalidArgumentError("--external-data and --inline-data exclude each other");
  }
  if (args.external && args.output == "-") {
    return absl::InvalidArgumentError(
        "--external-data needs an output file (the side file goes next to it), not '-'");
  }
  SaveOptions options;
  options.in_place = args.in_place;
  if (args.inline_data) options.external_data = SaveOptions::ExternalData::kInline;
  if (!args.external) return options;
  options.external_data = SaveOptions::ExternalData::kExternal;
  options.external_file = args.external_file;
  ONNXKIT_ASSIGN_OR_RETURN(options.size_threshold, ParseSize(args.threshold));
  ONNXKIT_ASSIGN_OR_RETURN(options.alignment, ParseSize(args.alignment));
  if (options.alignment == 0) return absl::InvalidArgumentError("--align must be at least 1");
  namespace fs = std::filesystem;
  std::string side_name = args.external_file.empty()
                              ? fs::path(args.output).filename().string() + ".data"
                              : args.external_file;
  if ((fs::path(args.output).parent_path() / side_name).lexically_normal() ==
      fs::path(args.output).lexically_normal()) {
    return absl::InvalidArgumentError(fmt::format(
        "--external-data={} would be the output file itself; choose another name", side_name));
  }
  return options;
}

int Run(const ConvertArgs& args) {
  auto options = OptionsFor(args);
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
  return kExitOk;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand(
      "convert", "Save a model again, optionally moving tensor data to or from a side file");
  cmd->add_option("model", args->input, "Input model ('-' for stdin)")->required();
  cmd->add_option("-o,--output", args->output, "Output model ('-' for stdout)")->required();
  CLI::Option* external =
      cmd->add_option("--external-data", args->external_file,
                      "Put tensors of at least --size-threshold bytes into one side file "
                      "(default name: <output>.data)")
          ->expected(0, 1);
  cmd->add_flag("--inline-data", args->inline_data,
                "Bring every external tensor's data into the model file");
  cmd->add_option("--size-threshold", args->threshold,
                  "Smallest tensor moved to the side file (e.g. 1KiB, 4MiB)")
      ->capture_default_str();
  cmd->add_option("--align", args->alignment,
                  "Alignment of tensors in the side file, in bytes (e.g. 64, 4KiB)")
      ->capture_default_str();
  cmd->add_flag("--in-place", args->in_place,
                "Allow an output to overwrite a file the model is read from (the model or one "
                "of its external-data files)");
  AddLoadFlags(*cmd);
  cmd->callback([args, exit_code, external] {
    args->external = external->count() > 0;
    *exit_code = Run(*args);
  });
});

}  // namespace
}  // namespace onnxkit::cli
