// The elementwise kernels of src/eval/elementwise.cc: broadcasting, each type family,
// integer wrapping, Mod's sign rules, Pow's mixed types, Where, Clip's versions, BitShift's
// versions, and the refusals (types a version does not allow, values the spec leaves
// undefined).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "eval/eval_test_util.h"
#include "onnxkit/eval.h"
#include "onnxkit/tensor.h"

namespace onnxkit {
namespace {

using eval_test::Evaluate;
using eval_test::ExpectFailure;
using eval_test::Feeds;
using eval_test::Output;

TEST(Arithmetic, BroadcastsARowOverAMatrix) {
  auto dims = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (int32[2,3] y) <int32[2,3] a = {1, 2, 3, 4, 5, 6}, int32[3] b = {10, 20, 30}> {
      y = Sub(a, b)
    })");
  ASSERT_TRUE(dims.ok()) << dims.status();
  EXPECT_EQ((*dims)[0].dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(View<int32_t>((*dims)[0])->ToVector(),
            (std::vector<int32_t>{-9, -18, -27, -6, -15, -24}));
}

TEST(Arithmetic, IntegersWrapAtTheirWidth) {
  EXPECT_EQ(Output<int8_t>(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (int8[2] y) <int8[2] a = {127, -128}, int8[2] b = {1, -1}> { y = Add(a, b) })"),
            (std::vector<int8_t>{-128, 127}));
  EXPECT_EQ(Output<uint8_t>(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (uint8[1] y) <uint8[1] a = {0}, uint8[1] b = {1}> { y = Sub(a, b) })"),
            (std::vector<uint8_t>{255}));
  EXPECT_EQ(Output<int64_t>(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (int64[1] y) <int64[1] a = {9223372036854775807}, int64[1] b = {2}> {
      y = Mul(a, b)
    })"),
            (std::vector<int64_t>{-2}));
  EXPECT_EQ(Output<uint64_t>(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (uint64[1] y) <uint64[1] a = {18446744073709551615}, uint64[1] b = {2}> {
      y = Add(a, b)
    })"),
            (std::vector<uint64_t>{1}));
}

TEST(Arithmetic, Int8AddIsRefusedBeforeAdd14) {
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int8[1] y) <int8[1] a = {1}> { y = Add(a, a) })",
                absl::StatusCode::kUnimplemented, "Add-13 does not allow");
}

TEST(Mod, IntegerRemainderTakesTheDivisorsSignUnlessFmod) {
  const std::vector<int32_t> a{-4, 7, 5, -7, 9};
  const std::vector<int32_t> b{3, -3, -2, -3, 3};
  Feeds feeds;
  feeds.emplace_back("a", *Tensor::FromValues<int32_t>({5}, a));
  feeds.emplace_back("b", *Tensor::FromValues<int32_t>({5}, b));
  EXPECT_EQ(Output<int32_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int32[5] a, int32[5] b) => (int32[5] y) { y = Mod(a, b) })",
                            feeds),
            (std::vector<int32_t>{2, -2, -1, -1, 0}));
  EXPECT_EQ(Output<int32_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int32[5] a, int32[5] b) => (int32[5] y) { y = Mod<fmod = 1>(a, b) })",
                            feeds),
            (std::vector<int32_t>{-1, 1, 1, -1, 0}));
}

TEST(Mod, IntegerModuloByZeroIsAnError) {
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int64[1] y) <int64[1] a = {5}, int64[1] b = {0}> { y = Mod(a, b) })",
                absl::StatusCode::kInvalidArgument, "modulo by zero");
}

TEST(Mod, FloatNeedsFmodBeforeMod28AndFloorsFromIt) {
  ONNXKIT_SKIP_WITHOUT_OPSET(28);
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1] y) <float[1] a = {5.5}, float[1] b = {-2}> { y = Mod(a, b) })",
                absl::StatusCode::kInvalidArgument, "fmod=0");
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[2] y) <float[2] a = {5.5, -5.5}, float[2] b = {-2, 2}> {
      y = Mod<fmod = 1>(a, b)
    })"),
            (std::vector<float>{1.5f, -1.5f}));
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 10, opset_import: ["" : 28]>
    g () => (float[3] y) <float[3] a = {5.5, -5.5, 3}, float[3] b = {-2, 2, 1.5}> {
      y = Mod(a, b)
    })"),
            (std::vector<float>{-0.5f, 0.5f, 0.f}));
}

TEST(Pow, FloatBaseTakesAnyExponentType) {
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g () => (float[3] y) <float[3] a = {2, -3, 0.5}, int64[3] b = {3, 3, -2}> { y = Pow(a, b) })"),
            (std::vector<float>{8.f, -27.f, 4.f}));
  EXPECT_EQ(Output<double>(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g () => (double[1] y) <double[1] a = {-1}, uint64[1] b = {9007199254740993}> {
      y = Pow(a, b)
    })"),
            (std::vector<double>{-1.0}));  // odd beyond 2^53: the parity survives
}

TEST(Pow, IntegerBaseWrapsAndTruncatesFloatPowers) {
  EXPECT_EQ(Output<int32_t>(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g () => (int32[2] y) <int32[2] a = {3, 2}, int32[2] b = {4, 31}> { y = Pow(a, b) })"),
            (std::vector<int32_t>{81, std::numeric_limits<int32_t>::min()}));
  EXPECT_EQ(Output<int64_t>(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g () => (int64[2] y) <int64[2] a = {2, 27}, float[2] b = {0.5, 0.5}> { y = Pow(a, b) })"),
            (std::vector<int64_t>{1, 5}));  // sqrt(2) and sqrt(27) truncated
}

TEST(Pow, RefusesNegativeIntegerExponentsAndNaNPowers) {
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g () => (int32[1] y) <int32[1] a = {2}, int32[1] b = {-1}> { y = Pow(a, b) })",
                absl::StatusCode::kUnimplemented, "negative integer power");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g () => (int32[1] y) <int32[1] a = {-8}, float[1] b = {0.5}> { y = Pow(a, b) })",
                absl::StatusCode::kUnimplemented, "does not fit int32");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g () => (float[1] y) <float[1] a = {2}, double[1] b = {2}> { y = Pow(a, b) })",
                absl::StatusCode::kInvalidArgument, "Pow-7 needs one type");
}

TEST(Variadic, MinMaxSumMeanBroadcastAllInputs) {
  const char* kMin = R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int16[2,2] y) <int16[2,2] a = {5, 1, 7, 3}, int16[2] b = {4, 2}, int16[1] c = {6}> {
      y = Min(a, b, c)
    })";
  EXPECT_EQ(Output<int16_t>(kMin), (std::vector<int16_t>{4, 1, 4, 2}));
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[2] y) <float[2] a = {1, -1}, float[1] b = {0}, float[2] c = {-5, 2}> {
      y = Max(a, b, c)
    })"),
            (std::vector<float>{1.f, 2.f}));
  // Rounded to float after each addition, as a float32 sum is.
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1] y) <float[1] a = {16777216}, float[1] b = {1}, float[1] c = {1}> {
      y = Sum(a, b, c)
    })"),
            (std::vector<float>{16777216.f}));
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[2] y) <float[2] a = {1, 2}, float[1] b = {4}> { y = Mean(a, b) })"),
            (std::vector<float>{2.5f, 3.f}));
}

TEST(Variadic, NaNPropagatesThroughMinAndMax) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("nan and inf literals");
  const std::vector<float> y = Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[2] y) <float[2] a = {1, nan}, float[2] b = {nan, 1}> { y = Max(a, b) })");
  ASSERT_EQ(y.size(), 2u);
  EXPECT_TRUE(std::isnan(y[0]) && std::isnan(y[1]));
}

TEST(Variadic, NoBroadcastingBeforeOpset8) {
  ExpectFailure(R"(
    <ir_version: 3, opset_import: ["" : 7]>
    g () => (float[2] y) <float[2] a = {1, 2}, float[1] b = {4}> { y = Sum(a, b) })",
                absl::StatusCode::kInvalidArgument, "same shape");
}

TEST(Variadic, SumHasNoIntegerTypes) {
  auto model = ir_test::Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int32[1] a) => (int32[1] y) { y = Sum(a, a) })");
  ASSERT_NE(model, nullptr);
  const int32_t i32 = static_cast<int32_t>(DataType::kInt32);
  EvalSupport support = CanEvaluate(*model->graph->first_node(), 13, std::vector{i32, i32});
  EXPECT_FALSE(support.supported);
  EXPECT_NE(support.reason.find("int32"), std::string::npos) << support.reason;
}

TEST(Compare, BroadcastsAndGivesBools) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("nan and inf literals");
  EXPECT_EQ(Output<bool>(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    g () => (bool[2,2] y) <uint64[2,2] a = {1, 2, 3, 4}, uint64[2] b = {2, 3}> {
      y = LessOrEqual(a, b)
    })"),
            (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(Output<bool>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (bool[3] y) <float[3] a = {1, nan, 3}, float[1] b = {1}> { y = Equal(a, b) })"),
            (std::vector<bool>{true, false, false}));
  EXPECT_EQ(Output<bool>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (bool[2] y) <int8[2] a = {-1, 5}, int8[2] b = {-2, 5}> { y = Greater(a, b) })"),
            (std::vector<bool>{true, false}));
}

TEST(Compare, EqualTakesStringsFromOpset19) {
  ONNXKIT_SKIP_WITHOUT_OPSET(19);
  const char* kAt19 = R"(
    <ir_version: 9, opset_import: ["" : 19]>
    g () => (bool[2] y) <string[2] a = {"x", "y"}, string[1] b = {"y"}> { y = Equal(a, b) })";
  EXPECT_EQ(Output<bool>(kAt19), (std::vector<bool>{false, true}));
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (bool[2] y) <string[2] a = {"x", "y"}, string[1] b = {"y"}> { y = Equal(a, b) })",
                absl::StatusCode::kUnimplemented, "string");
}

TEST(Logic, AndOrXorNot) {
  const char* kText = R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (bool[4] y) <bool[4] a = {0, 0, 1, 1}, bool[4] b = {0, 1, 0, 1}> {
      t = Xor(a, b)
      u = And(a, b)
      v = Or(t, u)
      y = Not(v)
    })";
  EXPECT_EQ(Output<bool>(kText), (std::vector<bool>{true, false, false, false}));
}

TEST(Bits, BitShiftWrapsUnsignedAndShiftsSignedArithmeticallyFrom28) {
  ONNXKIT_SKIP_WITHOUT_OPSET(28);
  EXPECT_EQ(Output<uint8_t>(R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g () => (uint8[2] y) <uint8[2] a = {129, 3}, uint8[1] b = {1}> {
      y = BitShift<direction = "LEFT">(a, b)
    })"),
            (std::vector<uint8_t>{2, 6}));
  EXPECT_EQ(Output<int8_t>(R"(
    <ir_version: 10, opset_import: ["" : 28]>
    g () => (int8[4] y) <int8[4] a = {-8, 8, -1, 5}, int8[4] b = {2, 2, 9, -1}> {
      y = BitShift<direction = "RIGHT">(a, b)
    })"),
            (std::vector<int8_t>{-2, 2, -1, 0}));
  EXPECT_EQ(Output<int8_t>(R"(
    <ir_version: 10, opset_import: ["" : 28]>
    g () => (int8[2] y) <int8[2] a = {64, 1}, int8[2] b = {1, 8}> {
      y = BitShift<direction = "LEFT">(a, b)
    })"),
            (std::vector<int8_t>{-128, 0}));
}

TEST(Bits, BitShiftRefusesWhatVersion11LeftOpen) {
  ONNXKIT_SKIP_WITHOUT_OPSET(18);
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (int8[1] y) <int8[1] a = {1}> { y = BitShift<direction = "LEFT">(a, a) })",
                absl::StatusCode::kUnimplemented, "BitShift-11 does not allow");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (uint8[1] y) <uint8[1] a = {1}, uint8[1] b = {8}> {
      y = BitShift<direction = "LEFT">(a, b)
    })",
                absl::StatusCode::kUnimplemented, "undefined before BitShift-28");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (uint8[1] y) <uint8[1] a = {1}> { y = BitShift<direction = "UP">(a, a) })",
                absl::StatusCode::kInvalidArgument, "direction");
}

TEST(Bits, BitwiseOpsKeepTheWidth) {
  ONNXKIT_SKIP_WITHOUT_OPSET(18);
  EXPECT_EQ(Output<int8_t>(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (int8[2] y) <int8[2] a = {0, -128}> { y = BitwiseNot(a) })"),
            (std::vector<int8_t>{-1, 127}));
  EXPECT_EQ(Output<uint16_t>(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (uint16[1] y) <uint16[1] a = {65535}> { y = BitwiseNot(a) })"),
            (std::vector<uint16_t>{0}));
  EXPECT_EQ(Output<uint16_t>(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (uint16[3] y) <uint16[3] a = {12, 10, 65535}, uint16[3] b = {10, 6, 255}> {
      p = BitwiseAnd(a, b)
      q = BitwiseXor(a, b)
      y = BitwiseOr(p, q)
    })"),
            (std::vector<uint16_t>{14, 14, 65535}));
}

TEST(Where, BroadcastsAllThreeInputsForAnyType) {
  auto outputs = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    g () => (string[2,2] y) <bool[2,1] c = {1, 0}, string[2] x = {"a", "b"}, string[1] z = {"-"}> {
      y = Where(c, x, z)
    })");
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_EQ((*outputs)[0].dims, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ((*outputs)[0].string_data, (std::vector<std::string>{"a", "b", "-", "-"}));
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    g () => (float[3] y) <bool[3] c = {1, 0, 1}, float[3] x = {1, 2, 3}, float[1] z = {0}> {
      y = Where(c, x, z)
    })"),
            (std::vector<float>{1.f, 0.f, 3.f}));
}

TEST(PRelu, SlopeBroadcastsToXInOneDirection) {
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    g () => (float[2,3] y) <float[2,3] x = {-1, 2, -3, 4, -5, 0}, float[3] s = {0.5, 2, 0.25}> {
      y = PRelu(x, s)
    })"),
            (std::vector<float>{-0.5f, 2.f, -0.75f, 4.f, -10.f, 0.f}));
  EXPECT_EQ(Output<int32_t>(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    g () => (int32[2] y) <int32[2] x = {-3, 3}, int32[1] s = {2}> { y = PRelu(x, s) })"),
            (std::vector<int32_t>{-6, 3}));
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    g () => (float[3] y) <float[3] x = {1, 2, 3}, float[2,3] s = {1, 1, 1, 1, 1, 1}> {
      y = PRelu(x, s)
    })",
                absl::StatusCode::kInvalidArgument, "one direction");
}

TEST(Clip, AttributesBeforeOpset11) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("nan and inf literals");
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 3, opset_import: ["" : 7]>
    g () => (float[3] y) <float[3] x = {-5, 0.5, 5}> { y = Clip<min = -1.0, max = 1.0>(x) })"),
            (std::vector<float>{-1.f, 0.5f, 1.f}));
  // The default bounds are ±FLT_MAX, also for doubles: an infinity becomes FLT_MAX.
  EXPECT_EQ(Output<double>(R"(
    <ir_version: 3, opset_import: ["" : 7]>
    g () => (double[1] y) <double[1] x = {inf}> { y = Clip(x) })"),
            (std::vector<double>{std::numeric_limits<float>::max()}));
}

TEST(Clip, InputsFromOpset11AndIntegersFrom12) {
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g () => (float[3] y) <float[3] x = {-5, 0.5, 5}, float lo = {0}> { y = Clip(x, lo) })"),
            (std::vector<float>{0.f, 0.5f, 5.f}));
  EXPECT_EQ(Output<int8_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int8[3] y) <int8[3] x = {-100, 3, 100}, int8 hi = {10}> { y = Clip(x, , hi) })"),
            (std::vector<int8_t>{-100, 3, 10}));
  // min > max: every element becomes max.
  EXPECT_EQ(Output<int32_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int32[2] y) <int32[2] x = {-1, 9}, int32 lo = {5}, int32 hi = {2}> {
      y = Clip(x, lo, hi)
    })"),
            (std::vector<int32_t>{2, 2}));
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g () => (int32[1] y) <int32[1] x = {1}> { y = Clip(x) })",
                absl::StatusCode::kUnimplemented, "Clip-11 does not allow");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1] y) <float[1] x = {1}, float[2] lo = {0, 1}> { y = Clip(x, lo) })",
                absl::StatusCode::kInvalidArgument, "must be a scalar");
}

TEST(Versions, RefusesOpsetsBeforeTheOpAndSchemasNewerThanTheKernel) {
  ExpectFailure(R"(
    <ir_version: 4, opset_import: ["" : 9]>
    g () => (int32[1] y) <int32[1] a = {1}> { y = Mod(a, a) })",
                absl::StatusCode::kUnimplemented, "from opset 10");
  ExpectFailure(R"(
    <ir_version: 3, opset_import: ["" : 6]>
    g () => (float[1] y) <float[1] a = {1}> { y = Add(a, a) })",
                absl::StatusCode::kUnimplemented, "from opset 7");
}

}  // namespace
}  // namespace onnxkit
