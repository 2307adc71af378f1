// dynamic-scales:
//  1. a Resize's constant scales become a graph input named `scales` (the initializer of
//     that name goes), and the declared output dims that depended on them become symbolic
//     while those that did not keep their numbers;
//  2. a Constant node's scales too; shape=spatial and shape=scalar feed [h,w] / one factor
//     and the graph builds the full vector;
//  3. equal scales share one input, per-node gives one each;
//  4. keep-default keeps the old value as the input's default (IR 4+; an error before);
//  5. it does not fire, with the reason, on sizes, run-time scales, Upsample-8's attribute
//     and nodes inside functions;
//  6. the corpus super-resolution exports come out checked clean with a `scales` input.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "passes/pass_test_util.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using ir_test::Parse;
using pass_test::OpTypes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

StatusOr<PassResult> Promote(Model& model,
                             const std::vector<std::pair<std::string, std::string>>& options = {}) {
  return pass_test::RunPass("dynamic-scales", model, options);
}

TEST(DynamicScales, ConstantScalesBecomeAnInputAndDependentDimsSymbolic) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,1,4,4] x) => (float[1,2,12,12] y) <float[0] roi = {}, float[4] scales = {1, 1, 3, 3}, float[2,1,1,1] w = {1, 2}> {
      up = Resize<mode = "cubic">(x, roi, scales)
      y = Conv(up, w)
    })");
  ASSERT_TRUE(model);
  auto result = Promote(*model);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->changed);
  const Graph& g = *model->graph;
  ASSERT_EQ(g.inputs().size(), 2u);
  const Value* scales = g.inputs()[1];
  EXPECT_EQ(scales->name(), "scales");
  EXPECT_EQ(TypeToString(*scales->type()), "float32[4]");
  EXPECT_EQ(scales->initializer(), nullptr);
  EXPECT_EQ(g.first_node()->input(2), scales);
  for (const Value* init : g.initializers()) EXPECT_NE(init->name(), "scales/replaced");
  EXPECT_EQ(g.initializers().size(), 2u);  // roi and w
  EXPECT_EQ(TypeToString(*g.outputs()[0]->type()), "float32[1,2,y_dim2,y_dim3]");
  EXPECT_CLEAN(*model);
}

TEST(DynamicScales, AConstantNodeAndTheSpatialShape) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g (float[1,1,4,4] x) => (float[1,1,8,8] y) {
      s = Constant<value_floats = [1.0, 1.0, 2.0, 2.0]>()
      y = Resize(x, , s)
    })");
  ASSERT_TRUE(model);
  auto result = Promote(*model, {{"shape", "spatial"}, {"name", "factor"}});
  ASSERT_TRUE(result.ok()) << result.status();
  const Graph& g = *model->graph;
  EXPECT_THAT(OpTypes(g), ElementsAre("Concat", "Resize"));
  EXPECT_EQ(g.inputs()[1]->name(), "factor");
  EXPECT_EQ(TypeToString(*g.inputs()[1]->type()), "float32[2]");
  EXPECT_EQ(g.last_node()->input(2), g.first_node()->output(0));
  EXPECT_CLEAN(*model);
}

TEST(DynamicScales, TheScalarShapeAndOpset18Axes) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g (float[1,1,4,4] x) => (float[1,1,12,12] y) <float[2] s = {3, 3}> {
      y = Resize<axes = [2, 3]>(x, , s)
    })");
  ASSERT_TRUE(model);
  auto result = Promote(*model, {{"shape", "scalar"}, {"keep-default", "true"}});
  ASSERT_TRUE(result.ok()) << result.status();
  const Graph& g = *model->graph;
  EXPECT_THAT(OpTypes(g), ElementsAre("Expand", "Resize"));
  const Value* scales = g.inputs()[1];
  EXPECT_EQ(TypeToString(*scales->type()), "float32[]");
  ASSERT_NE(scales->initializer(), nullptr);
  EXPECT_TRUE(scales->initializer()->dims.empty());
  EXPECT_CLEAN(*model);
}

TEST(DynamicScales, EqualScalesShareAnInputUnlessPerNode) {
  const char* text = R"(
    <ir_version: 8, opset_import: ["" : 10]>
    g (float[1,1,4,4] x) => (float[1,1,8,8] a, float[1,1,8,8] b, float[1,1,12,12] c) <float[4] s2 = {1, 1, 2, 2}, float[4] t2 = {1, 1, 2, 2}, float[4] s3 = {1, 1, 3, 3}> {
      a = Resize(x, s2)
      b = Resize(x, t2)
      c = Upsample(x, s3)
    })";
  auto model = Parse(text);
  ASSERT_TRUE(model);
  // Upsample is deprecated at opset 10: it is left alone with a reason.
  auto result = Promote(*model);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->Stat("inputs-added"), 1);
  EXPECT_EQ(model->graph->inputs().size(), 2u);
  ASSERT_EQ(result->skipped.size(), 1u);
  EXPECT_THAT(result->skipped[0].reason, HasSubstr("deprecated at opset 10"));

  auto per_node = Parse(text);
  ASSERT_TRUE(Promote(*per_node, {{"per-node", "true"}}).ok());
  ASSERT_EQ(per_node->graph->inputs().size(), 3u);
  EXPECT_EQ(per_node->graph->inputs()[1]->name(), "scales");
  EXPECT_EQ(per_node->graph->inputs()[2]->name(), "scales_1");
}

TEST(DynamicScales, UpsampleNineIsRewrittenEightIsNot) {
  auto nine = Parse(R"(
    <ir_version: 4, opset_import: ["" : 9]>
    g (float[1,1,4,4] x) => (float[1,1,8,8] y) <float[4] s = {1, 1, 2, 2}> {
      y = Upsample(x, s)
    })");
  ASSERT_TRUE(nine);
  auto result = Promote(*nine, {{"keep-default", "true"}});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->Stat("nodes-rewritten"), 1);
  EXPECT_NE(nine->graph->inputs()[1]->initializer(), nullptr);

  auto eight = Parse(R"(
    <ir_version: 3, opset_import: ["" : 8]>
    g (float[1,1,4,4] x) => (float[1,1,8,8] y) {
      y = Upsample<scales = [1.0, 1.0, 2.0, 2.0]>(x)
    })");
  ASSERT_TRUE(eight);
  result = Promote(*eight);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->changed);
  ASSERT_EQ(result->skipped.size(), 1u);
  EXPECT_THAT(result->skipped[0].reason, HasSubstr("Upsample-8 has its scales as an attribute"));
  // keep-default needs an input default, which IR 3 does not have: an error when there is
  // something to rewrite, and nothing to say when there is not.
  EXPECT_TRUE(Promote(*eight, {{"keep-default", "true"}}).ok());
  auto nine_ir3 = Parse(R"(
    <ir_version: 3, opset_import: ["" : 9]>
    g (float[1,1,4,4] x) => (float[1,1,8,8] y) <float[4] s = {1, 1, 2, 2}> {
      y = Upsample(x, s)
    })");
  ASSERT_TRUE(nine_ir3);
  EXPECT_THAT(std::string(Promote(*nine_ir3, {{"keep-default", "true"}}).status().message()),
              HasSubstr("IR version 4"));
}

TEST(DynamicScales, SizesAndRunTimeScalesAreLeftAloneWithTheReason) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,1,4,4] x, float[4] runtime) => (float[1,1,8,8] a, float[?,?,?,?] b) <int64[4] sizes = {1, 1, 8, 8}> {
      a = Resize(x, , , sizes)
      b = Resize(x, , runtime)
    })");
  ASSERT_TRUE(model);
  std::string before = *SaveBytes(*model);
  auto result = Promote(*model);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->changed);
  ASSERT_EQ(result->skipped.size(), 2u);
  EXPECT_THAT(result->skipped[0].reason, HasSubstr("uses sizes"));
  EXPECT_THAT(result->skipped[1].reason, HasSubstr("graph input"));
  EXPECT_EQ(*SaveBytes(*model), before);
}

TEST(DynamicScales, ANameTheModelUsesIsAnError) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 10]>
    g (float[1,1,4,4] x) => (float[1,1,8,8] y) <float[4] s = {1, 1, 2, 2}> {
      y = Resize(x, s)
    })");
  auto result = Promote(*model, {{"name", "x"}});
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("already has a value 'x'"));
  // The constant that goes frees its own name.
  ASSERT_TRUE(Promote(*model, {{"name", "s"}}).ok());
  EXPECT_EQ(model->graph->inputs()[1]->name(), "s");
  EXPECT_CLEAN(*model);
}

TEST(DynamicScales, CorpusSuperResolutionExports) {
  for (const char* name : {"srcnn_x3.onnx", "srcnn_x3_opset13.onnx", "srcnn_x3_opset17.onnx",
                           "upsample_nearest_opset9.onnx"}) {
    SCOPED_TRACE(name);
    auto model = LoadFile((testing::CorpusDir() / "models" / name).string());
    ASSERT_TRUE(model.ok()) << model.status();
    auto result = Promote(**model);
    ASSERT_TRUE(result.ok()) << result.status();
    for (const auto& s : result->skipped) ADD_FAILURE() << s.where << ": " << s.reason;
    EXPECT_GE(result->Stat("nodes-rewritten"), 1);
    EXPECT_NE((*model)->graph->Lookup("scales"), nullptr);
    EXPECT_CLEAN(**model);
  }
  // PixelShuffle models have no Resize: nothing to do, nothing to explain.
  for (const char* name : {"super_resolution_opset10.onnx", "super_resolution_opset11.onnx"}) {
    auto model = LoadFile((testing::CorpusDir() / "models" / name).string());
    ASSERT_TRUE(model.ok()) << model.status();
    auto result = Promote(**model);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_FALSE(result->changed);
    EXPECT_TRUE(result->skipped.empty());
  }
  for (const char* name : {"resize_sizes_opset11.onnx", "resize_runtime_sizes.onnx",
                           "upsample_attribute_opset8.onnx"}) {
    SCOPED_TRACE(name);
    auto model = LoadFile((testing::CorpusDir() / "models" / name).string());
    ASSERT_TRUE(model.ok()) << model.status();
    auto result = Promote(**model);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_FALSE(result->changed);
    EXPECT_FALSE(result->skipped.empty());
    for (const auto& s : result->skipped)
      std::cout << name << ": " << s.where << ": " << s.reason << "\n";
  }
}

}  // namespace
}  // namespace onnxkit
