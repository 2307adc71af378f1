// onnxkit convert-opset: the target as an argument or --to, files and '-' both ways, exit
// codes (a node without adapter is a problem of the model, 1; a target the linked ONNX does
// not know or a missing target is a usage error, 2), nothing written on an error, and a
// converted corpus model that computes the original's outputs under ONNX Runtime.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "onnxkit/io.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::CorpusDir;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WriteFile;
using ::testing::HasSubstr;

constexpr char kRelu14[] = R"(
  <ir_version: 8, opset_import: ["" : 14]>
  g (float[2] X) => (float[2] Y) {
    a = Neg(X)
    Y = Relu(a)
  })";

std::unique_ptr<Model> LoadOrFail(const std::string& path_or_bytes, bool bytes = false) {
  auto m = bytes ? LoadBytes(path_or_bytes) : LoadFile(path_or_bytes);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *std::move(m) : nullptr;
}

TEST(ConvertOpsetCli, FileToFileAndUnderOnnxRuntime) {
  TempDir dir;
  const fs::path original = CorpusDir() / "models/srcnn_x3.onnx";
  auto r = RunCli({"convert-opset", original.string(), "-o", (dir / "out.onnx").string(), "17"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("onnxkit convert-opset: default-domain opset 11 -> 17"));
  auto model = LoadOrFail((dir / "out.onnx").string());
  ASSERT_TRUE(model);
  EXPECT_EQ(model->OpsetVersion(""), 17);
  auto check = RunCli({"check", (dir / "out.onnx").string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  testing::OrtVerdict verdict = testing::CompareUnderOrt(original, {dir / "out.onnx"});
  if (verdict.kind == testing::OrtVerdict::Kind::kSkipped) GTEST_SKIP() << verdict.report;
  EXPECT_EQ(verdict.kind, testing::OrtVerdict::Kind::kMatch) << verdict.report;
}

TEST(ConvertOpsetCli, StdinToStdoutWithTo) {
  auto r = RunCli({"convert-opset", "-", "-o", "-", "--to", "16"}, testing::ModelFromText(kRelu14));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  auto model = LoadOrFail(r.out, true);
  ASSERT_TRUE(model);
  EXPECT_EQ(model->OpsetVersion(""), 16);
}

TEST(ConvertOpsetCli, ANodeWithoutAdapterIsExitOneAndWritesNothing) {
  TempDir dir;
  WriteFile(dir / "in.onnx", testing::ModelFromText(kRelu14));
  auto r = RunCli(
      {"convert-opset", (dir / "in.onnx").string(), "-o", (dir / "out.onnx").string(), "12"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("in.onnx: cannot convert an unnamed Relu node from opset 14 to "
                               "13: ONNX"));
  EXPECT_THAT(r.err, HasSubstr("has no adapter for Relu from opset 14 to 13"));
  EXPECT_THAT(r.err, HasSubstr("nothing written"));
  EXPECT_FALSE(fs::exists(dir / "out.onnx"));
}

TEST(ConvertOpsetCli, TargetErrorsAreUsageErrors) {
  TempDir dir;
  WriteFile(dir / "in.onnx", testing::ModelFromText(kRelu14));
  const std::string in = (dir / "in.onnx").string();
  const std::string out = (dir / "out.onnx").string();
  auto none = RunCli({"convert-opset", in, "-o", out});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("give the target opset once"));
  auto both = RunCli({"convert-opset", in, "-o", out, "15", "--to", "16"});
  EXPECT_EQ(both.exit_code, 2);
  auto unknown = RunCli({"convert-opset", in, "-o", out, "999"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("target opset 999"));
  EXPECT_FALSE(fs::exists(dir / "out.onnx"));
}

TEST(ConvertOpsetCli, TheSameVersionWritesTheModelUnchanged) {
  TempDir dir;
  const std::string bytes = testing::ModelFromText(kRelu14);
  WriteFile(dir / "in.onnx", bytes);
  auto r = RunCli({"convert-opset", (dir / "in.onnx").string(), "-o", "-", "14"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, bytes);
}

}  // namespace
}  // namespace onnxkit
