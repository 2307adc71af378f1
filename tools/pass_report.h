// The report `rewrite` and `simplify` print on stderr: nodes per op type before and after,
// the passes' runs, counters and skipped candidates, and what --explain says of one pass.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/pass.h"

namespace onnxkit::cli {

// Nodes per op type in every graph of the model (sub-graphs, functions and training graphs
// too); a domain other than the default one is shown before the op type.
std::map<std::string, int64_t> NodesPerOpType(const Model& model);

// The size of the model file at `path`, or of the serialized model when `path` is no regular
// file (stdin, stdout, a pipe); nullopt when neither is known.
std::optional<uint64_t> ModelSize(const std::string& path, const Model& model,
                                  bool serialized_is_the_file);

// Columns: the first left-aligned, the others right-aligned.
std::string RenderTable(const std::vector<std::vector<std::string>>& rows);

// "12.3 us", "4.56 ms", "1.23 s".
std::string Seconds(double seconds);

// Op types whose counts changed (before, after), then the total nodes and the model bytes.
std::string OpTypeTable(const std::map<std::string, int64_t>& before,
                        const std::map<std::string, int64_t>& after,
                        std::optional<uint64_t> size_before, std::optional<uint64_t> size_after);

// One row per pipeline step: its runs over all rounds added up.
struct StepTotals {
  std::string step;
  int runs = 0;
  int changed = 0;
  double seconds = 0;
  PassResult result;  // counters added up; skipped candidates without repeats
};
std::vector<StepTotals> TotalsPerStep(const Pipeline& pipeline, const PipelineReport& report);

// pass, runs, changed, time.
std::string PassTable(const std::vector<StepTotals>& totals);
// Each step's counters and skipped candidates.
std::string StatsText(const std::vector<StepTotals>& totals);
// What --explain PASS says after a run: for each step of that pass, what it did and every
// candidate it left alone, with the reason.
std::string ExplainText(const std::string& pass, const std::vector<StepTotals>& totals);
// "changed", "3 round(s), fixed point reached", …
std::string RoundsText(const PipelineReport& report, int max_rounds);

}  // namespace onnxkit::cli
