// onnxkit check from the command line: exit codes, text and JSON output, several files,
// rule selection, --Werror, and that checking never modifies the file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using testing::CorpusDir;
using testing::RunCli;

std::string Corpus(const std::string& rel) { return (CorpusDir() / rel).string(); }

TEST(CheckCli, CleanModelExitsZero) {
  auto r = RunCli({"check", Corpus("models/srcnn_x3.onnx")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 file checked: 0 errors"), std::string::npos) << r.err;
}

TEST(CheckCli, ErrorsExitOneAndNameFileCodeAndPlace) {
  std::string file = Corpus("invalid/schema_attr_wrong_type.onnx");
  auto r = RunCli({"check", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error[schema.attr-type]: " + file + ": main/conv_0 (Conv, opset 17)"),
            std::string::npos)
      << r.err;
}

TEST(CheckCli, ReportsEveryProblemNotTheFirst) {
  // A cycle and an unused input: two groups, both reported.
  auto r = RunCli({"check", Corpus("invalid/struct_cycle.onnx")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("structure.cycle"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lint.unused-input"), std::string::npos) << r.err;
}

TEST(CheckCli, WerrorTurnsWarningsIntoErrors) {
  std::string file = Corpus("valid-edge/graph_passthrough.onnx");
  EXPECT_EQ(RunCli({"check", file}).exit_code, 0);
  auto r = RunCli({"check", "--Werror", file});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("error[lint."), std::string::npos) << r.err;
}

TEST(CheckCli, RulesSelectGroups) {
  std::string file = Corpus("invalid/struct_cycle.onnx");
  auto r = RunCli({"check", "--rules=lint", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("structure.cycle"), std::string::npos);
  auto bad = RunCli({"check", "--rules=nonsense", file});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown rule group 'nonsense'"), std::string::npos) << bad.err;
}

TEST(CheckCli, JsonListsDiagnosticsOfAllFiles) {
  std::string a = Corpus("invalid/model_ir_version_0.onnx");
  std::string b = Corpus("invalid/struct_undefined_input.onnx");
  auto r = RunCli({"check", "--format=json", "-j", "2", a, b});
  EXPECT_EQ(r.exit_code, 1);
  auto json = nlohmann::json::parse(r.out);
  ASSERT_TRUE(json.is_array());
  bool saw_a = false, saw_b = false;
  for (const auto& d : json) {
    saw_a |= d["file"] == a && d["code"] == "model.ir-version" && d["location"]["path"] == "model";
    saw_b |= d["file"] == b && d["code"] == "structure.undefined-input" &&
             d["location"]["node"] == "relu_0";
  }
  EXPECT_TRUE(saw_a && saw_b) << r.out;
}

TEST(CheckCli, UnreadableFileIsAnIoError) {
  auto r = RunCli({"check", "/nonexistent/model.onnx"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/model.onnx"), std::string::npos) << r.err;
}

TEST(CheckCli, DamagedFileIsAModelProblem) {
  auto r = RunCli({"check", Corpus("invalid/fmt_random_bytes.onnx")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("load.format"), std::string::npos) << r.err;
}

TEST(CheckCli, ReadsStandardInput) {
  std::string bytes = testing::ReadFile(CorpusDir() / "invalid/model_graph_missing.onnx");
  auto r = RunCli({"check", "-"}, bytes);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("model.no-graph"), std::string::npos) << r.err;
}

TEST(CheckCli, ReportsEveryBadExternalReference) {
  auto r = RunCli({"check", Corpus("invalid/ext_dotdot_escape/model.onnx")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("external-data.outside-folder"), std::string::npos) << r.err;
}

TEST(CheckCli, NeverModifiesTheFile) {
  testing::TempDir dir;
  fs::path copy = dir / "m.onnx";
  fs::copy_file(CorpusDir() / "invalid/types_value_info_conflict.onnx", copy);
  std::string before = testing::ReadFile(copy);
  auto mtime = fs::last_write_time(copy);
  RunCli({"check", copy.string()});
  EXPECT_TRUE(testing::ReadFile(copy) == before);
  EXPECT_EQ(fs::last_write_time(copy), mtime);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(CheckCli, TimingsReportLoadAndCheckPerFile) {
  std::string file = Corpus("models/srcnn_x3.onnx");
  auto r = RunCli({"check", "--timings", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("timings: " + file + ": load "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" ms, check "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace onnxkit
