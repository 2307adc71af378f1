#include "cli_common.h"

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <vector>

#include "onnxkit/check.h"
#include "onnxkit/escape.h"
#include "onnxkit/version.h"
#include "terminal_progress.h"

namespace onnxkit::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:           // a file changed while it was read
    case absl::StatusCode::kResourceExhausted:  // e.g. too many open files
    case absl::StatusCode::kUnavailable: return kExitUsage;
    default: return kExitModelProblem;
  }
}

int Report(std::string_view command, const Status& status) {
  std::cerr << fmt::format("onnxkit {}: error: {}\n", command,
                           EscapeForDisplay(StatusMessage(status)));
  return ExitCodeFor(status);
}

int UsageError(std::string_view command, std::string_view message) {
  std::cerr << fmt::format("onnxkit {}: error: {}\n", command, EscapeForDisplay(message));
  return kExitUsage;
}

int UsageError(std::string_view command, const Status& status) {
  return UsageError(command, StatusMessage(status));
}

void AddInferFlag(CLI::App& cmd, bool* infer) {
  cmd.add_flag("--infer", *infer,
               "Infer types and shapes first, so intermediate values show theirs (as "
               "infer-shapes would write them; problems found go to stderr)");
}

void InferForDisplay(std::string_view command, Model& model, const std::string& input) {
  Diagnostics diagnostics;
  InferShapes(model, diagnostics);
  if (diagnostics.items.empty()) return;
  const bool color = isatty(STDERR_FILENO) != 0;
  for (const Diagnostic& d : diagnostics.items) {
    std::cerr << FormatDiagnostic(d, input == "-" ? "<stdin>" : input, color) << "\n";
  }
  std::cerr << fmt::format(
      "onnxkit {}: inference found {} problem(s); the types shown are those it could infer\n",
      command, diagnostics.items.size());
}

namespace {
std::string& ExternalDataDir() {
  static std::string dir;
  return dir;
}
}  // namespace

void AddLoadFlags(CLI::App& cmd) {
  cmd.add_option("--external-data-dir", ExternalDataDir(),
                 "Folder the model's external data is in (default: the model file's folder; "
                 "a model read from '-' has no external data without it)")
      ->check(CLI::ExistingDirectory);
}

LoadOptions CliLoadOptions() {
  LoadOptions options;
  options.base_dir = ExternalDataDir();
  return options;
}

StatusOr<std::unique_ptr<Model>> LoadModel(const std::string& path) {
  return LoadFile(path, CliLoadOptions());
}

void KeepUntilExit(std::unique_ptr<Model> model) {
  static std::vector<std::unique_ptr<Model>> kept;
  kept.push_back(std::move(model));
}

OnnxSchemasInBackground::OnnxSchemasInBackground() {
  try {
    thread_ = std::thread([] {
      try {
        PrepareOnnxSchemas();
      } catch (...) {
        // Out of memory, say: the command meets the same failure on first use, and reports it.
      }
    });
  } catch (const std::system_error&) {
    // No thread to spare: the registry is built on first use instead.
  }
}

OnnxSchemasInBackground::~OnnxSchemasInBackground() {
  if (thread_.joinable()) thread_.join();
}

namespace {
struct SaveFlags {
  std::string external_file;
  bool inline_data = false;
  std::string threshold = "1KiB";
  std::string alignment = "4096";
  bool in_place = false;
};
SaveFlags& CliSaveFlags() {
  static SaveFlags flags;
  return flags;
}
}  // namespace

void AddPictureFlags(CLI::App& cmd, int* context, size_t* max_nodes) {
  cmd.add_option("--context", *context,
                 "Pictures: with --node/--op, also draw the nodes this many edges away")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_option("--max-nodes", *max_nodes,
                 "Pictures: draw at most this many nodes (0: all); the title says what is left out")
      ->capture_default_str();
}

void AddSaveFlags(CLI::App& cmd) {
  SaveFlags& flags = CliSaveFlags();
  cmd.add_option("--external-data", flags.external_file,
                 "Put tensors of at least --size-threshold bytes into one side file (default "
                 "name: <output>.data)")
      ->expected(0, 1);
  cmd.add_flag("--inline-data", flags.inline_data,
               "Bring every external tensor's data into the model file");
  cmd.add_option("--size-threshold", flags.threshold,
                 "Smallest tensor moved to the side file (e.g. 1KiB, 4MiB)")
      ->capture_default_str();
  cmd.add_option("--align", flags.alignment,
                 "Alignment of tensors in the side file, in bytes (e.g. 64, 4KiB)")
      ->capture_default_str();
  cmd.add_flag("--in-place", flags.in_place,
               "Allow an output to overwrite a file the model is read from (the model or one "
               "of its external-data files)");
  AddProgressFlag(cmd);
}

StatusOr<SaveOptions> CliSaveOptions(const CLI::App& cmd, const std::string& output) {
  const SaveFlags& flags = CliSaveFlags();
  // Given with or without a name (the value alone cannot tell "--external-data" apart).
  bool external = cmd.count("--external-data") > 0;
  if (external && flags.inline_data) {
    return absl::InvalidArgumentError("--external-data and --inline-data exclude each other");
  }
  if (external && output == "-") {
    return absl::InvalidArgumentError(
        "--external-data needs an output file (the side file goes next to it), not '-'");
  }
  SaveOptions options;
  options.in_place = flags.in_place;
  options.progress = CliProgress();
  if (flags.inline_data) options.external_data = SaveOptions::ExternalData::kInline;
  if (!external) return options;
  options.external_data = SaveOptions::ExternalData::kExternal;
  options.external_file = flags.external_file;
  ONNXKIT_ASSIGN_OR_RETURN(options.size_threshold, ParseSize(flags.threshold));
  ONNXKIT_ASSIGN_OR_RETURN(options.alignment, ParseSize(flags.alignment));
  if (options.alignment == 0) return absl::InvalidArgumentError("--align must be at least 1");
  namespace fs = std::filesystem;
  std::string side_name = flags.external_file.empty()
                              ? fs::path(output).filename().string() + ".data"
                              : flags.external_file;
  if ((fs::path(output).parent_path() / side_name).lexically_normal() ==
      fs::path(output).lexically_normal()) {
    return absl::InvalidArgumentError(fmt::format(
        "--external-data={} would be the output file itself; choose another name", side_name));
  }
  return options;
}

StatusOr<uint64_t> ParseSize(const std::string& text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [unit_begin, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || text[0] == '-' || text[0] == '+' || unit_begin == text.data()) {
    return absl::InvalidArgumentError(
        fmt::format("'{}' is not a size (a count of bytes such as 4096, 1KiB, 16MiB)", text));
  }
  if (ec == std::errc::result_out_of_range) {
    return absl::InvalidArgumentError(fmt::format("'{}' is too large", text));
  }
  std::string_view unit(unit_begin, static_cast<size_t>(end - unit_begin));
  uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  if (unit == "K" || unit == "KiB") scale = uint64_t{1} << 10;
  if (unit == "M" || unit == "MiB") scale = uint64_t{1} << 20;
  if (unit == "G" || unit == "GiB") scale = uint64_t{1} << 30;
  if (scale == 0) {
    return absl::InvalidArgumentError(fmt::format("'{}': unknown size unit '{}'", text, unit));
  }
  if (value > UINT64_MAX / scale) {
    return absl::InvalidArgumentError(fmt::format("'{}' is too large", text));
  }
  return value * scale;
}

namespace {
std::vector<Register>& Table() {
  static std::vector<Register> table;
  return table;
}
}  // namespace

const std::vector<Register>& Commands() { return Table(); }

CommandRegistration::CommandRegistration(Register r) { Table().push_back(std::move(r)); }

}  // namespace onnxkit::cli
