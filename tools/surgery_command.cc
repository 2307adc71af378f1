#include "surgery_command.h"

#include <fmt/format.h>

#include <iostream>

#include "onnxkit/escape.h"

namespace onnxkit::cli {
namespace {

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

// Load, `edit` (which returns the summary line to print, or nothing), save.
int RunOnModel(std::string_view command, const CLI::App& cmd, SurgeryArgs args,
               const std::function<StatusOr<std::string>(Model&)>& edit) {
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
  auto summary = edit(**model);
  if (!summary.ok()) {
    std::cerr << fmt::format("onnxkit {}: error: {}: {}\n", command,
                             EscapeForDisplay(args.input == "-" ? "<stdin>" : args.input),
                             EscapeForDisplay(StatusMessage(summary.status())));
    std::cerr << fmt::format("onnxkit {}: nothing written\n", command);
    return EditExitCode(summary.status());
  }
  Status saved = SaveFile(**model, args.output, *options);
  // As convert: a save that cannot be done as asked (an output that is an input) is a usage
  // error.
  if (saved.code() == absl::StatusCode::kFailedPrecondition) {
    Report(command, saved);
    return kExitUsage;
  }
  if (!saved.ok()) return Report(command, saved);
  if (args.output != "-" && !summary->empty()) {
    std::cerr << fmt::format("onnxkit {}: {}\n", command, *summary);
  }
  return kExitOk;
}

}  // namespace

int EditExitCode(const Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange: return kExitUsage;
    default: return kExitModelProblem;
  }
}

void AddSurgeryArgs(CLI::App& cmd, SurgeryArgs& args) {
  cmd.add_option("model", args.input, "Input model ('-' for stdin)")->required();
  cmd.add_option("-o,--output", args.output,
                 "Output model ('-' for stdout); with --in-place it defaults to the input");
  AddSaveFlags(cmd);
  AddLoadFlags(cmd);
}

int RunSurgery(std::string_view command, const CLI::App& cmd, SurgeryArgs args,
               const std::function<StatusOr<SurgeryStats>(Model&)>& edit) {
  return RunOnModel(command, cmd, std::move(args), [&](Model& m) -> StatusOr<std::string> {
    ONNXKIT_ASSIGN_OR_RETURN(SurgeryStats stats, edit(m));
    return Summary(stats);
  });
}

int RunEdit(std::string_view command, const CLI::App& cmd, SurgeryArgs args,
            const std::function<Status(Model&)>& edit) {
  return RunOnModel(command, cmd, std::move(args), [&](Model& m) -> StatusOr<std::string> {
    ONNXKIT_RETURN_IF_ERROR(edit(m));
    return std::string();
  });
}

}  // namespace onnxkit::cli
