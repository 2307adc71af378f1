// The evaluator's neural-network kernels: MatMul's numpy rules, Gemm's options, Conv's
// geometry, the normalizers' axis semantics by version, LayerNormalization's statistics,
// BatchNormalization's inference mode and the pools' padding rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "eval/eval_test_util.h"

namespace onnxkit {
namespace {

using eval_test::Evaluate;
using eval_test::Values;
using ::testing::DoubleNear;
using ::testing::Pointwise;
using V = std::vector<double>;
using D = std::vector<int64_t>;

void ExpectUnimplemented(const StatusOr<std::vector<Tensor>>& out) {
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kUnimplemented) << out.status();
}

TEST(MatMul, OneDimensionalOperandsLoseTheirAddedAxis) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[2] row, float[2] column)
        <float[3] v = {1, 2, 3}, float[3,2] m = {1, 2, 3, 4, 5, 6},
         float[2,3] n = {1, 0, 1, 0, 1, 0}> {
      row = MatMul (v, m)
      column = MatMul (n, v)
    })");
  EXPECT_EQ(out[0].dims, (D{2}));
  EXPECT_EQ(Values(out[0]), (V{22, 28}));
  EXPECT_EQ(out[1].dims, (D{2}));
  EXPECT_EQ(Values(out[1]), (V{4, 2}));
}

TEST(MatMul, BatchDimsBroadcast) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[2,3,1,1] y)
        <float[2,1,1,2] a = {1, 2, 3, 4}, float[3,2,1] b = {1, 1, 1, 0, 0, 1}> {
      y = MatMul (a, b)
    })");
  EXPECT_EQ(out[0].dims, (D{2, 3, 1, 1}));
  EXPECT_EQ(Values(out[0]), (V{3, 1, 2, 7, 3, 4}));
}

TEST(MatMul, IntegersWrapAtTheElementWidth) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int32[1,1] y) <int32[1,1] a = {65536}, int32[1,1] b = {65537}> {
      y = MatMul (a, b)
    })");
  EXPECT_EQ(Values(out[0]), (V{65536}));
}

TEST(MatMul, DifferentInnerDimensionsAreAnError) {
  auto out = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1,1] y) <float[1,2] a = {1, 2}, float[3,1] b = {1, 2, 3}> {
      y = MatMul (a, b)
    })");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << out.status();
}

TEST(Gemm, TransposesScalesAndBroadcastsC) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[2,2] y)
        <float[2,2] a = {1, 2, 3, 4}, float[2,2] b = {1, 0, 0, 1}, float[2] c = {10, 20}> {
      y = Gemm <transA = 1, alpha = 2.0, beta = 0.5> (a, b, c)
    })");
  EXPECT_EQ(Values(out[0]), (V{7, 16, 9, 18}));
}

TEST(Gemm, CIsOptionalFromOpset11) {
  ASSERT_RUNS(out, R"(
    <ir_version: 6, opset_import: ["" : 11]>
    g () => (float[1,1] y) <float[1,2] a = {1, 2}, float[1,2] b = {3, 4}> {
      y = Gemm <transB = 1> (a, b)
    })");
  EXPECT_EQ(Values(out[0]), (V{11}));
  auto old = Evaluate(R"(
    <ir_version: 4, opset_import: ["" : 9]>
    g () => (float[1,1] y) <float[1,2] a = {1, 2}, float[2,1] b = {3, 4}> {
      y = Gemm (a, b)
    })");
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), absl::StatusCode::kInvalidArgument) << old.status();
}

TEST(Gemm, ScaledIntegerProductsAreNotEvaluated) {
  ExpectUnimplemented(Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int32[1,1] y) <int32[1,1] a = {3}, int32[1,1] b = {5}> {
      y = Gemm <alpha = 2.0> (a, b)
    })"));
}

TEST(Conv, PadsStridesDilationsAndBias) {
  // Windows start at -1, 1, 3 and read every second element: (pad, 2), (2, 4), (4, pad).
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1,1,3] y)
        <float[1,1,5] x = {1, 2, 3, 4, 5}, float[1,1,2] w = {1, 1}, float[1] b = {10}> {
      y = Conv <pads = [1, 1], strides = [2], dilations = [2]> (x, w, b)
    })");
  EXPECT_EQ(out[0].dims, (D{1, 1, 3}));
  EXPECT_EQ(Values(out[0]), (V{12, 16, 14}));
}

TEST(Conv, GroupsSeeTheirOwnChannels) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1,2,2] y) <float[1,2,2] x = {1, 2, 3, 4}, float[2,1,1] w = {10, 100}> {
      y = Conv <group = 2> (x, w)
    })");
  EXPECT_EQ(Values(out[0]), (V{10, 20, 300, 400}));
}

TEST(Conv, SameLowerPadsAtTheStartSameUpperAtTheEnd) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1,1,4] upper, float[1,1,4] lower)
        <float[1,1,4] x = {1, 2, 3, 4}, float[1,1,2] w = {1, 1}> {
      upper = Conv <auto_pad = "SAME_UPPER"> (x, w)
      lower = Conv <auto_pad = "SAME_LOWER"> (x, w)
    })");
  EXPECT_EQ(Values(out[0]), (V{3, 5, 7, 4}));
  EXPECT_EQ(Values(out[1]), (V{1, 3, 5, 7}));
}

TEST(Conv, WorkBeyondTheMultiplyAddBoundIsRefused) {
  // Padding makes 2^17 + 2 outputs of 2^17 taps each from small tensors: more than 2^34
  // multiply-adds, refused before any is done.
  const int64_t taps = int64_t{1} << 17;
  eval_test::Feeds feeds;
  feeds.emplace_back("x", *Tensor::FromValues<float>({1, 1, 1}, std::vector<float>{1}));
  feeds.emplace_back("w", *Tensor::FromValues<float>(
                              {1, 1, taps}, std::vector<float>(static_cast<size_t>(taps), 1)));
  auto out = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,1,1] x, float[1,1,131072] w) => (float[1,1,131074] y) {
      y = Conv <pads = [131072, 131072]> (x, w)
    })",
                      feeds);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted) << out.status();
  EXPECT_NE(out.status().message().find("multiply-adds"), std::string::npos) << out.status();
}

TEST(Softmax, BeforeOpset13TheAxesFromAxisOnAreOneRow) {
  const char* text = R"(
    <ir_version: 8, opset_import: ["" : %d]>
    g () => (float[1,2,2] y) <float[1,2,2] x = {0, 0, 0, 0}> {
      y = Softmax <axis = 1> (x)
    })";
  char model[512];
  std::snprintf(model, sizeof model, text, 11);
  ASSERT_RUNS(coerced, model);
  EXPECT_EQ(Values(coerced[0]), (V{0.25, 0.25, 0.25, 0.25}));
  std::snprintf(model, sizeof model, text, 13);
  ASSERT_RUNS(one_axis, model);
  EXPECT_EQ(Values(one_axis[0]), (V{0.5, 0.5, 0.5, 0.5}));
}

TEST(Softmax, LogSoftmaxAndHardmax) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[2] log, float[3] hard) <float[2] x = {1, 2}, float[3] h = {1, 3, 3}> {
      log = LogSoftmax (x)
      hard = Hardmax (h)
    })");
  const double lse = std::log(std::exp(1.0) + std::exp(2.0));
  EXPECT_THAT(Values(out[0]), Pointwise(DoubleNear(1e-6), V{1 - lse, 2 - lse}));
  EXPECT_EQ(Values(out[1]), (V{0, 1, 0}));
}

TEST(LayerNormalization, ReturnsMeanAndInverseStandardDeviation) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g () => (float[2,2] y, float[2,1] mean, float[2,1] inv)
        <float[2,2] x = {1, 3, 2, 2}, float[2] s = {1, 2}, float[2] b = {0, 1}> {
      y, mean, inv = LayerNormalization (x, s, b)
    })");
  const double inv1 = 1 / std::sqrt(1 + 1e-5), inv2 = 1 / std::sqrt(1e-5);
  EXPECT_THAT(Values(out[0]), Pointwise(DoubleNear(1e-5), V{-inv1, 2 * inv1 + 1, 0, 1}));
  EXPECT_EQ(out[1].dims, (D{2, 1}));
  EXPECT_EQ(Values(out[1]), (V{2, 2}));
  EXPECT_THAT(Values(out[2]), Pointwise(DoubleNear(1e-3), V{inv1, inv2}));
}

TEST(BatchNormalization, InferenceUsesTheGivenStatistics) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g () => (float[1,2,1] y)
        <float[1,2,1] x = {1, 2}, float[2] s = {1, 2}, float[2] b = {0, 1},
         float[2] m = {0, 1}, float[2] v = {1, 4}> {
      y = BatchNormalization <epsilon = 0.0> (x, s, b, m, v)
    })");
  EXPECT_EQ(Values(out[0]), (V{1, 2}));
}

TEST(BatchNormalization, TrainingModeIsNotEvaluated) {
  ExpectUnimplemented(Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g () => (float[1,1,1] y)
        <float[1,1,1] x = {1}, float[1] s = {1}, float[1] b = {0}, float[1] m = {0},
         float[1] v = {1}> {
      y = BatchNormalization <training_mode = 1> (x, s, b, m, v)
    })"));
}

TEST(MaxPool, IndicesFollowStorageOrder) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 12]>
    g () => (float[1,1,1,1] y, int64[1,1,1,1] rows, float[1,1,1,1] y2, int64[1,1,1,1] cols)
        <float[1,1,2,2] x = {1, 4, 3, 2}> {
      y, rows = MaxPool <kernel_shape = [2, 2]> (x)
      y2, cols = MaxPool <kernel_shape = [2, 2], storage_order = 1> (x)
    })");
  EXPECT_EQ(Values(out[0]), (V{4}));
  EXPECT_EQ(Values(out[1]), (V{1}));
  EXPECT_EQ(Values(out[3]), (V{2}));  // row 0, column 1 counted column-major
}

TEST(MaxPool, NaNPropagates) {
  eval_test::Feeds feeds;
  const float nan = std::nanf("");
  feeds.emplace_back("x", *Tensor::FromValues<float>({1, 1, 4}, std::vector<float>{1, nan, 3, 2}));
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 12]>
    g (float[1,1,4] x) => (float[1,1,2] y, int64[1,1,2] i) {
      y, i = MaxPool <kernel_shape = [2], strides = [2]> (x)
    })",
              feeds);
  const V y = Values(out[0]);
  EXPECT_TRUE(std::isnan(y[0]));
  EXPECT_EQ(y[1], 3);
  EXPECT_EQ(Values(out[1]), (V{1, 2}));
}

TEST(AveragePool, PaddingCountsOnlyWithCountIncludePad) {
  ONNXKIT_SKIP_WITHOUT_OPSET(19);
  // Windows [-1, 0] and [1, 2]; the first half in padding.
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 19]>
    g () => (float[1,1,2] without, float[1,1,2] with) <float[1,1,3] x = {1, 2, 3}> {
      without = AveragePool <kernel_shape = [2], pads = [1, 1], strides = [2]> (x)
      with = AveragePool <kernel_shape = [2], pads = [1, 1], strides = [2],
                          count_include_pad = 1> (x)
    })");
  EXPECT_EQ(Values(out[0]), (V{1, 2.5}));
  EXPECT_EQ(Values(out[1]), (V{0.5, 2.5}));
}

TEST(AveragePool, CeilModeWindowsPastThePaddingDoNotCount) {
  ONNXKIT_SKIP_WITHOUT_OPSET(19);
  // ceil_mode adds a window [2, 3] that reaches past the input; even with
  // count_include_pad only the element inside counts.
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 19]>
    g () => (float[1,1,2] y) <float[1,1,3] x = {1, 2, 3}> {
      y = AveragePool <kernel_shape = [2], strides = [2], ceil_mode = 1,
                       count_include_pad = 1> (x)
    })");
  EXPECT_EQ(out[0].dims, (D{1, 1, 2}));
  EXPECT_EQ(Values(out[0]), (V{1.5, 3}));
}

TEST(GlobalPool, AveragesAndMaximaOverAllSpatialAxes) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1,2,1] avg, float[1,2,1] max) <float[1,2,2] x = {1, 2, 3, 5}> {
      avg = GlobalAveragePool (x)
      max = GlobalMaxPool (x)
    })");
  EXPECT_EQ(out[0].dims, (D{1, 2, 1}));
  EXPECT_EQ(Values(out[0]), (V{1.5, 4}));
  EXPECT_EQ(Values(out[1]), (V{2, 5}));
}

}  // namespace
}  // namespace onnxkit
