// What the subcommands that edit one model share (extract, add-output, remove-output, the
// edits of onnxkit/edit.h, convert-opset): the model argument, -o/--in-place and the save and
// load flags; then load, one library call, an atomic save, and the exit code for the call's
// error.
//
// Exit codes: a request that does not fit the model (an unknown name, a clash, a bad value,
// an output that cannot be computed from the given inputs: NotFound, InvalidArgument,
// AlreadyExists, OutOfRange) is a usage error, 2; anything else the library refuses (the
// model lacks what the request needs: FailedPrecondition) is a problem of the model, 1.
// Nothing is written on any error.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "cli_common.h"
#include "onnxkit/surgery.h"

namespace onnxkit::cli {

struct SurgeryArgs {
  std::string input;
  std::string output;
};

// Adds the model argument, -o/--output, the save flags (with --in-place) and the load flags.
void AddSurgeryArgs(CLI::App& cmd, SurgeryArgs& args);

// Loads args.input, runs `edit` on it and saves to args.output (args.input with --in-place
// and no -o). When the output is a file, a one-line summary of `edit`'s stats goes to stderr.
int RunSurgery(std::string_view command, const CLI::App& cmd, SurgeryArgs args,
               const std::function<StatusOr<SurgeryStats>(Model&)>& edit);

// As RunSurgery, for an edit that reports nothing but success.
int RunEdit(std::string_view command, const CLI::App& cmd, SurgeryArgs args,
            const std::function<Status(Model&)>& edit);

// The exit code for an error of an edit (see the top of this file).
int EditExitCode(const Status& status);

}  // namespace onnxkit::cli
