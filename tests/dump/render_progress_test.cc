// RenderGraph and RenderHtml tell DumpOptions::progress about Graphviz's layout: one stage
// in seconds naming the nodes drawn, updates that tick while dot works (it writes nothing
// until its layout is done), and End on every way out, errors included.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/dump.h"
#include "support/programs.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using ::testing::Contains;
using ::testing::Ge;
using testing::OnPath;

constexpr char kChain[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2] x) => (float[2] y) {
    t = Relu(x)
    y = Sigmoid(t)
  })";

class RecordingProgress : public Progress {
 public:
  void Begin(std::string_view what, Unit unit, uint64_t total) override {
    EXPECT_EQ(unit, Unit::kSeconds);
    EXPECT_EQ(total, 0u);
    stages.emplace_back(what);
  }
  void Update(uint64_t done) override {
    ASSERT_FALSE(stages.empty());
    if (!done_.empty()) EXPECT_LE(done_.back(), done);
    done_.push_back(done);
  }
  void End() override { ++ends; }
  const std::vector<uint64_t>& done() const { return done_; }
  std::vector<std::string> stages;
  int ends = 0;

 private:
  std::vector<uint64_t> done_;
};

// Puts a folder first on PATH for the test's life; the folder's `dot` then runs instead of
// Graphviz's.
class DotOnPath {
 public:
  // A `dot` that runs `script` (POSIX shell) with the real dot's path as $REAL_DOT.
  explicit DotOnPath(const std::string& script) {
    const char* path = std::getenv("PATH");
    old_path_ = path ? path : "";
    const std::string real = OnPath("dot");
    EXPECT_FALSE(real.empty()) << "Graphviz's dot is not on PATH";
    testing::WriteFile(dir_ / "dot", "#!/bin/sh\nREAL_DOT='" + real + "'\n" + script + "\n");
    std::filesystem::permissions(dir_ / "dot", std::filesystem::perms::owner_all);
    ::setenv("PATH", (dir_.path().string() + ":" + old_path_).c_str(), 1);
  }
  ~DotOnPath() { ::setenv("PATH", old_path_.c_str(), 1); }

 private:
  testing::TempDir dir_;
  std::string old_path_;
};

TEST(RenderProgress, TheLayoutIsOneStageNamingTheNodesAndEnds) {
  auto m = ir_test::Parse(kChain);
  RecordingProgress progress;
  DumpOptions options;
  options.progress = &progress;
  auto svg = RenderGraph(*m, options, "svg");
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_THAT(progress.stages, ::testing::ElementsAre("laying out 2 nodes with Graphviz's dot"));
  EXPECT_EQ(progress.ends, 1);
}

TEST(RenderProgress, TheHtmlPageReportsTheSameLayout) {
  auto m = ir_test::Parse(kChain);
  RecordingProgress progress;
  DumpOptions options;
  options.progress = &progress;
  auto page = RenderHtml(*m, options);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(progress.stages, ::testing::ElementsAre("laying out 2 nodes with Graphviz's dot"));
  EXPECT_EQ(progress.ends, 1);
}

// A dot that thinks for over a second before it writes: the reader does not just block on
// the pipe, it reports the seconds passing (0 while the first second runs, then 1 or more).
TEST(RenderProgress, SecondsTickWhileDotWorks) {
  DotOnPath slow("sleep 1.2\nexec \"$REAL_DOT\" \"$@\"");
  auto m = ir_test::Parse(kChain);
  RecordingProgress progress;
  DumpOptions options;
  options.progress = &progress;
  auto svg = RenderGraph(*m, options, "svg");
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_THAT(progress.done(), Contains(0u));
  EXPECT_THAT(progress.done(), Contains(Ge(1u)));
  EXPECT_EQ(progress.ends, 1);
}

TEST(RenderProgress, AFailingDotEndsTheStageToo) {
  DotOnPath failing("echo 'no layout today' >&2\nexit 3");
  auto m = ir_test::Parse(kChain);
  RecordingProgress progress;
  DumpOptions options;
  options.progress = &progress;
  auto svg = RenderGraph(*m, options, "svg");
  ASSERT_FALSE(svg.ok());
  EXPECT_THAT(std::string(svg.status().message()), ::testing::HasSubstr("no layout today"));
  EXPECT_EQ(progress.stages.size(), 1u);
  EXPECT_EQ(progress.ends, 1);
}

}  // namespace
}  // namespace onnxkit
