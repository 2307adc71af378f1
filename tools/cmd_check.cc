// onnxkit check: every problem in one or more models, compiler-style on stderr or as JSON.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/strings/str_split.h"
#include "cli_common.h"
#include "onnxkit/check.h"

namespace onnxkit::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string rules;
  bool werror = false;
  bool timings = false;
  unsigned jobs = 1;
};

// The outcome of checking one file, rendered in the order files were given.
struct FileResult {
  int exit_code = kExitOk;
  double load_ms = 0;
  double check_ms = 0;
  std::string text;  // diagnostics (text) or a JSON array
  Diagnostics diagnostics;
};

bool UseColor() { return isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr; }

// A file that cannot be loaded is one diagnostic, so that it shows in the same stream.
Diagnostic LoadFailure(const Status& status, const std::string& path) {
  Diagnostic d;
  d.code = ExitCodeFor(status) == kExitUsage ? "io.read" : "load.format";
  std::string_view message = StatusMessage(status);
  // The rendering names the file already.
  if (message.starts_with(path + ": ")) message.remove_prefix(path.size() + 2);
  d.message = std::string(message);
  return d;
}

FileResult CheckOne(const std::string& path, const CheckOptions& options, bool json) {
  FileResult result;
  LoadOptions load;
  load.check_external_data = false;  // the external-data rules report every reference
  using Clock = std::chrono::steady_clock;
  auto ms_since = [](Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  };
  auto start = Clock::now();
  auto model = LoadFile(path, load);
  result.load_ms = ms_since(start);
  if (!model.ok()) {
    result.diagnostics.items.push_back(LoadFailure(model.status(), path));
    result.exit_code = ExitCodeFor(model.status());
  } else {
    start = Clock::now();
    result.diagnostics = Check(**model, options);
    result.check_ms = ms_since(start);
    result.exit_code = result.diagnostics.has_errors() ? kExitModelProblem : kExitOk;
  }
  if (json) {
    result.text = DiagnosticsToJson(result.diagnostics, path);
  } else {
    for (const Diagnostic& d : result.diagnostics.items) {
      result.text += FormatDiagnostic(d, path, UseColor()) + "\n";
    }
  }
  return result;
}

Status ParseRules(const std::string& text, std::vector<std::string>* out) {
  if (text.empty()) return absl::OkStatus();
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::string rule(part.data(), part.size());
    const auto& groups = RuleGroups();
    if (std::find(groups.begin(), groups.end(), rule) == groups.end()) {
      std::string known;
      for (const auto& g : groups) known += (known.empty() ? "" : ", ") + g;
      return absl::InvalidArgumentError(
          fmt::format("unknown rule group '{}' (known: {})", rule, known));
    }
    out->push_back(rule);
  }
  return absl::OkStatus();
}

std::vector<FileResult> CheckAll(const CheckArgs& args, const CheckOptions& options) {
  std::vector<FileResult> results(args.inputs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < args.inputs.size(); i = next++) {
      results[i] = CheckOne(args.inputs[i], options, args.format == "json");
    }
  };
  unsigned jobs = std::max(1u, std::min<unsigned>(args.jobs, args.inputs.size()));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  return results;
}

int Run(const CheckArgs& args) {
  CheckOptions options;
  options.warnings_as_errors = args.werror;
  if (Status s = ParseRules(args.rules, &options.rules); !s.ok()) {
    Report("check", s);
    return kExitUsage;
  }
  std::vector<FileResult> results = CheckAll(args, options);
  int exit_code = kExitOk;
  size_t errors = 0, warnings = 0;
  for (const FileResult& r : results) {
    exit_code = std::max(exit_code, r.exit_code);
    errors += r.diagnostics.Count(Severity::kError);
    warnings += r.diagnostics.Count(Severity::kWarning);
  }
  if (args.format == "json") {
    // One array of all files' diagnostics; each names its file.
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const FileResult& r : results) {
      for (auto& item : nlohmann::ordered_json::parse(r.text)) all.push_back(std::move(item));
    }
    std::cout << all.dump(2) << "\n";
  } else {
    for (const FileResult& r : results) std::cerr << r.text;
  }
  if (args.timings) {
    for (size_t i = 0; i < results.size(); ++i) {
      std::cerr << fmt::format("timings: {}: load {:.1f} ms, check {:.1f} ms\n", args.inputs[i],
                               results[i].load_ms, results[i].check_ms);
    }
  }
  if (args.format != "json") {
    std::cerr << fmt::format("{} file{} checked: {} error{}, {} warning{}\n", results.size(),
                             results.size() == 1 ? "" : "s", errors, errors == 1 ? "" : "s",
                             warnings, warnings == 1 ? "" : "s");
  }
  return exit_code;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Report every problem in models, each with a code and its place; never modifies "
      "the files");
  cmd->add_option("models", args->inputs, "Model files ('-' for stdin)")->required();
  cmd->add_option("-j,--jobs", args->jobs, "Check this many files at once")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_flag("--Werror", args->werror, "Treat warnings as errors");
  cmd->add_flag("--timings", args->timings,
                "Print how long loading and checking took, per file, on stderr");
  cmd->add_option("--rules", args->rules,
                  "Comma-separated rule groups to run (model, structure, schema, types, tensors, "
                  "functions, external-data, lint); default: all");
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
});

}  // namespace
}  // namespace onnxkit::cli
