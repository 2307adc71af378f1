// single_node_sweep: runs `check` and `infer-shapes` (Check, InferShapes, SaveBytes) on the
// single-node models of tests/infer/single_node_models.h — every schema of the linked ONNX
// library — and fails on any signal, hang or sanitizer report.
//
// Isolation: one crash must not end the sweep, and the culprit must be named. The parent
// forks a child per batch of models; the child publishes, in shared memory, the index of
// the model it is on before it starts it. The parent waits with a watchdog: a child that
// dies (a signal, or a sanitizer's abort) or exits non-zero failed on the model it last
// started; one that makes no progress for --timeout seconds is killed as hung there. The
// culprit is written to --failures as .onnx and printed as text, and the sweep goes on
// with the next model in a fresh child. Forking after the schemas are registered keeps a
// batch cheap; the watchdog only fires on a hang, so the result never depends on speed.
//
//   single_node_sweep [--seed 1] [--random 100] [--stride 1] [--ops REGEX] [--batch 2000]
//                     [--timeout 60] [--failures DIR]
//   single_node_sweep --show LABEL VARIANT     print one model (e.g. --show Conv-11 42)
//
// Exit status: 0 when every model ran clean, 1 otherwise; the last line gives the count of
// models tried.
#include <fmt/format.h>
#include <onnx/defs/printer.h>
#include <onnx/defs/schema.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include "infer/single_node_models.h"
#include "onnxkit/check.h"
#include "onnxkit/infer.h"
#include "onnxkit/io.h"

namespace onnxkit::testing {
namespace {

// What a child tells its parent, in memory both see.
struct Progress {
  std::atomic<uint64_t> started;   // the global index of the model being run
  std::atomic<uint64_t> finished;  // how many of the batch are done
  std::atomic<uint64_t> rejected;  // models the loader refused (counted, not failures)
};

// The sweep's models in a fixed order: schema by schema, variant by variant.
class ModelSpace {
 public:
  ModelSpace(const std::vector<const onnx::OpSchema*>& schemas, SweepOptions options)
      : schemas_(schemas), options_(options) {
    uint64_t total = 0;
    for (const auto* s : schemas_) {
      starts_.push_back(total);
      total += VariantCount(*s, options_);
    }
    total_ = total;
  }
  uint64_t size() const { return total_; }
  std::pair<const onnx::OpSchema*, uint64_t> At(uint64_t index) const {
    size_t i = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), index) -
                                   starts_.begin() - 1);
    return {schemas_[i], index - starts_[i]};
  }
  onnx::ModelProto Model(uint64_t index) const {
    auto [schema, variant] = At(index);
    return SingleNodeModel(*schema, variant, options_);
  }
  std::string Label(uint64_t index) const {
    auto [schema, variant] = At(index);
    return fmt::format("{} variant {}", SchemaLabel(*schema), variant);
  }

 private:
  std::vector<const onnx::OpSchema*> schemas_;
  SweepOptions options_;
  std::vector<uint64_t> starts_;
  uint64_t total_ = 0;
};

// What `onnxkit check` and `onnxkit infer-shapes` do with one file.
bool RunModel(const onnx::ModelProto& proto) {
  LoadOptions options;
  options.check_external_data = false;
  auto model = LoadBytes(proto.SerializeAsString(), options);
  if (!model.ok()) return false;
  Diagnostics checked = Check(**model);
  Diagnostics inferred;
  InferShapes(**model, inferred);
  (void)SaveBytes(**model);
  return true;
}

[[noreturn]] void RunBatch(const ModelSpace& space, uint64_t begin, uint64_t end,
                           Progress& progress) {
  for (uint64_t i = begin; i < end; ++i) {
    progress.started.store(i);
    if (!RunModel(space.Model(i))) progress.rejected.fetch_add(1);
    progress.finished.fetch_add(1);
  }
  // exit, not _exit: LeakSanitizer checks at exit.
  std::exit(0);
}

std::string Describe(int status) {
  if (WIFSIGNALED(status)) {
    return fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  }
  return fmt::format("exited with status {}", WEXITSTATUS(status));
}

struct Sweep {
  const ModelSpace& space;
  double timeout_seconds;
  uint64_t batch;
  std::filesystem::path failures_dir;
  Progress* progress;
  uint64_t failures = 0;

  void ReportFailure(uint64_t index, const std::string& what) {
    ++failures;
    onnx::ModelProto model = space.Model(index);
    std::string label = space.Label(index);
    std::cerr << fmt::format("FAIL: {} (model {}): {}\n", label, index, what);
    std::ostringstream text;
    text << model.graph();
    std::cerr << text.str() << "\n";
    if (failures_dir.empty()) return;
    std::filesystem::create_directories(failures_dir);
    auto [schema, variant] = space.At(index);
    std::string name = SchemaLabel(*schema) + "-" + std::to_string(variant) + ".onnx";
    std::replace(name.begin(), name.end(), '/', '_');
    std::ofstream(failures_dir / name, std::ios::binary) << model.SerializeAsString();
  }

  // Runs [begin, end) in one child; returns the index to continue from.
  uint64_t RunChild(uint64_t begin, uint64_t end) {
    progress->started.store(begin);
    progress->finished.store(0);
    std::cout.flush();
    std::cerr.flush();
    pid_t pid = fork();
    if (pid < 0) {
      std::cerr << "fork failed: " << std::strerror(errno) << "\n";
      std::exit(2);
    }
    if (pid == 0) RunBatch(space, begin, end, *progress);
    using Clock = std::chrono::steady_clock;
    uint64_t seen = progress->started.load();
    uint64_t seen_finished = 0;
    auto since = Clock::now();
    int status = 0;
    while (true) {
      pid_t done = waitpid(pid, &status, WNOHANG);
      if (done == pid) break;
      uint64_t now_started = progress->started.load(), now_finished = progress->finished.load();
      if (now_started != seen || now_finished != seen_finished) {
        seen = now_started;
        seen_finished = now_finished;
        since = Clock::now();
      } else if (std::chrono::duration<double>(Clock::now() - since).count() > timeout_seconds) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        ReportFailure(seen, fmt::format("no progress for {} s (hang)", timeout_seconds));
        return seen + 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    uint64_t finished = progress->finished.load();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && finished == end - begin) return end;
    if (finished == end - begin) {
      // Every model ran; the failure came at exit (a leak report).
      ++failures;
      std::cerr << fmt::format("FAIL: models {}..{}: {} after the batch (see the report above)\n",
                               begin, end - 1, Describe(status));
      return end;
    }
    uint64_t culprit = progress->started.load();
    ReportFailure(culprit, Describe(status));
    return culprit + 1;
  }

  void Run() {
    for (uint64_t next = 0; next < space.size();) {
      next = RunChild(next, std::min(next + batch, space.size()));
    }
  }
};

int Main(int argc, char** argv) {
  CLI::App app("check and infer-shapes on single-node models of every ONNX operator schema");
  SweepOptions options;
  std::string ops = ".*";
  uint64_t batch = 2000;
  double timeout = 60;
  std::string failures_dir;
  std::vector<std::string> show;
  app.add_option("--seed", options.seed, "seed of the random variants");
  app.add_option("--random", options.random_variants, "random variants per schema");
  app.add_option("--stride", options.systematic_stride,
                 "run every N-th systematic variant (1: all)");
  app.add_option("--ops", ops, "only schemas whose label (Conv-11, ai.onnx.ml/Scaler-1) matches");
  app.add_option("--batch", batch, "models per child process");
  app.add_option("--timeout", timeout, "seconds without progress that count as a hang");
  app.add_option("--failures", failures_dir, "folder to write failing models into");
  app.add_option("--show", show, "print the model LABEL VARIANT and exit")->expected(2);
  CLI11_PARSE(app, argc, argv);

  std::regex filter(ops);
  std::vector<const onnx::OpSchema*> schemas;
  for (const auto* s : AllSchemas()) {
    if (std::regex_search(SchemaLabel(*s), filter)) schemas.push_back(s);
  }
  if (!show.empty()) {
    for (const auto* s : AllSchemas()) {
      if (SchemaLabel(*s) != show[0]) continue;
      onnx::ModelProto m = SingleNodeModel(*s, std::stoull(show[1]), options);
      std::cout << m.graph() << "\n";
      return 0;
    }
    std::cerr << "no schema " << show[0] << "\n";
    return 2;
  }
  ModelSpace space(schemas, options);
  void* shared =
      mmap(nullptr, sizeof(Progress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    std::cerr << "mmap failed\n";
    return 2;
  }
  auto* progress = new (shared) Progress{};
  Sweep sweep{space, timeout, std::max<uint64_t>(batch, 1), failures_dir, progress};
  sweep.Run();
  std::cout << fmt::format(
      "{} models tried over {} schemas (seed {}, {} random per schema, systematic stride {}; "
      "{} refused by the loader): {} failures\n",
      space.size(), schemas.size(), options.seed, options.random_variants,
      options.systematic_stride, progress->rejected.load(), sweep.failures);
  return sweep.failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace onnxkit::testing

int main(int argc, char** argv) { return onnxkit::testing::Main(argc, argv); }
