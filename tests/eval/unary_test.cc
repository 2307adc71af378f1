// The unary kernels of src/eval/unary.cc: the float math against <cmath> rounded to the
// element type, integer wrapping (Abs, Neg), Sign, IsNaN/IsInf, the activations with their
// default and given attributes, and the refusals (types before the version that allows them,
// Shrink results an integer type cannot hold).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "eval/eval_test_util.h"
#include "fmt/format.h"
#include "onnxkit/eval.h"
#include "onnxkit/number_formats.h"
#include "onnxkit/tensor.h"

namespace onnxkit {
namespace {

using eval_test::Evaluate;
using eval_test::ExpectFailure;
using eval_test::Feeds;
using eval_test::Output;

// A model applying `op` (with `attributes`, e.g. "<alpha = 0.5>") to the float vector
// `values` at `opset`.
std::string FloatModel(const std::string& op, const std::string& values, int count, int opset = 13,
                       const std::string& attributes = "") {
  return "<ir_version: 8, opset_import: [\"\" : " + std::to_string(opset) + "]>\n" +
         "g () => (float[" + std::to_string(count) + "] y) <float[" + std::to_string(count) +
         "] x = {" + values + "}> { y = " + op + attributes + "(x) }";
}

// A float literal the ONNX text parser reads back exactly.
std::string FloatLiteral(float x) { return fmt::format("{:.9g}", x); }

// Expects op(x) == f(x) rounded to float, for each x.
template <typename F>
void ExpectFloatMath(const std::string& op, std::vector<float> xs, F f, int opset = 13,
                     const std::string& attributes = "") {
  std::string values;
  for (float x : xs) values += (values.empty() ? "" : ", ") + FloatLiteral(x);
  const std::vector<float> y =
      Output<float>(FloatModel(op, values, static_cast<int>(xs.size()), opset, attributes));
  ASSERT_EQ(y.size(), xs.size()) << op;
  for (size_t i = 0; i < xs.size(); ++i) {
    const float expected = static_cast<float>(f(static_cast<double>(xs[i])));
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(y[i])) << op << "(" << xs[i] << ")";
    } else {
      EXPECT_EQ(y[i], expected) << op << "(" << xs[i] << ")";
    }
  }
}

TEST(Math, FloatFunctionsMatchCmathRoundedToFloat) {
  ONNXKIT_SKIP_WITHOUT_OPSET(22);
  const std::vector<float> xs{-2.5f, -0.5f, 0.25f, 0.5f, 1.5f, 2.5f, 3.7f};
  ExpectFloatMath("Abs", xs, [](double x) { return std::fabs(x); });
  ExpectFloatMath("Neg", xs, [](double x) { return -x; });
  ExpectFloatMath("Floor", xs, [](double x) { return std::floor(x); });
  ExpectFloatMath("Ceil", xs, [](double x) { return std::ceil(x); });
  ExpectFloatMath("Exp", xs, [](double x) { return std::exp(x); });
  ExpectFloatMath("Erf", xs, [](double x) { return std::erf(x); });
  ExpectFloatMath("Reciprocal", xs, [](double x) { return 1 / x; });
  ExpectFloatMath(
      "Sin", xs, [](double x) { return std::sin(x); }, 22);
  ExpectFloatMath(
      "Cosh", xs, [](double x) { return std::cosh(x); }, 22);
  ExpectFloatMath(
      "Atan", xs, [](double x) { return std::atan(x); }, 22);
  ExpectFloatMath("Tanh", xs, [](double x) { return std::tanh(x); });
  ExpectFloatMath("Sqrt", {0.f, 2.f, 9.f, -1.f}, [](double x) { return std::sqrt(x); });
  ExpectFloatMath("Log", {0.5f, 1.f, 10.f, 0.f}, [](double x) { return std::log(x); });
  ExpectFloatMath(
      "Acosh", {1.f, 2.f, 10.f}, [](double x) { return std::acosh(x); }, 22);
  ExpectFloatMath(
      "Atanh", {-0.5f, 0.f, 0.9f}, [](double x) { return std::atanh(x); }, 22);
}

TEST(Math, RoundTakesHalvesToEven) {
  EXPECT_EQ(Output<float>(FloatModel("Round", "0.5, 1.5, 2.5, -2.5, -0.4, 2.6", 6, 11)),
            (std::vector<float>{0.f, 2.f, 2.f, -2.f, -0.f, 3.f}));
}

TEST(Math, Float16ResultsAreRoundedToFloat16) {
  Feeds feeds;
  feeds.emplace_back("x", *Tensor::FromValues<Float16>({2}, {ToFloat16(2.f), ToFloat16(3.f)}));
  auto outputs = Evaluate(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float16[2] x) => (float16[2] y) { y = Sqrt(x) })",
                          feeds);
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  auto y = View<Float16>((*outputs)[0]);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)[0], ToFloat16(std::sqrt(2.f)));
  EXPECT_EQ((*y)[1], ToFloat16(std::sqrt(3.f)));
}

TEST(Math, IntegerAbsAndNegWrap) {
  EXPECT_EQ(Output<int8_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int8[3] y) <int8[3] x = {-128, -5, 7}> { y = Abs(x) })"),
            (std::vector<int8_t>{-128, 5, 7}));
  EXPECT_EQ(Output<int64_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int64[2] y) <int64[2] x = {-9223372036854775808, 5}> { y = Neg(x) })"),
            (std::vector<int64_t>{std::numeric_limits<int64_t>::min(), -5}));
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (uint8[1] y) <uint8[1] x = {1}> { y = Neg(x) })",
                absl::StatusCode::kUnimplemented, "uint8");
}

TEST(Math, SignOfEachTypeFamily) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("nan and inf literals");
  EXPECT_EQ(Output<int16_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int16[3] y) <int16[3] x = {-7, 0, 9}> { y = Sign(x) })"),
            (std::vector<int16_t>{-1, 0, 1}));
  EXPECT_EQ(Output<uint32_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (uint32[2] y) <uint32[2] x = {0, 4000000000}> { y = Sign(x) })"),
            (std::vector<uint32_t>{0, 1}));
  const std::vector<float> y = Output<float>(FloatModel("Sign", "-0.1, 0, nan", 3));
  ASSERT_EQ(y.size(), 3u);
  EXPECT_EQ(y[0], -1.f);
  EXPECT_EQ(y[1], 0.f);
  EXPECT_TRUE(std::isnan(y[2]));
}

TEST(Classify, IsNaNAndIsInfWithItsAttributes) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("nan and inf literals");
  EXPECT_EQ(Output<bool>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (bool[3] y) <float[3] x = {nan, inf, 1}> { y = IsNaN(x) })"),
            (std::vector<bool>{true, false, false}));
  EXPECT_EQ(Output<bool>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (bool[4] y) <double[4] x = {-inf, inf, nan, 0}> { y = IsInf(x) })"),
            (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(Output<bool>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (bool[2] y) <double[2] x = {-inf, inf}> { y = IsInf<detect_positive = 0>(x) })"),
            (std::vector<bool>{true, false}));
}

TEST(Activations, ReluTakesSignedIntegersFromOpset14) {
  EXPECT_EQ(Output<int32_t>(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (int32[2] y) <int32[2] x = {-3, 3}> { y = Relu(x) })"),
            (std::vector<int32_t>{0, 3}));
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int32[2] y) <int32[2] x = {-3, 3}> { y = Relu(x) })",
                absl::StatusCode::kUnimplemented, "Relu-13 does not allow");
}

TEST(Activations, DefaultsAndAttributes) {
  ONNXKIT_SKIP_WITHOUT_OPSET(22);
  const std::vector<float> xs{-3.f, -0.5f, 0.f, 0.5f, 2.f, 4.f};
  ExpectFloatMath("Relu", xs, [](double x) { return std::max(0.0, x); });
  ExpectFloatMath(
      "LeakyRelu", xs, [](double x) { return x < 0 ? 0.01f * x : x; }, 16);
  ExpectFloatMath(
      "LeakyRelu", xs, [](double x) { return x < 0 ? 0.5 * x : x; }, 16, "<alpha = 0.5>");
  ExpectFloatMath(
      "Elu", xs, [](double x) { return x < 0 ? std::exp(x) - 1 : x; }, 22);
  ExpectFloatMath(
      "Selu", xs,
      [](double x) {
        const double alpha = 1.67326319217681884765625, gamma = 1.05070102214813232421875;
        return x > 0 ? gamma * x : gamma * (alpha * std::exp(x) - alpha);
      },
      22);
  ExpectFloatMath(
      "Celu", xs,
      [](double x) { return std::max(0.0, x) + std::min(0.0, 2 * (std::exp(x / 2) - 1)); }, 12,
      "<alpha = 2.0>");
  ExpectFloatMath("Sigmoid", xs, [](double x) { return 1 / (1 + std::exp(-x)); });
  ExpectFloatMath(
      "HardSigmoid", xs, [](double x) { return std::clamp(0.2f * x + 0.5f, 0.0, 1.0); }, 22);
  ExpectFloatMath(
      "HardSwish", xs,
      [](double x) { return x * std::clamp(static_cast<float>(1.0 / 6) * x + 0.5, 0.0, 1.0); }, 22);
  ExpectFloatMath(
      "Softplus", xs, [](double x) { return std::log(std::exp(x) + 1); }, 22);
  ExpectFloatMath(
      "Softsign", xs, [](double x) { return x / (1 + std::fabs(x)); }, 22);
  ExpectFloatMath(
      "Mish", xs, [](double x) { return x * std::tanh(std::log(1 + std::exp(x))); }, 22);
  ExpectFloatMath(
      "ThresholdedRelu", xs, [](double x) { return x > 1 ? x : 0.0; }, 22);
  ExpectFloatMath(
      "Gelu", xs, [](double x) { return 0.5 * x * (1 + std::erf(x / std::numbers::sqrt2)); }, 20);
  ExpectFloatMath(
      "Gelu", xs,
      [](double x) {
        return 0.5 * x *
               (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (x + 0.044715 * x * x * x)));
      },
      20, "<approximate = \"tanh\">");
  ExpectFloatMath(
      "Shrink", xs, [](double x) { return x < -1 ? x + 0.25f : (x > 1 ? x - 0.25f : 0.0); }, 13,
      "<lambd = 1.0, bias = 0.25>");
}

TEST(Activations, SoftplusDoesNotOverflowForLargeInputs) {
  EXPECT_EQ(Output<double>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (double[1] y) <double[1] x = {1000}> { y = Softplus(x) })"),
            (std::vector<double>{1000.0}));
}

TEST(Activations, GeluRefusesAnUnknownApproximation) {
  ONNXKIT_SKIP_WITHOUT_OPSET(22);
  ExpectFailure(FloatModel("Gelu", "1", 1, 20, "<approximate = \"fast\">"),
                absl::StatusCode::kInvalidArgument, "approximate");
  ExpectFailure(FloatModel("Gelu", "1", 1, 19), absl::StatusCode::kUnimplemented, "Gelu");
}

TEST(Activations, ShrinkOnIntegersNeedsIntegralResults) {
  EXPECT_EQ(Output<int8_t>(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int8[3] y) <int8[3] x = {-5, 1, 5}> { y = Shrink<lambd = 2.0, bias = 1.0>(x) })"),
            (std::vector<int8_t>{-4, 0, 4}));
  ExpectFailure(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int8[1] y) <int8[1] x = {-5}> { y = Shrink<bias = 0.5>(x) })",
                absl::StatusCode::kUnimplemented, "not a int8");
}

TEST(Versions, ActivationsServeTheirOlderSchemas) {
  // Elu-6 and Softsign-1 are in force at opsets 6 and 1: the same formulas.
  ExpectFloatMath(
      "Elu", {-1.f, 1.f}, [](double x) { return x < 0 ? std::exp(x) - 1 : x; }, 6);
  ExpectFloatMath(
      "Softsign", {-1.f, 3.f}, [](double x) { return x / (1 + std::fabs(x)); }, 1);
  ExpectFailure(FloatModel("HardSwish", "1", 1, 13), absl::StatusCode::kUnimplemented,
                "from opset 14");
}

}  // namespace
}  // namespace onnxkit
