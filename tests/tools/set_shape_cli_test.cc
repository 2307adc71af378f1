// onnxkit set-shape: '-' in and out so edits chain; usage errors exit 2 and a shape the model
// cannot take exits 1, both before anything is written; --in-place; --allow-conflicts.
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
using ::testing::HasSubstr;

constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[N,3] X) => (float[N,3] Y) <float[1,3] B = {1, 2, 3}> {
    A = Relu(X)
    Y = Add(A, B)
  })";

fs::path WriteModel(const TempDir& dir) {
  fs::path path = dir / "in.onnx";
  testing::WriteFile(path, testing::ModelFromText(kModel));
  return path;
}

std::string OutputType(const std::string& bytes) {
  auto model = LoadBytes(bytes);
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return "";
  return TypeToString(*(*model)->graph->outputs()[0]->type());
}

TEST(SetShapeCli, ChainsThroughPipes) {
  TempDir dir;
  auto fixed = RunCli({"set-shape", WriteModel(dir).string(), "-o", "-", "X:4,3"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_EQ(OutputType(fixed.out), "float32[4,3]");
  auto freed = RunCli({"set-shape", "-", "-o", "-", "X:batch,?"}, fixed.out);
  ASSERT_EQ(freed.exit_code, 0) << freed.err;
  EXPECT_EQ(OutputType(freed.out), "float32[batch,3]");
  auto again = RunCli({"set-shape", "-", "-o", (dir / "out.onnx").string(), "X:2,3"}, freed.out);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(OutputType(ReadFile(dir / "out.onnx")), "float32[2,3]");
}

TEST(SetShapeCli, UsageErrorsExitTwoAndWriteNothing) {
  TempDir dir;
  fs::path in = WriteModel(dir);
  fs::path out = dir / "out.onnx";
  auto unknown = RunCli({"set-shape", in.string(), "-o", out.string(), "Q:1,3"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("in.onnx: input shape: the main graph has no input 'Q'"));
  auto syntax = RunCli({"set-shape", in.string(), "-o", out.string(), "X:1,-3"});
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_THAT(syntax.err, HasSubstr("'-3' is not a dim"));
  auto no_output = RunCli({"set-shape", in.string(), "X:1,3"});
  EXPECT_EQ(no_output.exit_code, 2);
  EXPECT_THAT(no_output.err, HasSubstr("--output is required"));
  EXPECT_FALSE(fs::exists(out));
}

TEST(SetShapeCli, AShapeTheModelCannotTakeExitsOne) {
  TempDir dir;
  fs::path in = WriteModel(dir);
  fs::path out = dir / "out.onnx";
  // B is [1,3]: a 4-wide second dim does not broadcast against it.
  auto r = RunCli({"set-shape", in.string(), "-o", out.string(), "X:2,4"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("do not fit the model"));
  EXPECT_FALSE(fs::exists(out));
  auto forced =
      RunCli({"set-shape", in.string(), "-o", out.string(), "X:2,4", "--allow-conflicts"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_THAT(forced.err, HasSubstr("warning: Add"));
  EXPECT_TRUE(fs::exists(out));
}

TEST(SetShapeCli, InPlaceReplacesTheInput) {
  TempDir dir;
  fs::path in = WriteModel(dir);
  auto r = RunCli({"set-shape", in.string(), "--in-place", "X:7,3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(OutputType(ReadFile(in)), "float32[7,3]");
}

}  // namespace
}  // namespace onnxkit
