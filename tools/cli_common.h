// What every subcommand shares: loading its model argument, writing its output, and
// turning a Status into a message on stderr and an exit code.
//
// Exit codes: 0 fine, 1 the model has a problem, 2 usage or I/O error.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"

namespace onnxkit::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitModelProblem = 1;
inline constexpr int kExitUsage = 2;

// Exit code for a failed Status: I/O failures are 2, a model that cannot be read is 1.
int ExitCodeFor(const Status& status);
// Prints "onnxkit <command>: error: <message>" to stderr and returns the exit code for it.
int Report(std::string_view command, const Status& status);
// Prints "onnxkit <command>: error: <message>" (made safe to print) and returns kExitUsage.
int UsageError(std::string_view command, std::string_view message);
int UsageError(std::string_view command, const Status& status);

// Adds the options every command that loads a model shares (today --external-data-dir) to
// `cmd`. A process runs one command, so their values are kept for LoadModel and
// CliLoadOptions to read; a command adopts them with this one call.
void AddLoadFlags(CLI::App& cmd);
// LoadOptions with the values of those flags (for commands that set further options).
LoadOptions CliLoadOptions();
// Loads `path` ("-" = stdin) with CliLoadOptions().
StatusOr<std::unique_ptr<Model>> LoadModel(const std::string& path);
// Hands a command's model over to the end of the process. main() ends with _Exit (see
// main.cc), so a model kept here is never destroyed piece by piece: for thousands of nodes
// that teardown is a noticeable share of a short command, and the kernel reclaims the
// memory at once. A leak-checked build's exit() still destroys it.
void KeepUntilExit(std::unique_ptr<Model> model);

// Builds the ONNX op schema registry on a thread of its own while the command loads its
// model (PrepareOnnxSchemas); the destructor waits for it, so that the process never ends
// while the registry is half built.
class OnnxSchemasInBackground {
 public:
  OnnxSchemasInBackground();
  ~OnnxSchemasInBackground();
  OnnxSchemasInBackground(const OnnxSchemasInBackground&) = delete;
  OnnxSchemasInBackground& operator=(const OnnxSchemasInBackground&) = delete;

 private:
  std::thread thread_;
};

// Adds the options every command that writes a model shares to `cmd`: --external-data[=NAME],
// --inline-data, --size-threshold, --align and --in-place. Kept like the load flags' values.
void AddSaveFlags(CLI::App& cmd);
// SaveOptions with the values of those flags of `cmd` for writing `output` ("-" = stdout); an
// error
// (a usage error: exit 2) for combinations that cannot work, found before any model is read.
// Whether the output would overwrite an input is SaveFile's to decide.
StatusOr<SaveOptions> CliSaveOptions(const CLI::App& cmd, const std::string& output);

// Adds the options of the commands that draw a model (dump --format=dot, render): --context
// and --max-nodes (DumpOptions::context and ::max_nodes).
void AddPictureFlags(CLI::App& cmd, int* context, size_t* max_nodes);

// Adds --infer to the commands that show a model (dump, render): infer types and shapes first,
// so that intermediate values show theirs.
void AddInferFlag(CLI::App& cmd, bool* infer);
// Infers types and shapes into `model` (as infer-shapes does) for showing it. What inference
// finds wrong is printed to stderr as `check` prints it, followed by one summary line; the
// model is still shown, so the result is what was learnt.
void InferForDisplay(std::string_view command, Model& model, const std::string& input);

// Parses a byte count: digits with an optional unit (B, K/KiB, M/MiB, G/GiB). A sign, a
// fraction or anything else is an error, so "-1" never becomes 2^64 - 1.
StatusOr<uint64_t> ParseSize(const std::string& text);

// A subcommand: registers itself on `app` and sets `*exit_code` when it runs.
using Register = std::function<void(CLI::App& app, int* exit_code)>;
const std::vector<Register>& Commands();

// Adds a command to the table that main() reads; used once per cmd_*.cc file.
struct CommandRegistration {
  explicit CommandRegistration(Register r);
};

}  // namespace onnxkit::cli
