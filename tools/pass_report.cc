#include "pass_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "onnxkit/escape.h"
#include "onnxkit/io.h"

namespace onnxkit::cli {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------
// What the report compares.

// Nodes per op type in every graph of the model (sub-graphs, functions and training graphs
// too); a domain other than the default one is shown before the op type.
std::map<std::string, int64_t> NodesPerOpType(const Model& model) {
  std::map<std::string, int64_t> counts;
  ForEachGraph(model, [&](const Graph& graph) {
    for (const Node* node : graph.nodes()) {
      std::string_view domain = NormalDomain(node->domain);
      ++counts[domain.empty() ? node->op_type : fmt::format("{}:{}", domain, node->op_type)];
    }
  });
  return counts;
}

// The size of the model file at `path`, or of the serialized model when `path` is no regular
// file (stdin, stdout, a pipe); nullopt when neither is known.
std::optional<uint64_t> ModelSize(const std::string& path, const Model& model,
                                  bool serialized_is_the_file) {
  std::error_code error;
  if (path != "-" && fs::is_regular_file(path, error)) {
    uint64_t size = fs::file_size(path, error);
    if (!error) return size;
  }
  if (!serialized_is_the_file) return std::nullopt;
  auto bytes = SaveBytes(model);
  if (!bytes.ok()) return std::nullopt;
  return bytes->size();
}

// ---------------------------------------------------------------------------------------
// Rendering.

// Columns: the first left-aligned, the others right-aligned.
std::string RenderTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line = " ";
    for (size_t i = 0; i < row.size(); ++i) {
      line += i == 0 ? fmt::format(" {:<{}}", row[i], widths[i])
                     : fmt::format("  {:>{}}", row[i], widths[i]);
    }
    text += line + "\n";
  }
  return text;
}

std::string Seconds(double seconds) {
  if (seconds < 1e-3) return fmt::format("{:.1f} us", seconds * 1e6);
  if (seconds < 1) return fmt::format("{:.2f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

std::string OpTypeTable(const std::map<std::string, int64_t>& before,
                        const std::map<std::string, int64_t>& after,
                        std::optional<uint64_t> size_before, std::optional<uint64_t> size_after) {
  std::vector<std::vector<std::string>> rows = {{"op type", "before", "after"}};
  std::map<std::string, std::pair<int64_t, int64_t>> both;
  for (const auto& [op, n] : before) both[op].first = n;
  for (const auto& [op, n] : after) both[op].second = n;
  int64_t total_before = 0;
  int64_t total_after = 0;
  for (const auto& [op, counts] : both) {
    total_before += counts.first;
    total_after += counts.second;
    if (counts.first == counts.second) continue;
    rows.push_back(
        {EscapeForDisplay(op), std::to_string(counts.first), std::to_string(counts.second)});
  }
  rows.push_back({"total nodes", std::to_string(total_before), std::to_string(total_after)});
  auto size_text = [](std::optional<uint64_t> size) {
    return size ? std::to_string(*size) : std::string("?");
  };
  rows.push_back({"model bytes", size_text(size_before), size_text(size_after)});
  return RenderTable(rows);
}

std::vector<StepTotals> TotalsPerStep(const Pipeline& pipeline, const PipelineReport& report) {
  std::vector<StepTotals> totals;
  for (const PipelineStep& step : pipeline.steps) {
    totals.emplace_back();
    totals.back().step = step.Print();
  }
  for (size_t i = 0; i < report.runs.size(); ++i) {
    const PassRun& run = report.runs[i];
    StepTotals& t = totals[i % totals.size()];  // every round runs every step, in order
    ++t.runs;
    t.changed += run.result.changed ? 1 : 0;
    t.seconds += run.seconds;
    for (const auto& [name, value] : run.result.stats) t.result.Count(name, value);
    for (const SkippedCandidate& s : run.result.skipped) {
      bool seen = std::any_of(
          t.result.skipped.begin(), t.result.skipped.end(),
          [&](const SkippedCandidate& k) { return k.where == s.where && k.reason == s.reason; });
      if (!seen) t.result.Skip(s.where, s.reason);
    }
  }
  return totals;
}

std::string PassTable(const std::vector<StepTotals>& totals) {
  std::vector<std::vector<std::string>> rows = {{"pass", "runs", "changed", "time"}};
  for (const StepTotals& t : totals) {
    rows.push_back({EscapeForDisplay(t.step), std::to_string(t.runs), std::to_string(t.changed),
                    Seconds(t.seconds)});
  }
  return RenderTable(rows);
}

std::string StatsText(const std::vector<StepTotals>& totals) {
  std::string text;
  for (const StepTotals& t : totals) {
    text += fmt::format("  {}:", EscapeForDisplay(t.step));
    if (t.result.stats.empty()) text += " no counters";
    for (const auto& [name, value] : t.result.stats) text += fmt::format(" {}={}", name, value);
    text += "\n";
    for (const SkippedCandidate& s : t.result.skipped) {
      text += fmt::format("    skipped {}: {}\n", EscapeForDisplay(s.where),
                          EscapeForDisplay(s.reason));
    }
  }
  return text;
}

// What --explain PASS says after a run: for each step of that pass, what it did and every
// candidate it left alone, with the reason.
std::string ExplainText(const std::string& pass, const std::vector<StepTotals>& totals) {
  std::string text;
  for (const StepTotals& t : totals) {
    if (t.step != pass && !t.step.starts_with(pass + "{")) continue;
    text += fmt::format("{}: {}\n", EscapeForDisplay(t.step),
                        t.changed > 0 ? "changed the model" : "changed nothing");
    for (const auto& [name, value] : t.result.stats) {
      text += fmt::format("  {} = {}\n", name, value);
    }
    if (t.result.skipped.empty()) text += "  no candidate was left alone\n";
    for (const SkippedCandidate& s : t.result.skipped) {
      text += fmt::format("  left alone: {}: {}\n", EscapeForDisplay(s.where),
                          EscapeForDisplay(s.reason));
    }
  }
  if (text.empty()) text = fmt::format("{}: not in the pipeline\n", EscapeForDisplay(pass));
  return text;
}

std::string RoundsText(const PipelineReport& report, int max_rounds) {
  if (max_rounds == 1) return report.changed ? "changed" : "unchanged";
  return fmt::format("{} round(s), {}", report.rounds,
                     report.reached_fixed_point
                         ? "fixed point reached"
                         : fmt::format("still changing after {} rounds", max_rounds));
}

}  // namespace onnxkit::cli
