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
  uint64_t alignment = 4096;
  bool in_place = false;
};

StatusOr<uint64_t> ParseSize(const std::string& text) {
  size_t pos = 0;
  uint64_t value = 0;
  try {
    value = std::stoull(text, &pos);
  } catch (...) {
    return absl::InvalidArgumentError(fmt::format("'{}' is not a size", text));
  }
  std::string unit = text.substr(pos);
  uint64_t scale = 1;
  if (unit == "" || unit == "B")
    scale = 1;
  else if (unit == "KiB" || unit == "K")
    scale = 1024;
  else if (unit == "MiB" || unit == "M")
    scale = uint64_t{1024} * 1024;
  else if (unit == "GiB" || unit == "G")
    scale = uint64_t{1024} * 1024 * 1024;
  else
    return absl::InvalidArgumentError(fmt::format("'{}': unknown size unit '{}'", text, unit));
  if (value > UINT64_MAX / scale) {
    return absl::InvalidArgumentError(fmt::format("'{}' is too large", text));
  }
  return value * scale;
}

// Usage errors (exit 2) are found before the model is read.
int Run(const ConvertArgs& args) {
  auto usage_error = [](const Status& status) {
    Report("convert", status);
    return kExitUsage;
  };
  if (args.external && args.inline_data) {
    return usage_error(
        absl::InvalidArgumentError("--external-data and --inline-data exclude each other"));
  }
  if (args.external && args.output == "-") {
    return usage_error(absl::InvalidArgumentError(
        "--external-data needs an output file (the side file goes next to it), not '-'"));
  }
  Status path_ok = CheckOutputPath(args.input, args.output, args.in_place);
  if (!path_ok.ok()) return usage_error(path_ok);
  SaveOptions options;
  if (args.inline_data) options.external_data = SaveOptions::ExternalData::kInline;
  if (args.external) {
    options.external_data = SaveOptions::ExternalData::kExternal;
    options.external_file = args.external_file;
    auto threshold = ParseSize(args.threshold);
    if (!threshold.ok()) return usage_error(threshold.status());
    options.size_threshold = *threshold;
    options.alignment = args.alignment;
    // The side file must not overwrite the input either.
    std::string side_name = args.external_file.empty()
                                ? std::filesystem::path(args.output).filename().string() + ".data"
                                : args.external_file;
    std::string side = (std::filesystem::path(args.output).parent_path() / side_name).string();
    if (std::filesystem::path(side).lexically_normal() ==
        std::filesystem::path(args.output).lexically_normal()) {
      return usage_error(absl::InvalidArgumentError(fmt::format(
          "--external-data={} would be the output file itself; choose another name", side_name)));
    }
    Status side_ok = CheckOutputPath(args.input, side, args.in_place);
    if (!side_ok.ok()) return usage_error(side_ok);
  }
  auto model = LoadModel(args.input);
  if (!model.ok()) return Report("convert", model.status());
  Status saved = SaveFile(**model, args.output, options);
  // FailedPrecondition: the request cannot be done as asked (e.g. external references that
  // would not reach their data from the output's folder): a usage error.
  if (saved.code() == absl::StatusCode::kFailedPrecondition) return usage_error(saved);
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
  cmd->add_option("--align", args->alignment, "Alignment of tensors in the side file")
      ->capture_default_str();
  cmd->add_flag("--in-place", args->in_place, "Allow the output to overwrite the input");
  cmd->callback([args, exit_code, external] {
    args->external = external->count() > 0;
    *exit_code = Run(*args);
  });
});

}  // namespace
}  // namespace onnxkit::cli
