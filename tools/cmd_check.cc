// onnxkit check: every problem in one or more models, compiler-style on stderr or as JSON.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "absl/strings/str_split.h"
#include "cli_common.h"
#include "onnxkit/check.h"
#include "onnxkit/escape.h"

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
  size_t errors = 0;
  size_t warnings = 0;
  std::string text;                // text: the diagnostics' lines
  std::vector<std::string> items;  // json: each diagnostic's object, indented for the array
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

// The diagnostics of one file, rendered (text lines, or JSON objects indented as elements
// of the output array).
void Render(const Diagnostics& diagnostics, const std::string& path, bool json,
            FileResult& result) {
  result.errors = diagnostics.Count(Severity::kError);
  result.warnings = diagnostics.Count(Severity::kWarning);
  if (!json) {
    for (const Diagnostic& d : diagnostics.items) {
      result.text += FormatDiagnostic(d, path, UseColor()) + "\n";
    }
    return;
  }
  for (const auto& item : nlohmann::ordered_json::parse(DiagnosticsToJson(diagnostics, path))) {
    std::string text = "  " + item.dump(2);
    for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 3)) {
      text.insert(at + 1, "  ");
    }
    result.items.push_back(std::move(text));
  }
}

FileResult CheckOne(const std::string& path, const CheckOptions& options, bool json) {
  FileResult result;
  LoadOptions load = CliLoadOptions();
  load.check_external_data = false;  // the external-data rules report every reference
  using Clock = std::chrono::steady_clock;
  auto ms_since = [](Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  };
  auto start = Clock::now();
  auto model = LoadFile(path, load);
  result.load_ms = ms_since(start);
  Diagnostics diagnostics;
  if (!model.ok()) {
    diagnostics.items.push_back(LoadFailure(model.status(), path));
    result.exit_code = ExitCodeFor(model.status());
  } else {
    start = Clock::now();
    diagnostics = Check(**model, options);
    result.check_ms = ms_since(start);
    result.exit_code = diagnostics.has_errors() ? kExitModelProblem : kExitOk;
  }
  if (model.ok()) model->reset();  // its memory is not needed to render
  Render(diagnostics, path, json, result);
  return result;
}

// A failure inside one file's check (out of memory, a memory limit, an exception from a
// dependency) is that file's error; the other files go on.
FileResult CheckOneContained(const std::string& path, const CheckOptions& options, bool json) {
  Diagnostic failure;
  try {
    return CheckOne(path, options, json);
  } catch (const std::bad_alloc&) {
    failure.code = "internal.out-of-memory";
    failure.message = "ran out of memory while checking this file (or hit a memory limit)";
  } catch (const std::exception& e) {
    failure.code = "internal.exception";
    failure.message = fmt::format("checking failed unexpectedly: {}", e.what());
  } catch (...) {
    failure.code = "internal.exception";
    failure.message = "checking failed unexpectedly";
  }
  FileResult result;
  result.exit_code = kExitModelProblem;
  Diagnostics diagnostics;
  diagnostics.items.push_back(std::move(failure));
  try {
    Render(diagnostics, path, json, result);
  } catch (...) {
    // Rendering one diagnostic needs little memory; if even that fails, the summary line
    // still counts the error.
    result.errors = 1;
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

// Prints the report as the files are checked: each file's diagnostics as soon as it and
// the files before it are done, so a batch never holds all its output until the end.
class Reporter {
 public:
  explicit Reporter(const CheckArgs& args) : args_(args), json_(args.format == "json") {}

  void Begin() {
    if (json_) std::cout << "[";
  }

  void Add(size_t index, const FileResult& r) {
    exit_code_ = std::max(exit_code_, r.exit_code);
    errors_ += r.errors;
    warnings_ += r.warnings;
    if (json_) {
      for (const std::string& item : r.items) {
        std::cout << (items_++ == 0 ? "\n" : ",\n") << item;
      }
      std::cout.flush();
    } else {
      std::cerr << r.text << std::flush;
    }
    if (args_.timings) {
      std::cerr << fmt::format("timings: {}: load {:.1f} ms, check {:.1f} ms\n",
                               EscapeForDisplay(args_.inputs[index]), r.load_ms, r.check_ms);
    }
  }

  // The exit code for the whole batch; 2 when the report could not be written.
  int End() {
    if (json_) {
      std::cout << (items_ == 0 ? "]\n" : "\n]\n") << std::flush;
    } else {
      const size_t files = args_.inputs.size();
      std::cerr << fmt::format("{} file{} checked: {} error{}, {} warning{}\n", files,
                               files == 1 ? "" : "s", errors_, errors_ == 1 ? "" : "s", warnings_,
                               warnings_ == 1 ? "" : "s")
                << std::flush;
    }
    if (!std::cout || !std::cerr) {
      Report("check", absl::UnavailableError(json_ ? "cannot write standard output"
                                                   : "cannot write standard error"));
      return kExitUsage;
    }
    return exit_code_;
  }

 private:
  const CheckArgs& args_;
  const bool json_;
  int exit_code_ = kExitOk;
  size_t errors_ = 0, warnings_ = 0, items_ = 0;
};

// Checks the files on `jobs` threads; the calling thread prints each result in input order
// as soon as it is ready and then lets it go.
void CheckAll(const CheckArgs& args, const CheckOptions& options, Reporter& reporter) {
  const bool json = args.format == "json";
  const unsigned jobs = std::max(1u, std::min<unsigned>(args.jobs, args.inputs.size()));
  if (jobs == 1) {
    for (size_t i = 0; i < args.inputs.size(); ++i) {
      reporter.Add(i, CheckOneContained(args.inputs[i], options, json));
    }
    return;
  }
  std::vector<std::optional<FileResult>> results(args.inputs.size());
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < args.inputs.size(); i = next++) {
      FileResult r = CheckOneContained(args.inputs[i], options, json);
      std::lock_guard lock(mutex);
      results[i] = std::move(r);
      ready.notify_all();
    }
  };
  std::vector<std::jthread> threads;
  for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
  for (size_t i = 0; i < results.size(); ++i) {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return results[i].has_value(); });
    FileResult r = std::move(*results[i]);
    results[i].reset();
    lock.unlock();
    reporter.Add(i, r);
  }
}

int Run(const CheckArgs& args) {
  CheckOptions options;
  options.warnings_as_errors = args.werror;
  if (Status s = ParseRules(args.rules, &options.rules); !s.ok()) {
    Report("check", s);
    return kExitUsage;
  }
  Reporter reporter(args);
  reporter.Begin();
  CheckAll(args, options, reporter);
  return reporter.End();
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
  AddLoadFlags(*cmd);
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
