// The evaluator's entry points: EvaluateModel, EvaluateNode, CanEvaluate.
#include <gtest/gtest.h>

#include "ir/ir_test_util.h"
#include "onnxkit/eval.h"
#include "onnxkit/tensor.h"

namespace onnxkit {
namespace {

using ir_test::Parse;

TEST(EvaluateModel, AddsWithBroadcastingInFloat32Precision) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[2,2] x) => (float[2,2] y) <float[2] b = {0.1, 1e8}> {
      y = Add(x, b)
    })");
  ASSERT_NE(model, nullptr);
  std::vector<std::pair<std::string, Tensor>> feeds;
  feeds.emplace_back("x", *Tensor::FromValues<float>({2, 2}, {1.f, 1.f, 2.f, 3.f}));
  auto outputs = EvaluateModel(*model, feeds);
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  ASSERT_EQ(outputs->size(), 1u);
  EXPECT_EQ((*outputs)[0].name, "y");
  EXPECT_EQ((*outputs)[0].dims, (std::vector<int64_t>{2, 2}));
  auto y = View<float>((*outputs)[0]);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->ToVector(), (std::vector<float>{1.f + 0.1f, 1e8f + 1.f, 2.f + 0.1f, 1e8f + 3.f}));
}

TEST(EvaluateModel, IntegerOverflowWrapsAtTheElementWidth) {
  // Mul takes int8 from Mul-14 on.
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g (int8[2] x, int8[2] z) => (int8[2] y) {
      y = Mul(x, z)
    })");
  ASSERT_NE(model, nullptr);
  std::vector<std::pair<std::string, Tensor>> feeds;
  feeds.emplace_back("x", *Tensor::FromValues<int8_t>({2}, {100, -3}));
  feeds.emplace_back("z", *Tensor::FromValues<int8_t>({2}, {2, 5}));
  auto outputs = EvaluateModel(*model, feeds);
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_EQ(View<int8_t>((*outputs)[0])->ToVector(), (std::vector<int8_t>{-56, -15}));
}

TEST(EvaluateModel, IntegerDivisionByZeroIsAnErrorNamingTheNode) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int64[1] x) => (int64[1] y) <int64[1] zero = {0}> {
      y = Div(x, zero)
    })");
  ASSERT_NE(model, nullptr);
  std::vector<std::pair<std::string, Tensor>> feeds;
  feeds.emplace_back("x", *Tensor::FromValues<int64_t>({1}, {7}));
  auto outputs = EvaluateModel(*model, feeds);
  ASSERT_FALSE(outputs.ok());
  EXPECT_NE(outputs.status().message().find("Div"), std::string::npos) << outputs.status();
  EXPECT_NE(outputs.status().message().find("division by zero"), std::string::npos);
}

TEST(EvaluateModel, UnfedInputIsAnError) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1] x) => (float[1] y) {
      y = Add(x, x)
    })");
  ASSERT_NE(model, nullptr);
  auto outputs = EvaluateModel(*model, {});
  ASSERT_FALSE(outputs.ok());
  EXPECT_NE(outputs.status().message().find("'x'"), std::string::npos) << outputs.status();
}

TEST(EvaluateModel, AFeedOfAnotherTypeThanDeclaredIsAnError) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1] x) => (float[1] y) {
      y = Add(x, x)
    })");
  ASSERT_NE(model, nullptr);
  std::vector<std::pair<std::string, Tensor>> feeds;
  feeds.emplace_back("x", *Tensor::FromValues<int64_t>({1}, {7}));
  auto outputs = EvaluateModel(*model, feeds);
  ASSERT_FALSE(outputs.ok());
  EXPECT_NE(outputs.status().message().find("declared float32"), std::string::npos)
      << outputs.status();
}

TEST(CanEvaluate, RefusesUnknownOpsAndUnrepresentedTypes) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13, "example.custom" : 1]>
    g (float[1] x) => (float[1] y, float[1] z) {
      y = Add(x, x)
      z = example.custom.Unknown(x)
    })");
  ASSERT_NE(model, nullptr);
  const Node* add = model->graph->first_node();
  const Node* custom = model->graph->last_node();
  const int32_t f = static_cast<int32_t>(DataType::kFloat);
  const int32_t c = static_cast<int32_t>(DataType::kComplex64);
  EXPECT_TRUE(CanEvaluate(*add, 13, std::vector<int32_t>{f, f}).supported);
  EvalSupport complex = CanEvaluate(*add, 13, std::vector<int32_t>{c, c});
  EXPECT_FALSE(complex.supported);
  EXPECT_NE(complex.reason.find("complex64"), std::string::npos) << complex.reason;
  EvalSupport unknown = CanEvaluate(*custom, 1, std::vector<int32_t>{f});
  EXPECT_FALSE(unknown.supported);
  EXPECT_NE(unknown.reason.find("example.custom::Unknown"), std::string::npos) << unknown.reason;
}

}  // namespace
}  // namespace onnxkit
