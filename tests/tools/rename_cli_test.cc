// onnxkit rename: OLD=NEW arguments and --map files (lines or JSON); --nodes and --values;
// unknown names, ambiguity and clashes exit 2 and write nothing; three edits chained through
// pipes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::ReadFile;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[N,3] X) => (float[N,3] Y) {
    A = Relu(X)
    Y = Sigmoid(A)
  })";

fs::path WriteModel(const TempDir& dir) {
  fs::path path = dir / "in.onnx";
  WriteFile(path, testing::ModelFromText(kModel));
  return path;
}

std::unique_ptr<Model> Load(const std::string& bytes) {
  auto model = LoadBytes(bytes);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

std::vector<std::string> ValueNames(const Model& model) {
  std::vector<std::string> names;
  for (const Node* n : model.graph->nodes()) {
    for (const Value* v : n->inputs()) names.push_back(v->name());
  }
  names.push_back(model.graph->outputs()[0]->name());
  return names;
}

TEST(RenameCli, PairsAndMapFiles) {
  TempDir dir;
  fs::path in = WriteModel(dir);
  auto r = RunCli({"rename", in.string(), "-o", "-", "X=input", "Y=output"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto model = Load(r.out);
  ASSERT_TRUE(model);
  EXPECT_THAT(ValueNames(*model), ElementsAre("input", "A", "output"));

  WriteFile(dir / "map.txt", "# a comment\nX = images\nA=hidden\n");
  r = RunCli({"rename", in.string(), "-o", "-", "--map", (dir / "map.txt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  model = Load(r.out);
  EXPECT_THAT(ValueNames(*model), ElementsAre("images", "hidden", "Y"));

  WriteFile(dir / "map.json", R"({"A": "h", "Y": "probs"})");
  r = RunCli({"rename", in.string(), "-o", "-", "--map", (dir / "map.json").string(), "X=x"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  model = Load(r.out);
  EXPECT_THAT(ValueNames(*model), ElementsAre("x", "h", "probs"));
}

TEST(RenameCli, ErrorsExitTwoAndWriteNothing) {
  TempDir dir;
  fs::path in = WriteModel(dir);
  fs::path out = dir / "out.onnx";
  auto unknown = RunCli({"rename", in.string(), "-o", out.string(), "Q=R"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("in.onnx: rename: no value or node named 'Q'"));
  auto clash = RunCli({"rename", in.string(), "-o", out.string(), "X=A"});
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_THAT(clash.err, HasSubstr("cannot rename value 'X' to 'A'"));
  auto syntax = RunCli({"rename", in.string(), "-o", out.string(), "X"});
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_THAT(syntax.err, HasSubstr("'X' is not OLD=NEW"));
  auto nothing = RunCli({"rename", in.string(), "-o", out.string()});
  EXPECT_EQ(nothing.exit_code, 2);
  auto no_map =
      RunCli({"rename", in.string(), "-o", out.string(), "--map", (dir / "missing.txt").string()});
  EXPECT_EQ(no_map.exit_code, 2);
  EXPECT_THAT(no_map.err, HasSubstr("missing.txt"));
  auto nodes = RunCli({"rename", in.string(), "-o", out.string(), "--nodes", "X=x"});
  EXPECT_EQ(nodes.exit_code, 2);
  EXPECT_THAT(nodes.err, HasSubstr("no node named 'X'"));
  EXPECT_FALSE(fs::exists(out));
}

TEST(RenameCli, ThreeEditsChainThroughPipes) {
  TempDir dir;
  auto shaped = RunCli({"set-shape", WriteModel(dir).string(), "-o", "-", "X:8,3"});
  ASSERT_EQ(shaped.exit_code, 0) << shaped.err;
  auto renamed = RunCli({"rename", "-", "-o", "-", "X=images"}, shaped.out);
  ASSERT_EQ(renamed.exit_code, 0) << renamed.err;
  auto renamed_again =
      RunCli({"rename", "-", "-o", (dir / "out.onnx").string(), "Y=scores"}, renamed.out);
  ASSERT_EQ(renamed_again.exit_code, 0) << renamed_again.err;
  auto model = Load(ReadFile(dir / "out.onnx"));
  ASSERT_TRUE(model);
  EXPECT_THAT(ValueNames(*model), ElementsAre("images", "A", "scores"));
  EXPECT_EQ(TypeToString(*model->graph->outputs()[0]->type()), "float32[8,3]");
}

}  // namespace
}  // namespace onnxkit
