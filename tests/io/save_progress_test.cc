// SaveFile tells SaveOptions::progress about each file it writes: a stage per file, named
// after it, with its size as the total, updates that only grow up to it, and End on every
// way out, errors included.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using ::testing::HasSubstr;

struct Stage {
  std::string what;
  uint64_t total = 0;
  std::vector<uint64_t> done;
};

class RecordingProgress : public Progress {
 public:
  void Begin(std::string_view what, Unit unit, uint64_t total) override {
    EXPECT_EQ(unit, Unit::kBytes);
    stages.push_back({std::string(what), total, {}});
  }
  void Update(uint64_t done) override {
    ASSERT_FALSE(stages.empty());
    stages.back().done.push_back(done);
  }
  void End() override { ++ends; }
  std::vector<Stage> stages;
  int ends = 0;
};

std::string Resnet18() {
  auto path = testing::WeightsDir() / "resnet18.onnx";
  return path.string();
}

void ExpectGrowsToItsTotal(const Stage& stage) {
  ASSERT_FALSE(stage.done.empty()) << stage.what;
  for (size_t i = 1; i < stage.done.size(); ++i) EXPECT_LE(stage.done[i - 1], stage.done[i]);
  EXPECT_EQ(stage.done.back(), stage.total) << stage.what;
}

TEST(SaveProgress, EachFileIsAStageThatReachesItsSize) {
  auto model = LoadFile(Resnet18());
  ASSERT_TRUE(model.ok()) << model.status();
  testing::TempDir dir;
  RecordingProgress progress;
  SaveOptions options;
  options.external_data = SaveOptions::ExternalData::kExternal;
  options.progress = &progress;
  const std::string out = (dir / "out.onnx").string();
  ASSERT_TRUE(SaveFile(**model, out, options).ok());
  ASSERT_EQ(progress.stages.size(), 2u);
  EXPECT_THAT(progress.stages[0].what, HasSubstr("out.onnx.data"));
  EXPECT_THAT(progress.stages[1].what, HasSubstr("out.onnx"));
  for (const Stage& s : progress.stages) ExpectGrowsToItsTotal(s);
  EXPECT_EQ(progress.stages[0].total, std::filesystem::file_size(out + ".data"));
  EXPECT_EQ(progress.stages[1].total, std::filesystem::file_size(out));
  EXPECT_EQ(progress.ends, 1);
}

TEST(SaveProgress, AFailedSaveStillEnds) {
  auto model = LoadFile(Resnet18());
  ASSERT_TRUE(model.ok()) << model.status();
  testing::TempDir dir;
  RecordingProgress progress;
  SaveOptions options;
  options.external_data = SaveOptions::ExternalData::kExternal;
  options.progress = &progress;
  // The folder does not exist: the first temporary file cannot be created.
  EXPECT_FALSE(SaveFile(**model, (dir / "missing" / "out.onnx").string(), options).ok());
  EXPECT_EQ(progress.ends, 1);
}

}  // namespace
}  // namespace onnxkit
