// onnxkit simplify and rewrite --simplify: the pipeline runs and the op table reports it;
// --overwrite-input-shape pins dims so that shape arithmetic folds; --skip, --max-size and
// --explain reach fold-constants; usage errors exit 2 before anything is written; external
// weights stay external.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Shape arithmetic on an input with a symbolic batch, and a constant chain.
constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[N,4] X) => (float[N,4] Y, int64[2] S) <float[4] A = {1.0, 2.0, 3.0, 4.0}> {
    i = Identity(A)
    a = Add(i, A)
    Y = Mul(X, a)
    s = Shape(X)
    S = Mul(s, s)
  })";

fs::path WriteModel(const TempDir& dir, const char* text = kModel) {
  fs::path path = dir / "in.onnx";
  testing::WriteFile(path, testing::ModelFromText(text));
  return path;
}

std::unique_ptr<Model> Load(const fs::path& path) {
  auto model = LoadFile(path.string());
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

std::vector<std::string> OpTypes(const Model& model) {
  std::vector<std::string> out;
  for (const Node* n : model.graph->nodes()) out.push_back(n->op_type);
  return out;
}

// The cells after `label` on the report line that starts with it.
std::vector<std::string> ReportRow(const std::string& report, const std::string& label) {
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    size_t at = line.find_first_not_of(' ');
    if (at == std::string::npos || line.compare(at, label.size(), label) != 0) continue;
    std::istringstream cells(line.substr(at + label.size()));
    std::vector<std::string> row;
    for (std::string cell; cells >> cell;) row.push_back(cell);
    return row;
  }
  return {};
}

TEST(SimplifyCli, HelpListsTheOptionsAndThePipeline) {
  auto r = RunCli({"simplify", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* option :
       {"--output", "--overwrite-input-shape", "--skip", "--max-size", "--no-subgraphs",
        "--max-rounds", "--explain", "--external-data", "fold-constants", "topological-sort"}) {
    EXPECT_THAT(r.out, HasSubstr(option));
  }
}

TEST(SimplifyCli, FoldsAndReportsTheOpTable) {
  TempDir dir;
  auto r = RunCli({"simplify", WriteModel(dir).string(), "-o", (dir / "out.onnx").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Identity and the constant Add go; the symbolic batch keeps Shape.
  EXPECT_THAT(ReportRow(r.err, "total nodes"), ElementsAre("5", "3"));
  EXPECT_THAT(ReportRow(r.err, "Identity"), ElementsAre("1", "0"));
  EXPECT_THAT(ReportRow(r.err, "Add"), ElementsAre("1", "0"));
  auto out = Load(dir / "out.onnx");
  ASSERT_TRUE(out);
  EXPECT_THAT(OpTypes(*out), ElementsAre("Mul", "Shape", "Mul"));
}

TEST(SimplifyCli, PinnedInputDimsFoldTheShapeArithmetic) {
  TempDir dir;
  auto r = RunCli({"simplify", WriteModel(dir).string(), "-o", (dir / "out.onnx").string(),
                   "--overwrite-input-shape", "X:2,4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = Load(dir / "out.onnx");
  ASSERT_TRUE(out);
  EXPECT_THAT(OpTypes(*out), ElementsAre("Mul"));
  const Type* x = out->graph->inputs()[0]->type();
  ASSERT_TRUE(x && x->shape);
  EXPECT_EQ(TypeToString(*x), "float32[2,4]");
  // The symbol N named the batch everywhere: the output's declaration follows.
  EXPECT_EQ(TypeToString(*out->graph->outputs()[0]->type()), "float32[2,4]");
}

TEST(SimplifyCli, BadInputShapesAreUsageErrors) {
  TempDir dir;
  fs::path in = WriteModel(dir);
  auto unknown = RunCli({"simplify", in.string(), "-o", (dir / "out.onnx").string(),
                         "--overwrite-input-shape", "Z:2,4"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("no input 'Z' (its inputs: 'X')"));
  auto rank = RunCli({"simplify", in.string(), "-o", (dir / "out.onnx").string(),
                      "--overwrite-input-shape", "X:2,4,1"});
  EXPECT_EQ(rank.exit_code, 2);
  EXPECT_THAT(rank.err, HasSubstr("has rank 2, not 3"));
  auto syntax = RunCli({"simplify", in.string(), "-o", (dir / "out.onnx").string(),
                        "--overwrite-input-shape", "X:2,-1"});
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_THAT(syntax.err, HasSubstr("'-1' is not a dim"));
  EXPECT_FALSE(fs::exists(dir / "out.onnx"));
}

TEST(SimplifyCli, SkipLeavesPassesOut) {
  TempDir dir;
  auto r = RunCli({"simplify", WriteModel(dir).string(), "-o", (dir / "out.onnx").string(),
                   "--skip=fold-constants,eliminate-identity"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("fold-constants")));
  auto out = Load(dir / "out.onnx");
  ASSERT_TRUE(out);
  EXPECT_THAT(OpTypes(*out), ElementsAre("Identity", "Add", "Mul", "Shape", "Mul"));
}

TEST(SimplifyCli, AnUnknownSkipIsAUsageErrorNamingThePipeline) {
  TempDir dir;
  auto r = RunCli({"simplify", WriteModel(dir).string(), "-o", (dir / "out.onnx").string(),
                   "--skip=fold-constant"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("'fold-constant' is not a pass of the simplify pipeline"));
  EXPECT_THAT(r.err, HasSubstr("fold-constants"));
  EXPECT_FALSE(fs::exists(dir / "out.onnx"));
}

TEST(SimplifyCli, MaxSizeAndExplainReachFoldConstants) {
  TempDir dir;
  auto r = RunCli({"simplify", WriteModel(dir).string(), "-o", (dir / "out.onnx").string(),
                   "--max-size=8", "--explain", "fold-constants"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("output 'a' would take 16 bytes, more than max-size (8)"));
  EXPECT_THAT(r.err, HasSubstr("dim 0 of 'X' is symbolic (N)"));
  auto out = Load(dir / "out.onnx");
  ASSERT_TRUE(out);
  EXPECT_THAT(OpTypes(*out), ElementsAre("Add", "Mul", "Shape", "Mul"));
}

TEST(SimplifyCli, RewriteSimplifyRunsTheSamePipeline) {
  TempDir dir;
  auto r = RunCli(
      {"rewrite", WriteModel(dir).string(), "-o", (dir / "out.onnx").string(), "--simplify"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("simplify, then empty pipeline"));
  EXPECT_THAT(ReportRow(r.err, "total nodes"), ElementsAre("5", "3"));
}

TEST(SimplifyCli, ExternalWeightsStayExternal) {
  TempDir dir;
  const fs::path in = testing::WeightsDir() / "resnet18.onnx";
  auto r = RunCli({"simplify", in.string(), "-o", (dir / "out.onnx").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The graph stays small; the weights went to a side file beside it.
  EXPECT_LT(fs::file_size(dir / "out.onnx"), 100u * 1024);
  uint64_t side = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (entry.path().filename() != "out.onnx") side += entry.file_size();
  }
  EXPECT_GT(side, 40u << 20);
}

}  // namespace
}  // namespace onnxkit
