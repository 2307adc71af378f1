// Cast and CastLike (src/eval/cast.cc): each direction between the type families, rounding
// once to the narrow float types, integer wrapping, strings both ways, and the refusals of
// what the spec leaves undefined or the evaluator does not model.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "eval/eval_test_util.h"
#include "onnxkit/eval.h"
#include "onnxkit/number_formats.h"
#include "onnxkit/tensor.h"

namespace onnxkit {
namespace {

using eval_test::Evaluate;
using eval_test::ExpectFailure;
using eval_test::Feeds;
using eval_test::Output;

std::vector<std::string> Strings(const char* text, const Feeds& feeds = {}) {
  auto outputs = Evaluate(text, feeds);
  EXPECT_TRUE(outputs.ok()) << outputs.status();
  if (!outputs.ok() || outputs->empty()) return {};
  return outputs->front().string_data;
}

TEST(Cast, FloatToIntegerTruncatesTowardZero) {
  EXPECT_EQ(Output<int32_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int32[4] y) <float[4] x = {2.9, -2.9, 0.5, -2147483648}> { y = Cast<to = 6>(x) })"),
            (std::vector<int32_t>{2, -2, 0, std::numeric_limits<int32_t>::min()}));
  EXPECT_EQ(Output<uint64_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (uint64[1] y) <double[1] x = {1.8446744073709550e19}> { y = Cast<to = 13>(x) })"),
            (std::vector<uint64_t>{18446744073709549568u}));
}

TEST(Cast, RefusesNaNInfinityAndOutOfRangeToIntegers) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("nan and inf literals");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int64[1] y) <float[1] x = {nan}> { y = Cast<to = 7>(x) })",
                absl::StatusCode::kUnimplemented, "undefined in Cast");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (uint8[1] y) <float[1] x = {256}> { y = Cast<to = 2>(x) })",
                absl::StatusCode::kUnimplemented, "does not fit uint8");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int16[1] y) <float[1] x = {-inf}> { y = Cast<to = 5>(x) })",
                absl::StatusCode::kUnimplemented, "does not fit int16");
}

TEST(Cast, IntegersWrapBetweenWidths) {
  EXPECT_EQ(Output<int8_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int8[2] y) <int16[2] x = {200, -129}> { y = Cast<to = 3>(x) })"),
            (std::vector<int8_t>{-56, 127}));
  EXPECT_EQ(Output<uint64_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (uint64[1] y) <int8[1] x = {-1}> { y = Cast<to = 13>(x) })"),
            (std::vector<uint64_t>{std::numeric_limits<uint64_t>::max()}));
  EXPECT_EQ(Output<int8_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int8[1] y) <uint64[1] x = {18446744073709551615}> { y = Cast<to = 3>(x) })"),
            (std::vector<int8_t>{-1}));
}

TEST(Cast, BoolsBothWays) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("nan and inf literals");
  EXPECT_EQ(Output<bool>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (bool[4] y) <float[4] x = {0, -0.0, 0.1, nan}> { y = Cast<to = 9>(x) })"),
            (std::vector<bool>{false, false, true, true}));
  EXPECT_EQ(Output<bool>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (bool[2] y) <int32[2] x = {0, 36}> { y = Cast<to = 9>(x) })"),
            (std::vector<bool>{false, true}));
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[2] y) <bool[2] x = {1, 0}> { y = Cast<to = 1>(x) })"),
            (std::vector<float>{1.f, 0.f}));
}

TEST(Cast, DoubleToFloat16RoundsOnce) {
  // 1 + 2^-11 + 2^-30 lies just above the midpoint between the float16 neighbours 1 and
  // 1 + 2^-10. Rounding it to float first would give the midpoint, and then 1 (to even).
  Feeds feeds;
  feeds.emplace_back(
      "x", *Tensor::FromValues<double>({1}, {1 + std::ldexp(1.0, -11) + std::ldexp(1.0, -30)}));
  auto outputs = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (double[1] x) => (float16[1] y) { y = Cast<to = 10>(x) })",
                          feeds);
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_EQ(ToFloat(View<Float16>((*outputs)[0])->ToVector()[0]), 1 + std::ldexp(1.0f, -10));
}

TEST(Cast, Int64ToBfloat16RoundsOnce) {
  // 2^30 + 2^22 + 1: just above the midpoint of the bfloat16 neighbours 2^30 and 2^30 + 2^23.
  const int64_t v = (int64_t{1} << 30) + (int64_t{1} << 22) + 1;
  Feeds feeds;
  feeds.emplace_back("x", *Tensor::FromValues<int64_t>({1}, {v}));
  auto outputs = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int64[1] x) => (bfloat16[1] y) { y = Cast<to = 16>(x) })",
                          feeds);
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_EQ(ToFloat(View<Bfloat16>((*outputs)[0])->ToVector()[0]),
            static_cast<float>((int64_t{1} << 30) + (int64_t{1} << 23)));
}

TEST(Cast, Int64ToFloatRoundsToNearest) {
  EXPECT_EQ(Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[2] y) <int64[2] x = {16777217, 9223372036854775807}> { y = Cast<to = 1>(x) })"),
            (std::vector<float>{16777216.f, 9223372036854775808.f}));
}

TEST(Cast, StringsToNumbers) {
  const std::vector<float> y = Output<float>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[6] y) <string[6] x = {"0.1", "-1e3", "+INF", "-inf", "NaN", "+2.5E-1"}> {
      y = Cast<to = 1>(x)
    })");
  ASSERT_EQ(y.size(), 6u);
  EXPECT_EQ(y[0], 0.1f);
  EXPECT_EQ(y[1], -1000.f);
  EXPECT_EQ(y[2], std::numeric_limits<float>::infinity());
  EXPECT_EQ(y[3], -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(y[4]));
  EXPECT_EQ(y[5], 0.25f);
  EXPECT_EQ(Output<int16_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int16[2] y) <string[2] x = {"-32768", "+17"}> { y = Cast<to = 5>(x) })"),
            (std::vector<int16_t>{-32768, 17}));
}

TEST(Cast, RefusesStringsTheSpecLeavesUndefined) {
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1] y) <string[1] x = {"Hello"}> { y = Cast<to = 1>(x) })",
                absl::StatusCode::kUnimplemented, "not a numeric literal");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int32[1] y) <string[1] x = {"2.718"}> { y = Cast<to = 6>(x) })",
                absl::StatusCode::kUnimplemented, "not an integer literal");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int8[1] y) <string[1] x = {"300"}> { y = Cast<to = 3>(x) })",
                absl::StatusCode::kUnimplemented, "out of int8's range");
}

TEST(Cast, NumbersToStrings) {
  EXPECT_EQ(Strings(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (string[3] y) <int64[3] x = {-9223372036854775808, 0, 42}> { y = Cast<to = 8>(x) })"),
            (std::vector<std::string>{"-9223372036854775808", "0", "42"}));
  // The shortest decimal that reads back to the float32 value, as ONNX's reference prints.
  EXPECT_EQ(Strings(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (string[3] y) <float[3] x = {0.039187793, -0.5, 12345.5}> { y = Cast<to = 8>(x) })"),
            (std::vector<std::string>{"0.039187793", "-0.5", "12345.5"}));
  // 2^-12 lies halfway between the 11-digit decimals ...62 and ...63: the even one.
  EXPECT_EQ(Strings(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (string[1] y) <float[1] x = {0.000244140625}> { y = Cast<to = 8>(x) })"),
            (std::vector<std::string>{"0.00024414062"}));
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (string[1] y) <float[1] x = {1}> { y = Cast<to = 8>(x) })",
                absl::StatusCode::kUnimplemented, "to string");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (string[1] y) <bool[1] x = {1}> { y = Cast<to = 8>(x) })",
                absl::StatusCode::kUnimplemented, "bool to string");
}

TEST(Cast, Float16ToStringAtAPowerOfTwo) {
  // 2^-6 = 0.015625: the gap below it is half the gap above, so 0.01563 reads back to it
  // while the nearer 4-digit decimal 0.01562 does not.
  Feeds feeds;
  feeds.emplace_back("x",
                     *Tensor::FromValues<Float16>({2}, {ToFloat16(0.015625f), ToFloat16(0.1f)}));
  EXPECT_EQ(Strings(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float16[2] x) => (string[2] y) { y = Cast<to = 8>(x) })",
                    feeds),
            (std::vector<std::string>{"0.01563", "0.1"}));
}

TEST(Cast, TargetsFollowTheVersion) {
  ONNXKIT_SKIP_WITHOUT_OPSET(19);
  ExpectFailure(R"(
    <ir_version: 4, opset_import: ["" : 9]>
    g () => (bfloat16[1] y) <float[1] x = {1}> { y = Cast<to = 16>(x) })",
                absl::StatusCode::kInvalidArgument, "Cast-9 cannot produce element type bfloat16");
  ExpectFailure(R"(
    <ir_version: 9, opset_import: ["" : 19]>
    g () => (float8e4m3fn[1] y) <float[1] x = {1}> { y = Cast<to = 17>(x) })",
                absl::StatusCode::kUnimplemented, "not evaluated");
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[1] y) <float[1] x = {1}> { y = Cast<to = 99>(x) })",
                absl::StatusCode::kInvalidArgument, "not an element type");
}

TEST(CastLike, TakesTheTypeOfItsSecondInput) {
  EXPECT_EQ(Output<uint16_t>(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g () => (uint16[2] y) <double[2] x = {65535.9, 7}, uint16[1] like = {0}> {
      y = CastLike(x, like)
    })"),
            (std::vector<uint16_t>{65535, 7}));
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (uint16[1] y) <double[1] x = {1}, uint16[1] like = {0}> { y = CastLike(x, like) })",
                absl::StatusCode::kUnimplemented, "from opset 15");
}

}  // namespace
}  // namespace onnxkit
