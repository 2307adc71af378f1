// Progress on stderr: drawn with --progress=always (a terminal's default) as one line
// redrawn in place and erased at the end; nothing on a pipe by default, so scripts and logs
// see only the command's own messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/test_support.h"

namespace onnxkit {
namespace {

using ::onnxkit::testing::RunCli;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kErase = "\r\x1b[K";

std::string Resnet18() { return (testing::WeightsDir() / "resnet18.onnx").string(); }

TEST(ProgressCli, AlwaysDrawsEachFileBeingWrittenAndErasesTheLine) {
  testing::TempDir dir;
  const std::string out = (dir / "out.onnx").string();
  auto r = RunCli({"convert", Resnet18(), "-o", out, "--external-data", "--progress=always"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(kErase + "writing " + out + ".data  "));
  EXPECT_THAT(r.err, HasSubstr(" MiB of "));
  EXPECT_THAT(r.err, HasSubstr("(100%)"));
  EXPECT_THAT(r.err, HasSubstr(kErase + "writing " + out + "  "));
  EXPECT_THAT(r.err, EndsWith(kErase));
}

TEST(ProgressCli, SimplifyShowsThePassesThenTheSave) {
  testing::TempDir dir;
  auto r = RunCli({"simplify", Resnet18(), "-o", (dir / "out.onnx").string(), "--progress=always"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(kErase + "fold-constants{max-size=1048576} (round 1)" + kErase));
  EXPECT_THAT(r.err, HasSubstr(kErase + "writing "));
  // The report comes on a clean line, after the progress line was erased.
  EXPECT_THAT(r.err, HasSubstr(kErase + "onnxkit simplify:"));
}

// infer-shapes writes with convert's flags: a side file of its own, and the same progress.
TEST(ProgressCli, InferShapesWritesWithConvertsFlags) {
  testing::TempDir dir;
  const std::string out = (dir / "typed.onnx").string();
  auto r = RunCli({"infer-shapes", Resnet18(), "-o", out, "--external-data", "--progress=always"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(kErase + "writing " + out + ".data  "));
  EXPECT_THAT(r.err, HasSubstr(kErase + "90 value(s) typed"));
  EXPECT_TRUE(std::filesystem::exists(out + ".data"));
  auto bad = RunCli({"infer-shapes", Resnet18(), "-o", "-", "--external-data"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--external-data needs an output file"));
}

TEST(ProgressCli, NothingOnAPipeByDefaultOrWithNever) {
  testing::TempDir dir;
  for (const char* flag : {"--progress=auto", "--progress=never"}) {
    auto r =
        RunCli({"convert", Resnet18(), "-o", (dir / "out.onnx").string(), "--external-data", flag});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("\x1b[K"))) << flag;
  }
}

// Graphviz's layout is one stage counted in seconds, drawn for the SVG and the HTML page
// alike, and erased before the command ends.
TEST(ProgressCli, RenderShowsTheLayoutAndErasesTheLine) {
  testing::TempDir dir;
  for (const char* name : {"g.svg", "g.html"}) {
    auto r = RunCli({"render", Resnet18(), "-o", (dir / name).string(), "--progress=always"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr(kErase + "laying out 65 nodes with Graphviz's dot")) << name;
    EXPECT_THAT(r.err, EndsWith(kErase)) << name;
  }
}

TEST(ProgressCli, RenderDrawsNothingOnAPipeByDefaultOrWithNever) {
  testing::TempDir dir;
  for (const char* flag : {"--progress=auto", "--progress=never"}) {
    auto r = RunCli({"render", Resnet18(), "-o", (dir / "g.svg").string(), flag});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "") << flag;
  }
  auto r = RunCli({"render", Resnet18(), "-o", (dir / "g.svg").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(ProgressCli, AnUnknownModeIsAUsageError) {
  auto r = RunCli({"convert", Resnet18(), "-o", "-", "--progress=sometimes"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace onnxkit
