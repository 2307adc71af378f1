#include "surgery_command.h"

#include <fmt/format.h>

#include <iostream>

#include "onnxkit/escape.h"

namespace onnxkit::cli {
namespace {

int UsageError(std::string_view command, std::string_view message) {
  std::cerr << fmt::format("onnxkit {}: error: {}\n", command, message);
  return kExitUsage;
}

int EditExitCode(const Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kInvalidArgument: return kExitUsage;
    default: return kExitModelProblem;
  }
}

std::string Summary(const SurgeryStats& stats) {
  std::string text =
      fmt::format("{} node(s), {} initializer(s), {} function(s) removed", stats.nodes_removed,
                  stats.initializers_removed, stats.functions_removed);
  if (!stats.typed_by_inference.empty()) {
    std::string names;
    for (const std::string& n : stats.typed_by_inference) {
      names += fmt::format("{}{}", names.empty() ? "" : ", ", EscapeForDisplay(n));
    }
    text += fmt::format("; typed by inference: {}", names);
  }
  return text;
}

}  // namespace

void AddSurgeryArgs(CLI::App& cmd, SurgeryArgs& args) {
  cmd.add_option("model", args.input, "Input model ('-' for stdin)")->required();
  cmd.add_option("-o,--output", args.output,
                 "Output model ('-' for stdout); with --in-place it defaults to the input");
  AddSaveFlags(cmd);
  AddLoadFlags(cmd);
}

int RunSurgery(std::string_view command, const CLI::App& cmd, SurgeryArgs args,
               const std::function<StatusOr<SurgeryStats>(Model&)>& edit) {
  if (args.output.empty()) {
    if (cmd.count("--in-place") == 0) {
      return UsageError(command, "--output is required (or --in-place to replace the input)");
    }
    if (args.input == "-") return UsageError(command, "--in-place needs a model file, not '-'");
    args.output = args.input;
  }
  auto options = CliSaveOptions(cmd, args.output);
  if (!options.ok()) return UsageError(command, StatusMessage(options.status()));
  auto model = LoadModel(args.input);
  if (!model.ok()) return Report(command, model.status());
  auto stats = edit(**model);
  if (!stats.ok()) {
    std::cerr << fmt::format("onnxkit {}: error: {}: {}\n", command,
                             EscapeForDisplay(args.input == "-" ? "<stdin>" : args.input),
                             EscapeForDisplay(StatusMessage(stats.status())));
    std::cerr << fmt::format("onnxkit {}: nothing written\n", command);
    return EditExitCode(stats.status());
  }
  Status saved = SaveFile(**model, args.output, *options);
  // As convert: a save that cannot be done as asked (an output that is an input) is a usage
  // error.
  if (saved.code() == absl::StatusCode::kFailedPrecondition) {
    Report(command, saved);
    return kExitUsage;
  }
  if (!saved.ok()) return Report(command, saved);
  if (args.output != "-") std::cerr << fmt::format("onnxkit {}: {}\n", command, Summary(*stats));
  return kExitOk;
}

}  // namespace onnxkit::cli
