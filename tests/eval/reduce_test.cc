// The evaluator's reductions, ArgMax/ArgMin, TopK and CumSum: the version-dependent
// attributes and inputs, the element-type corners and the ordering rules of the spec.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "eval/eval_test_util.h"

namespace onnxkit {
namespace {

using eval_test::Evaluate;
using eval_test::Feeds;
using eval_test::Values;
using V = std::vector<double>;
using D = std::vector<int64_t>;

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Reduce, SumTakesAxesFromAnInputFromOpset13) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int32[2] y) <int32[2,3] x = {1, 2, 3, 4, 5, 6}, int64[1] axes = {1}> {
      y = ReduceSum <keepdims = 0> (x, axes)
    })");
  EXPECT_EQ(out[0].dims, (D{2}));
  EXPECT_EQ(Values(out[0]), (V{6, 15}));
}

TEST(Reduce, SumTakesAxesFromTheAttributeBeforeOpset13) {
  ASSERT_RUNS(out, R"(
    <ir_version: 6, opset_import: ["" : 11]>
    g () => (int32[2,1] y) <int32[2,3] x = {1, 2, 3, 4, 5, 6}> {
      y = ReduceSum <axes = [-1]> (x)
    })");
  EXPECT_EQ(out[0].dims, (D{2, 1}));
  EXPECT_EQ(Values(out[0]), (V{6, 15}));
}

TEST(Reduce, IntegerSumWrapsAtTheElementWidth) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int32[1] y) <int32[2] x = {2147483647, 1}> {
      y = ReduceSum (x)
    })");
  EXPECT_EQ(Values(out[0]), (V{-2147483648.0}));
}

TEST(Reduce, EmptyAxesReduceEverythingUnlessNoop) {
  ONNXKIT_SKIP_WITHOUT_OPSET(18);
  ASSERT_RUNS(all, R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (float[1,1] y) <float[2,2] x = {1, 2, 3, 6}> {
      y = ReduceMean (x)
    })");
  EXPECT_EQ(all[0].dims, (D{1, 1}));
  EXPECT_EQ(Values(all[0]), (V{3}));
  ASSERT_RUNS(noop, R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (float[2,2] y) <float[2,2] x = {1, 2, 3, 6}> {
      y = ReduceMean <noop_with_empty_axes = 1> (x)
    })");
  EXPECT_EQ(noop[0].dims, (D{2, 2}));
  EXPECT_EQ(Values(noop[0]), (V{1, 2, 3, 6}));
  // For L1 the spec's text (the input unchanged) and its reference (|x|) disagree.
  auto l1 = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (float[2] y) <float[2] x = {-1, 2}> {
      y = ReduceL1 <noop_with_empty_axes = 1> (x)
    })");
  ASSERT_FALSE(l1.ok());
  EXPECT_EQ(l1.status().code(), absl::StatusCode::kUnimplemented) << l1.status();
}

TEST(Reduce, EmptySetsGiveEachOpsIdentity) {
  ONNXKIT_SKIP_WITHOUT_OPSET(18);
  Feeds feeds;
  feeds.emplace_back("x", *Tensor::FromValues<float>({0, 2}, std::vector<float>{}));
  feeds.emplace_back("i", *Tensor::FromValues<int8_t>({0, 2}, std::vector<int8_t>{}));
  ASSERT_RUNS(out,
              R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g (float[0,2] x, int8[0,2] i) => (float[2] max, float[2] sum, float[2] prod,
                                       int8[2] min, float[2] lse) <int64[1] zero = {0}> {
      max = ReduceMax <keepdims = 0> (x, zero)
      sum = ReduceSum <keepdims = 0> (x, zero)
      prod = ReduceProd <keepdims = 0> (x, zero)
      min = ReduceMin <keepdims = 0> (i, zero)
      lse = ReduceLogSumExp <keepdims = 0> (x, zero)
    })",
              feeds);
  EXPECT_EQ(Values(out[0]), (V{-kInf, -kInf}));
  EXPECT_EQ(Values(out[1]), (V{0, 0}));
  EXPECT_EQ(Values(out[2]), (V{1, 1}));
  EXPECT_EQ(Values(out[3]), (V{127, 127}));
  EXPECT_EQ(Values(out[4]), (V{-kInf, -kInf}));
}

TEST(Reduce, MeanOfNoIntegersIsAnError) {
  Feeds feeds;
  feeds.emplace_back("x", *Tensor::FromValues<int32_t>({0}, std::vector<int32_t>{}));
  auto out = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int32[0] x) => (int32[1] y) {
      y = ReduceMean (x)
    })",
                      feeds);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << out.status();
}

TEST(Reduce, LogSumExpDoesNotOverflow) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1] y) <float[2] x = {1000, 1000}> {
      y = ReduceLogSumExp (x)
    })");
  EXPECT_EQ(Values(out[0]), (V{static_cast<float>(1000 + std::log(2.0))}));
}

TEST(Reduce, IntegerMeanAndL2TruncateTowardZero) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int32[2] l2, int32[1] mean)
        <int32[2,2] x = {3, 4, 1, 1}, int32[2] m = {-3, -4}> {
      l2 = ReduceL2 <axes = [1], keepdims = 0> (x)
      mean = ReduceMean (m)
    })");
  EXPECT_EQ(Values(out[0]), (V{5, 1}));
  EXPECT_EQ(Values(out[1]), (V{-3}));
}

TEST(Reduce, ElementTypesFollowTheGoverningVersion) {
  ONNXKIT_SKIP_WITHOUT_OPSET(20);
  const char* bool_max = R"(
    <ir_version: 9, opset_import: ["" : %d]>
    g () => (bool[1] y) <bool[3] x = {0, 1, 0}> {
      y = ReduceMax (x)
    })";
  char text[512];
  std::snprintf(text, sizeof text, bool_max, 20);
  ASSERT_RUNS(out, text);
  EXPECT_EQ(Values(out[0]), (V{1}));
  std::snprintf(text, sizeof text, bool_max, 18);  // bool arrived in ReduceMax-20
  auto old = Evaluate(text);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), absl::StatusCode::kUnimplemented) << old.status();
  EXPECT_NE(old.status().message().find("ReduceMax-18"), std::string::npos) << old.status();
}

TEST(Reduce, AnAxisTwiceIsAnError) {
  auto out = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g () => (float[1] y) <float[2,2] x = {1, 2, 3, 4}> {
      y = ReduceSum <axes = [1, -1]> (x)
    })");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << out.status();
}

TEST(ArgMax, TiesGoToTheFirstIndexOrWithSelectLastIndexTheLast) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int64[2,1] first, int64[2,1] last, int64[3] min)
        <float[2,3] x = {1, 3, 3, 2, 2, 1}> {
      first = ArgMax <axis = 1> (x)
      last = ArgMax <axis = 1, select_last_index = 1> (x)
      min = ArgMin <keepdims = 0> (x)
    })");
  EXPECT_EQ(out[0].dims, (D{2, 1}));
  EXPECT_EQ(Values(out[0]), (V{1, 0}));
  EXPECT_EQ(Values(out[1]), (V{2, 1}));
  EXPECT_EQ(out[2].dims, (D{3}));
  EXPECT_EQ(Values(out[2]), (V{0, 1, 1}));
}

TEST(TopK, EqualValuesKeepTheSmallerIndexFirst) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g () => (float[1,3] v, int64[1,3] i, float[1,2] sv, int64[1,2] si)
        <float[1,5] x = {1, 3, 2, 3, 0}, int64[1] k3 = {3}, int64[1] k2 = {2}> {
      v, i = TopK (x, k3)
      sv, si = TopK <largest = 0> (x, k2)
    })");
  EXPECT_EQ(Values(out[0]), (V{3, 3, 2}));
  EXPECT_EQ(Values(out[1]), (V{1, 3, 2}));
  EXPECT_EQ(Values(out[2]), (V{0, 1}));
  EXPECT_EQ(Values(out[3]), (V{4, 0}));
}

TEST(TopK, KIsAnAttributeBeforeOpset10) {
  ASSERT_RUNS(out, R"(
    <ir_version: 3, opset_import: ["" : 9]>
    g () => (float[2] v, int64[2] i) <float[4] x = {1, 4, 2, 4}> {
      v, i = TopK <k = 2> (x)
    })");
  EXPECT_EQ(Values(out[0]), (V{4, 4}));
  EXPECT_EQ(Values(out[1]), (V{1, 3}));
}

TEST(TopK, KBeyondTheAxisIsAnError) {
  auto out = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g () => (float[3] v, int64[3] i) <float[2] x = {1, 2}, int64[1] k = {3}> {
      v, i = TopK (x, k)
    })");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << out.status();
}

TEST(CumSum, ExclusiveAndReverse) {
  ASSERT_RUNS(out, R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (int32[4] a, int32[4] b, int32[4] c, int32[4] d, float[2,2] e)
        <int32[4] x = {1, 2, 3, 4}, int32 zero = {0}, float[2,2] m = {1, 2, 3, 4},
         int64[1] one = {1}> {
      a = CumSum (x, zero)
      b = CumSum <exclusive = 1> (x, zero)
      c = CumSum <reverse = 1> (x, zero)
      d = CumSum <exclusive = 1, reverse = 1> (x, zero)
      e = CumSum (m, one)
    })");
  EXPECT_EQ(Values(out[0]), (V{1, 3, 6, 10}));
  EXPECT_EQ(Values(out[1]), (V{0, 1, 3, 6}));
  EXPECT_EQ(Values(out[2]), (V{10, 9, 7, 4}));
  EXPECT_EQ(Values(out[3]), (V{9, 7, 4, 0}));
  EXPECT_EQ(Values(out[4]), (V{1, 3, 3, 7}));
}

}  // namespace
}  // namespace onnxkit
