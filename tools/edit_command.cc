#include "edit_command.h"

#include <fmt/format.h>

#include <iostream>

#include "onnxkit/escape.h"

namespace onnxkit::cli {

void AddEditArgs(CLI::App& cmd, EditArgs& args) {
  cmd.add_option("model", args.input, "Input model ('-' for stdin)")->required();
  cmd.add_option("-o,--output", args.output,
                 "Output model ('-' for stdout); with --in-place it defaults to the input");
  AddSaveFlags(cmd);
  AddLoadFlags(cmd);
}

int EditExitCode(const Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kFailedPrecondition: return kExitModelProblem;
    default: return kExitUsage;
  }
}

int UsageError(std::string_view command, const Status& status) {
  std::cerr << fmt::format("onnxkit {}: error: {}\n", command,
                           EscapeForDisplay(StatusMessage(status)));
  return kExitUsage;
}

int RunEdit(std::string_view command, const CLI::App& cmd, EditArgs args,
            const std::function<Status(Model&)>& edit) {
  if (args.output.empty()) {
    if (cmd.count("--in-place") == 0) {
      return UsageError(command, absl::InvalidArgumentError(
                                     "--output is required (or --in-place to replace the input)"));
    }
    if (args.input == "-") {
      return UsageError(command,
                        absl::InvalidArgumentError("--in-place needs a model file, not '-'"));
    }
    args.output = args.input;
  }
  auto save_options = CliSaveOptions(cmd, args.output);
  if (!save_options.ok()) return UsageError(command, save_options.status());
  auto model = LoadModel(args.input);
  if (!model.ok()) return Report(command, model.status());
  Status edited = edit(**model);
  if (!edited.ok()) {
    const std::string file = args.input == "-" ? "<stdin>" : args.input;
    std::cerr << fmt::format("onnxkit {}: error: {}: {}\n", command, EscapeForDisplay(file),
                             EscapeForDisplay(StatusMessage(edited)));
    return EditExitCode(edited);
  }
  Status saved = SaveFile(**model, args.output, *save_options);
  if (saved.code() == absl::StatusCode::kFailedPrecondition) {
    Report(command, saved);
    return kExitUsage;
  }
  if (!saved.ok()) return Report(command, saved);
  return kExitOk;
}

}  // namespace onnxkit::cli
