#include "terminal_progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "onnxkit/dump.h"
#include "onnxkit/escape.h"

namespace onnxkit::cli {
namespace {

// "45 s", "2 min 05 s", "1 h 02 min": a time as long as Graphviz may take.
std::string FormatSeconds(uint64_t seconds) {
  if (seconds < 60) return fmt::format("{} s", seconds);
  if (seconds < 3600) return fmt::format("{} min {:02} s", seconds / 60, seconds % 60);
  return fmt::format("{} h {:02} min", seconds / 3600, seconds % 3600 / 60);
}

std::string Amount(Progress::Unit unit, uint64_t n) {
  switch (unit) {
    case Progress::Unit::kBytes: return FormatBytes(n);
    case Progress::Unit::kSeconds: return FormatSeconds(n);
    case Progress::Unit::kSteps: break;
  }
  return fmt::format("{}", n);
}

std::string& ProgressMode() {
  static std::string mode = "auto";
  return mode;
}

}  // namespace

std::string TerminalProgress::Line(std::string_view what, Unit unit, uint64_t done,
                                   uint64_t total) {
  std::string line = EscapeForDisplay(what);
  if (total == 0) return done == 0 ? line : fmt::format("{}  {}", line, Amount(unit, done));
  done = std::min(done, total);
  return fmt::format("{}  {} of {} ({}%)", line, Amount(unit, done), Amount(unit, total),
                     done * 100 / total);
}

void TerminalProgress::Begin(std::string_view what, Unit unit, uint64_t total) {
  const Clock::time_point now = Clock::now();
  if (!started_) {
    started_ = true;
    first_begin_ = now;
  }
  what_ = std::string(what);
  unit_ = unit;
  total_ = total;
  done_ = 0;
  Draw(/*force=*/true);
}

void TerminalProgress::Update(uint64_t done) {
  done_ = done;
  // The end of a stage is always drawn: a fast one shows it was finished, not stuck at 0%.
  Draw(/*force=*/total_ != 0 && done >= total_);
}

void TerminalProgress::End() {
  if (drawn_) out_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
  started_ = false;
}

void TerminalProgress::Draw(bool force) {
  const Clock::time_point now = Clock::now();
  if (now - first_begin_ < delay_) return;
  if (!force && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  out_ << "\r\x1b[K" << Line(what_, unit_, done_, total_) << std::flush;
}

void AddProgressFlag(CLI::App& cmd) {
  cmd.add_option("--progress", ProgressMode(),
                 "Show progress of long operations on stderr: auto (when it is a terminal), "
                 "always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

Progress* CliProgress() {
  const std::string& mode = ProgressMode();
  const bool show = mode == "always" || (mode == "auto" && isatty(STDERR_FILENO) != 0);
  if (!show) return nullptr;
  // "always" is for tests and logs that want it: drawn from the first update.
  static TerminalProgress progress(
      std::cerr, mode == "always" ? std::chrono::milliseconds(0) : std::chrono::milliseconds(500));
  return &progress;
}

}  // namespace onnxkit::cli
