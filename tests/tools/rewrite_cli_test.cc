// onnxkit rewrite and onnxkit passes: usage errors exit 2 and suggest the closest pass or
// option; '-' for standard input and output; inputs are never overwritten without
// --in-place; an empty pipeline writes the model back unchanged; the report on stderr; and
// every built-in pass runs from the command line with --verify-each.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "onnxkit/pass.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::CorpusDir;
using ::onnxkit::testing::ReadFile;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::testing::HasSubstr;

// Small, with a function called from an If branch: passes must look into both.
const fs::path kModel = CorpusDir() / "valid-edge/function_in_if_branch.onnx";

std::string Canonical(const fs::path& file) {
  std::string out;
  EXPECT_TRUE(testing::ProtobufReserialize(ReadFile(file), &out));
  return out;
}

// The cells after `label` on the line of the report that starts with it.
std::vector<std::string> ReportRow(const std::string& report, const std::string& label) {
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    size_t at = line.find_first_not_of(' ');
    if (at == std::string::npos || line.compare(at, label.size(), label) != 0 ||
        line.size() <= at + label.size() || line[at + label.size()] != ' ') {
      continue;
    }
    std::istringstream cells(line.substr(at + label.size()));
    std::vector<std::string> row;
    for (std::string cell; cells >> cell;) row.push_back(cell);
    return row;
  }
  return {};
}

// A copy of kModel in `dir` (so that --in-place has something of ours to replace).
fs::path CopyOfModel(const TempDir& dir) {
  fs::path copy = dir / "model.onnx";
  fs::copy_file(kModel, copy);
  fs::permissions(copy, fs::perms::owner_write, fs::perm_options::add);
  return copy;
}

// ---------------------------------------------------------------------------------------
// Usage errors.

TEST(RewriteCli, HelpListsTheOptionsAndPasses) {
  auto r = RunCli({"rewrite", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* option :
       {"--output", "--pass", "--fixed-point", "--verify-each", "--stats", "--explain",
        "--in-place", "--external-data", "--inline-data", "--external-data-dir"}) {
    EXPECT_THAT(r.out, HasSubstr(option));
  }
  const PassRegistry builtins = PassRegistry::Builtins();
  for (const PassInfo& info : builtins.passes()) {
    EXPECT_THAT(r.out, HasSubstr(std::string(info.name)));
  }
}

TEST(RewriteCli, PassIsRequired) {
  TempDir dir;
  auto r = RunCli({"rewrite", kModel.string(), "-o", (dir / "out.onnx").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--pass (or --simplify, --inline, --dynamic-scales, "
                               "--s2d-to-conv, --d2s-to-convtranspose) is required"));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(RewriteCli, OutputIsRequiredWithoutInPlace) {
  auto r = RunCli({"rewrite", kModel.string(), "--pass", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--output is required"));
}

TEST(RewriteCli, ModelIsRequired) {
  auto r = RunCli({"rewrite", "--pass", "", "-o", "-"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("a model is required"));
  EXPECT_TRUE(r.out.empty());
}

TEST(RewriteCli, UnknownPassIsAUsageErrorAndWritesNothing) {
  TempDir dir;
  auto r = RunCli(
      {"rewrite", kModel.string(), "-o", (dir / "out.onnx").string(), "--pass=no-such-pass"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("onnxkit rewrite: error: unknown pass 'no-such-pass'"));
  EXPECT_THAT(r.err, HasSubstr("onnxkit passes"));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(RewriteCli, MisspeltBuiltinPassesAndOptionsSuggestTheRightName) {
  TempDir dir;
  const PassRegistry builtins = PassRegistry::Builtins();
  for (const PassInfo& info : builtins.passes()) {
    std::string misspelt(info.name.substr(0, info.name.size() - 1));
    auto r = RunCli(
        {"rewrite", kModel.string(), "-o", (dir / "out.onnx").string(), "--pass=" + misspelt});
    EXPECT_EQ(r.exit_code, 2) << misspelt;
    EXPECT_THAT(r.err, HasSubstr(fmt::format("did you mean '{}'?", info.name)));
    for (const PassOptionSpec& spec : info.options) {
      std::string option(spec.name.substr(0, spec.name.size() - 1));
      r = RunCli({"rewrite", kModel.string(), "-o", (dir / "out.onnx").string(),
                  fmt::format("--pass={}{{{}={}}}", info.name, option, spec.default_value)});
      EXPECT_EQ(r.exit_code, 2) << info.name << " " << option;
      EXPECT_THAT(r.err, HasSubstr(fmt::format("unknown option '{}'", option)));
    }
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(RewriteCli, PipelineSyntaxErrorNamesTheColumn) {
  TempDir dir;
  auto r = RunCli({"rewrite", kModel.string(), "-o", (dir / "out.onnx").string(), "--pass=a,,b"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("column 3: expected a pass name"));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(RewriteCli, FixedPointNeedsAPositiveCount) {
  TempDir dir;
  auto r = RunCli({"rewrite", kModel.string(), "-o", (dir / "out.onnx").string(), "--pass", "",
                   "--fixed-point=0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--fixed-point"));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(RewriteCli, ExplainUnknownPassSuggestsAndExitsTwo) {
  auto r = RunCli({"rewrite", "--explain", "no-such-pass"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown pass 'no-such-pass'"));
  EXPECT_TRUE(r.out.empty());
}

TEST(RewriteCli, ExplainDescribesEveryBuiltinPass) {
  const PassRegistry builtins = PassRegistry::Builtins();
  for (const PassInfo& info : builtins.passes()) {
    auto r = RunCli({"rewrite", "--explain", std::string(info.name)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, DescribePass(info));
    for (const PassOptionSpec& spec : info.options) {
      EXPECT_THAT(r.out,
                  HasSubstr(fmt::format("{}=<{}>", spec.name, PassOptionKindName(spec.kind))));
    }
  }
}

// ---------------------------------------------------------------------------------------
// Inputs and outputs.

TEST(RewriteCli, EmptyPipelineWritesTheModelBackUnchanged) {
  TempDir dir;
  fs::path out = dir / "out.onnx";
  auto r = RunCli({"rewrite", kModel.string(), "-o", out.string(), "--pass", ""});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ReadFile(out) == Canonical(kModel));
  EXPECT_TRUE(r.out.empty());
  // The report: totals (no op type changed, so no op row) and sizes.
  EXPECT_THAT(r.err, HasSubstr("empty pipeline"));
  std::vector<std::string> totals = ReportRow(r.err, "total nodes");
  ASSERT_EQ(totals.size(), 2u) << r.err;
  EXPECT_EQ(totals[0], totals[1]);
  EXPECT_EQ(ReportRow(r.err, "model bytes"),
            (std::vector<std::string>{std::to_string(fs::file_size(kModel)),
                                      std::to_string(fs::file_size(out))}))
      << r.err;
  EXPECT_TRUE(ReportRow(r.err, "If").empty()) << r.err;
}

TEST(RewriteCli, StdinToStdout) {
  auto r =
      RunCli({"rewrite", "-", "-o", "-", "--pass", "", "--fixed-point", "--verify-each", "--stats"},
             ReadFile(kModel));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == Canonical(kModel)) << r.out.size() << " bytes";
  // The sizes of what was read and what was written, both serialized.
  std::string size = std::to_string(Canonical(kModel).size());
  EXPECT_EQ(ReportRow(r.err, "model bytes"), (std::vector<std::string>{size, size})) << r.err;
  EXPECT_THAT(r.err, HasSubstr("fixed point reached"));
}

TEST(RewriteCli, NeverOverwritesTheInputWithoutInPlace) {
  TempDir dir;
  fs::path model = CopyOfModel(dir);
  const std::string before = ReadFile(model);
  auto r = RunCli({"rewrite", model.string(), "-o", model.string(), "--pass", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--in-place"));
  EXPECT_TRUE(ReadFile(model) == before);
}

TEST(RewriteCli, InPlaceWithoutOutputReplacesTheInput) {
  TempDir dir;
  fs::path model = CopyOfModel(dir);
  auto r = RunCli({"rewrite", model.string(), "--in-place", "--pass", ""});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ReadFile(model) == Canonical(kModel));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);

  r = RunCli({"rewrite", model.string(), "-o", model.string(), "--in-place", "--pass", ""});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ReadFile(model) == Canonical(kModel));
}

TEST(RewriteCli, InPlaceNeedsAFile) {
  auto r = RunCli({"rewrite", "-", "--in-place", "--pass", ""}, ReadFile(kModel));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--in-place needs a model file"));
  EXPECT_TRUE(r.out.empty());
}

TEST(RewriteCli, SaveFlagsAreTheConvertOnes) {
  TempDir dir;
  auto r = RunCli({"rewrite", kModel.string(), "-o", "-", "--pass", "", "--external-data"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--external-data needs an output file"));
  EXPECT_TRUE(r.out.empty());
}

TEST(RewriteCli, AModelThatCannotBeReadExitsOne) {
  TempDir dir;
  fs::path bad = CorpusDir() / "invalid/fmt_tensor_negative_dims.onnx";
  auto r = RunCli({"rewrite", bad.string(), "-o", (dir / "out.onnx").string(), "--pass", ""});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(bad.string()));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

// ---------------------------------------------------------------------------------------
// Built-in passes from the command line.

// Nodes per op type in every graph of the model at `path`.
std::map<std::string, int64_t> OpCounts(const fs::path& path) {
  std::map<std::string, int64_t> counts;
  auto model = LoadFile(path.string());
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return counts;
  ForEachGraph(**model, [&](const Graph& graph) {
    for (const Node* node : graph.nodes()) {
      std::string_view domain = NormalDomain(node->domain);
      ++counts[domain.empty() ? node->op_type : fmt::format("{}:{}", domain, node->op_type)];
    }
  });
  return counts;
}

// The report has a row for each op type whose count changed from `in` to `out`, with both
// counts, none for the others, and the totals and file sizes.
void ExpectReportCountsNodes(const std::string& report, const fs::path& in, const fs::path& out) {
  std::map<std::string, int64_t> before = OpCounts(in);
  std::map<std::string, int64_t> after = OpCounts(out);
  std::map<std::string, std::pair<int64_t, int64_t>> both;
  for (const auto& [op, n] : before) both[op].first = n;
  for (const auto& [op, n] : after) both[op].second = n;
  int64_t total_before = 0;
  int64_t total_after = 0;
  for (const auto& [op, counts] : both) {
    total_before += counts.first;
    total_after += counts.second;
    std::vector<std::string> expected;
    if (counts.first != counts.second) {
      expected = {std::to_string(counts.first), std::to_string(counts.second)};
    }
    EXPECT_EQ(ReportRow(report, op), expected) << op << "\n" << report;
  }
  EXPECT_EQ(ReportRow(report, "total nodes"),
            (std::vector<std::string>{std::to_string(total_before), std::to_string(total_after)}))
      << report;
  EXPECT_EQ(ReportRow(report, "model bytes"),
            (std::vector<std::string>{std::to_string(fs::file_size(in)),
                                      std::to_string(fs::file_size(out))}))
      << report;
}

TEST(RewriteCli, ReportCountsTheNodesOfEveryGraph) {
  TempDir dir;
  fs::path out = dir / "out.onnx";
  auto r = RunCli({"rewrite", kModel.string(), "-o", out.string(), "--pass", ""});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectReportCountsNodes(r.err, kModel, out);
  // Nodes inside the If branches and the function body count too.
  auto model = LoadFile(kModel.string());
  ASSERT_TRUE(model.ok());
  EXPECT_GT(OpCounts(kModel).size(), 0u);
  int64_t main_nodes = static_cast<int64_t>((*model)->graph->node_count());
  EXPECT_GT(std::stoll(ReportRow(r.err, "total nodes").at(0)), main_nodes);
}

TEST(RewriteCli, EveryBuiltinPassRunsWithVerifyEach) {
  TempDir dir;
  for (const char* name : {"function_in_if_branch.onnx", "if_outer_scope.onnx",
                           "function_nested.onnx", "constant_variants.onnx"}) {
    fs::path model = CorpusDir() / "valid-edge" / name;
    const PassRegistry builtins = PassRegistry::Builtins();
    for (const PassInfo& info : builtins.passes()) {
      fs::path out = dir / "out.onnx";
      auto r =
          RunCli({"rewrite", model.string(), "-o", out.string(), "--pass=" + std::string(info.name),
                  "--verify-each", "--fixed-point", "--stats"});
      EXPECT_EQ(r.exit_code, 0) << name << " " << info.name << ": " << r.err;
      EXPECT_THAT(r.err, HasSubstr(std::string(info.name)));
      ExpectReportCountsNodes(r.err, model, out);
      auto check = RunCli({"check", out.string()});
      EXPECT_EQ(check.exit_code, 0) << name << " " << info.name << ": " << check.out;
    }
  }
}

// ---------------------------------------------------------------------------------------
// onnxkit passes.

TEST(PassesCli, ListsEveryBuiltinPass) {
  auto r = RunCli({"passes"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  PassRegistry registry = PassRegistry::Builtins();
  if (registry.passes().empty()) EXPECT_EQ(r.out, "No passes are built in yet.\n");
  for (const PassInfo& info : registry.passes()) EXPECT_THAT(r.out, HasSubstr(DescribePass(info)));
}

TEST(PassesCli, JsonHasEveryPassAndOption) {
  auto r = RunCli({"passes", "--format=json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto json = nlohmann::json::parse(r.out);
  PassRegistry registry = PassRegistry::Builtins();
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), registry.passes().size());
  for (size_t i = 0; i < json.size(); ++i) {
    const PassInfo& info = registry.passes()[i];
    EXPECT_EQ(json[i]["name"], std::string(info.name));
    EXPECT_EQ(json[i]["summary"], std::string(info.summary));
    ASSERT_EQ(json[i]["options"].size(), info.options.size());
    for (size_t j = 0; j < info.options.size(); ++j) {
      EXPECT_EQ(json[i]["options"][j]["name"], std::string(info.options[j].name));
      EXPECT_EQ(json[i]["options"][j]["kind"],
                std::string(PassOptionKindName(info.options[j].kind)));
      EXPECT_EQ(json[i]["options"][j]["default"], std::string(info.options[j].default_value));
    }
  }
}

TEST(PassesCli, MarkdownIsTheDocsRendering) {
  auto r = RunCli({"passes", "--format=markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, PassesMarkdown(PassRegistry::Builtins()));
}

TEST(PassesCli, UnknownFormatIsAUsageError) {
  auto r = RunCli({"passes", "--format=yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("yaml"));
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace onnxkit

namespace onnxkit {
namespace {

// The named passes' shorthands append their steps after --pass, in a fixed order.
TEST(RewriteCli, ShorthandsRunTheNamedPasses) {
  testing::TempDir dir;
  fs::path out = dir / "out.onnx";
  auto r = testing::RunCli({"rewrite", (testing::CorpusDir() / "models/srcnn_x3.onnx").string(),
                            "-o", out.string(), "--dynamic-scales=factor", "--inline"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("inline-functions,dynamic-scales{name=factor}: changed"));
  auto model = LoadFile(out.string());
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ((*model)->graph->inputs().size(), 2u);
  EXPECT_EQ((*model)->graph->inputs()[1]->name(), "factor");
}

// --explain with a model and no output: what the pass did and why it left candidates alone,
// and nothing written.
TEST(RewriteCli, ExplainWithAModelIsADryRunThatGivesTheReasons) {
  testing::TempDir dir;
  auto r = testing::RunCli({"rewrite",
                            (testing::CorpusDir() / "models/resize_sizes_opset11.onnx").string(),
                            "--dynamic-scales", "--explain", "dynamic-scales"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("dynamic-scales: changed nothing"));
  EXPECT_THAT(r.err, HasSubstr("left alone: Resize '/Resize': it uses sizes, not scales"));
  EXPECT_EQ(r.out, "");
}

// --explain PASS names the pass to run when no pass is given: the same report.
TEST(RewriteCli, ExplainAloneRunsThePassItExplains) {
  auto r = testing::RunCli({"rewrite",
                            (testing::CorpusDir() / "models/resize_sizes_opset11.onnx").string(),
                            "--explain", "dynamic-scales"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("left alone: Resize '/Resize': it uses sizes, not scales"));
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace onnxkit
