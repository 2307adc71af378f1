// Progress drawn on stderr when it is a terminal: one line, redrawn in place at most ten
// times a second, and only for operations that last longer than a blink; erased at the end.
// Nothing is drawn on a pipe or a file (unless asked with --progress=always), so scripts and
// logs see only the command's own messages.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include "onnxkit/progress.h"

namespace onnxkit::cli {

class TerminalProgress : public Progress {
 public:
  // `delay`: how long an operation runs before anything is drawn.
  explicit TerminalProgress(std::ostream& out,
                            std::chrono::milliseconds delay = std::chrono::milliseconds(500))
      : out_(out), delay_(delay) {}
  void Begin(std::string_view what, Unit unit, uint64_t total) override;
  void Update(uint64_t done) override;
  void End() override;

  // The line shown for a stage: "writing big.onnx.data  1.2 GiB of 2.5 GiB (48%)", or
  // "laying out 1200 nodes with Graphviz's dot  1 min 05 s" for a stage counted in seconds.
  static std::string Line(std::string_view what, Unit unit, uint64_t done, uint64_t total);

 private:
  using Clock = std::chrono::steady_clock;
  void Draw(bool force);

  std::ostream& out_;
  std::chrono::milliseconds delay_;
  bool started_ = false;
  Clock::time_point first_begin_;
  Clock::time_point last_draw_;
  bool drawn_ = false;
  std::string what_;
  Unit unit_ = Unit::kSteps;
  uint64_t total_ = 0, done_ = 0;
};

// --progress=auto|always|never on `cmd` (auto: when stderr is a terminal).
void AddProgressFlag(CLI::App& cmd);
// The progress display those flags ask for, or null for none. One per process.
Progress* CliProgress();

}  // namespace onnxkit::cli
