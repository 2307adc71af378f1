#include "cli_common.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

namespace onnxkit::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnavailable: return kExitUsage;
    default: return kExitModelProblem;
  }
}

int Report(std::string_view command, const Status& status) {
  std::cerr << fmt::format("onnxkit {}: error: {}\n", command, StatusMessage(status));
  return ExitCodeFor(status);
}

StatusOr<std::unique_ptr<Model>> LoadModel(const std::string& path) { return LoadFile(path); }

Status CheckOutputPath(const std::string& input, const std::string& output, bool in_place) {
  namespace fs = std::filesystem;
  if (output == "-" || input == "-" || in_place) return absl::OkStatus();
  std::error_code ec;
  if (fs::exists(output, ec) && fs::equivalent(input, output, ec)) {
    return absl::FailedPreconditionError(
        fmt::format("output '{}' is the input file; pass --in-place to overwrite it", output));
  }
  return absl::OkStatus();
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
