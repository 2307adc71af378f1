// Dump statistics read a tensor in chunks (about 1 MiB each): the result over many chunks
// is that of the whole tensor, computed here element by element, wherever NaN, infinities
// and signed zeros fall relative to the chunk and block boundaries.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "onnxkit/dump.h"

namespace onnxkit {
namespace {

using Json = nlohmann::json;

// float32[n]: a smooth pattern with negative and positive values.
std::vector<float> Pattern(size_t n) {
  std::vector<float> values(n);
  for (size_t i = 0; i < n; ++i) {
    values[i] = static_cast<float>(std::sin(static_cast<double>(i) * 0.001) * 3.0 + 0.25);
  }
  return values;
}

Json StatsOf(const std::vector<float>& values) {
  StatusOr<Tensor> t = Tensor::FromValues<float>({static_cast<int64_t>(values.size())}, values);
  EXPECT_TRUE(t.ok()) << t.status();
  return Json::parse(DumpTensorJson(*t, 0))["stats"];
}

// What the statistics must be, one element at a time.
struct Expected {
  double min = std::numeric_limits<double>::infinity(), max = -min;
  long double sum = 0;
  int64_t finite = 0, nan = 0, inf = 0;
};

Expected ElementByElement(const std::vector<float>& values) {
  Expected e;
  for (float f : values) {
    if (std::isnan(f)) {
      ++e.nan;
    } else if (std::isinf(f)) {
      ++e.inf;
    } else {
      e.min = std::min(e.min, static_cast<double>(f));
      e.max = std::max(e.max, static_cast<double>(f));
      e.sum += f;
      ++e.finite;
    }
  }
  return e;
}

void ExpectStats(const std::vector<float>& values) {
  const Json stats = StatsOf(values);
  const Expected e = ElementByElement(values);
  ASSERT_TRUE(stats.is_object()) << stats;
  EXPECT_EQ(stats["min"].get<double>(), e.min);
  EXPECT_EQ(stats["max"].get<double>(), e.max);
  EXPECT_EQ(std::signbit(stats["min"].get<double>()), std::signbit(e.min));
  EXPECT_EQ(std::signbit(stats["max"].get<double>()), std::signbit(e.max));
  const double mean = static_cast<double>(e.sum / e.finite);
  EXPECT_NEAR(stats["mean"].get<double>(), mean, 1e-12 * std::max(1.0, std::fabs(mean)));
  EXPECT_EQ(stats["nan"].get<int64_t>(), e.nan);
  EXPECT_EQ(stats["inf"].get<int64_t>(), e.inf);
}

constexpr size_t kChunkFloats = (size_t{1} << 20) / 4;

TEST(StatsChunks, ManyChunksGiveTheWholeTensorsStatistics) {
  // Three and a half chunks, the extremes in the last (partial) one.
  std::vector<float> values = Pattern(kChunkFloats * 7 / 2);
  values.back() = -7.5f;
  values[kChunkFloats * 3 + 5] = 9.25f;
  ExpectStats(values);
}

TEST(StatsChunks, NonFiniteValuesOnChunkBoundaries) {
  std::vector<float> values = Pattern(kChunkFloats * 3 + 17);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  values[0] = nan;
  values[kChunkFloats - 1] = inf;
  values[kChunkFloats] = -inf;
  values[2 * kChunkFloats + 1023] = nan;
  values.back() = nan;
  ExpectStats(values);
}

TEST(StatsChunks, SignedZeroExtremesKeepTheFirstOnesSign) {
  // All values >= 0 with zeros of both signs: the minimum is the first zero, -0 here.
  std::vector<float> values(kChunkFloats + 100, 1.0f);
  values[kChunkFloats + 3] = -0.0f;  // in the second chunk, lane 3 of its first block
  values[kChunkFloats + 9] = 0.0f;   // lane 1 of the same block
  ExpectStats(values);
  EXPECT_TRUE(std::signbit(StatsOf(values)["min"].get<double>()));
  // Swapped: +0 comes first.
  std::swap(values[kChunkFloats + 3], values[kChunkFloats + 9]);
  EXPECT_FALSE(std::signbit(StatsOf(values)["min"].get<double>()));
  // And for the maximum of values <= 0.
  std::vector<float> negative(3000, -2.0f);
  negative[2047] = 0.0f;
  negative[2050] = -0.0f;
  ExpectStats(negative);
  EXPECT_FALSE(std::signbit(StatsOf(negative)["max"].get<double>()));
}

}  // namespace
}  // namespace onnxkit
