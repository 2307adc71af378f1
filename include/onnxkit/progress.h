// Progress of long operations — saving multi-gigabyte models, simplifying big graphs,
// rendering — for a caller to show. The library reports stages and how far each has got;
// it never draws anything itself (the CLI draws on a terminal and stays silent on a pipe).
//
// Calls come from the thread doing the work, and often (once per write of a model being
// saved): an implementation keeps them cheap, e.g. by redrawing at most a few times a second.
#pragma once

#include <cstdint>
#include <string_view>

namespace onnxkit {

class Progress {
 public:
  // kSeconds: a stage whose size is not known, e.g. Graphviz laying out a picture, reports
  // the whole seconds it has run so far so that a display shows it is still working.
  enum class Unit { kBytes, kSteps, kSeconds };
  virtual ~Progress() = default;
  // A new stage, e.g. "writing model.onnx", of `total` units (0: not known beforehand).
  virtual void Begin(std::string_view what, Unit unit, uint64_t total) = 0;
  // `done` units of the current stage are complete (never decreasing within a stage).
  virtual void Update(uint64_t done) = 0;
  // The operation is over, whether it succeeded or not: nothing more is to be shown.
  virtual void End() = 0;
};

// Ends `progress` (when not null) on leaving the scope: every path out of an operation,
// errors included, clears what is shown.
class ProgressScope {
 public:
  explicit ProgressScope(Progress* progress) : progress_(progress) {}
  ~ProgressScope() {
    if (progress_) progress_->End();
  }
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;

 private:
  Progress* progress_;
};

}  // namespace onnxkit
