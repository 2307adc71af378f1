// What the graph-surgery subcommands (extract, add-output, remove-output) share: the model
// argument, -o/--in-place and the save and load flags; then load, one library call, an atomic
// save, and the exit code for the call's error.
//
// Exit codes: a request that does not fit the model (an unknown tensor, an output that
// cannot be computed from the given inputs: NotFound, InvalidArgument) is a usage error, 2;
// a model that lacks what the request needs (FailedPrecondition: a type nothing declares or
// infers) is a problem of the model, 1. Nothing is written on any error.
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

}  // namespace onnxkit::cli
