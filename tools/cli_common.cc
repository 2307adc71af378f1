#include "cli_common.h"

#include <fmt/format.h>

#include <charconv>
#include <iostream>

#include "onnxkit/escape.h"

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
