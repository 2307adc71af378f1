// What the edit subcommands (set-shape, rename, set-attr, remove-node, replace-initializer,
// strip) share: `MODEL -o OUT` (or --in-place), load, one edit of onnxkit/edit.h, save.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cli_common.h"
#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit::cli {

struct EditArgs {
  std::string input;
  std::string output;
};

// Adds the model argument, -o/--output and the load and save flags to `cmd`.
void AddEditArgs(CLI::App& cmd, EditArgs& args);

// Exit code for a failed edit: a request that names what is not there or cannot be
// (unknown names, clashes, bad values) is a usage error (2); an edit the model does not
// allow (FailedPrecondition) is a model problem (1).
int EditExitCode(const Status& status);

// Checks the flags, loads args.input, runs `edit` on the model and saves it to args.output
// (the input with --in-place and no -o). Nothing is written when anything fails; errors go to
// stderr as "onnxkit <command>: error: …" naming the input file.
int RunEdit(std::string_view command, const CLI::App& cmd, EditArgs args,
            const std::function<Status(Model&)>& edit);

// Prints "onnxkit <command>: error: <message>" and returns kExitUsage.
int UsageError(std::string_view command, const Status& status);

}  // namespace onnxkit::cli
