// onnxkit render and dump --format=dot: the picture's format follows the output's name, a
// pipe works both ways, and refusals are usage errors that write nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/test_support.h"

namespace onnxkit {
namespace {

using testing::CliResult;
using ::testing::HasSubstr;
using testing::RunCli;
using testing::TempDir;

constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[1,4] x) => (float[1,4] y) {
    t = Relu(x)
    y = Sigmoid(t)
  })";

std::string WriteModel(const TempDir& dir) {
  const std::string path = (dir / "m.onnx").string();
  testing::WriteFile(path, testing::ModelFromText(kModel));
  return path;
}

TEST(RenderCli, TheExtensionChoosesTheFormat) {
  TempDir dir;
  const std::string model = WriteModel(dir);
  CliResult svg = RunCli({"render", model, "-o", (dir / "g.svg").string()});
  ASSERT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_THAT(testing::ReadFile(dir / "g.svg"), HasSubstr(">Sigmoid</text>"));
  CliResult png = RunCli({"render", model, "-o", (dir / "g.png").string()});
  ASSERT_EQ(png.exit_code, 0) << png.err;
  EXPECT_TRUE(testing::ReadFile(dir / "g.png").starts_with("\x89PNG"));
  CliResult dot = RunCli({"render", model, "-o", (dir / "g.dot").string()});
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_TRUE(testing::ReadFile(dir / "g.dot").starts_with("digraph onnxkit {"));
}

TEST(RenderCli, ReadsStdinAndWritesSvgToStdout) {
  CliResult r = RunCli({"render", "-", "-o", "-"}, testing::ModelFromText(kModel));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("<svg"));
  EXPECT_THAT(r.out, HasSubstr(">Relu</text>"));
}

TEST(RenderCli, AnUnknownExtensionIsAUsageErrorAndWritesNothing) {
  TempDir dir;
  CliResult r = RunCli({"render", WriteModel(dir), "-o", (dir / "g.gif").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("g.gif"));
  EXPECT_FALSE(std::filesystem::exists(dir / "g.gif"));
}

TEST(RenderCli, FocusFlagsReachThePicture) {
  TempDir dir;
  CliResult r = RunCli({"render", WriteModel(dir), "-o", "-", "--format", "dot", "--op", "Sigmoid",
                        "--context", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("1 node(s) drawn around the nodes that match the filter"));
}

TEST(DumpCli, DotFormatIsThePicture) {
  TempDir dir;
  CliResult r = RunCli({"dump", WriteModel(dir), "--format=dot", "--max-nodes", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("digraph onnxkit {"));
  EXPECT_THAT(r.out, HasSubstr("1 of 2 left out by the limit of 1"));
}

}  // namespace
}  // namespace onnxkit
