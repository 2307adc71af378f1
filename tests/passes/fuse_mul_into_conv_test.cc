// fuse-mul-into-conv (passes/fuse_mul_into_conv.h): a per-channel constant Mul scales the
// weights and the bias of the Conv or ConvTranspose before it (ONNX Runtime computes the
// same); a Mul that varies along the spatial axes is refused with the reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/fusion_test_util.h"

namespace onnxkit {
namespace {

using fusion_test::InputValues;
using fusion_test::Rewrite;
using pass_test::OpTypes;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kConvMul = R"(
  <ir_version: 8, opset_import: ["" : 13]>
  g (float[1,2,3,3] x) => (float[1,2,3,3] y)
  <float[2,2,1,1] w = {2.0, -1.0, 0.5, 4.0}, float[2] cb = {0.5, 0.25},
   float[1,2,1,1] k = {3.0, -2.0}> {
    c = Conv(x, w, cb)
    y = Mul(c, k)
  })";

TEST(FuseMulIntoConvPass, ScalesWeightsAndBiasPerChannel) {
  auto r = Rewrite(kConvMul, "fuse-mul-into-conv");
  EXPECT_EQ(r.result.Stat("muls-fused"), 1);
  EXPECT_THAT(OpTypes(*r.model->graph), ElementsAre("Conv"));
  EXPECT_THAT(InputValues(*r.model, "Conv", 1), ElementsAre(6.0, -3.0, -1.0, -8.0));
  EXPECT_THAT(InputValues(*r.model, "Conv", 2), ElementsAre(1.5, -0.5));
  EXPECT_EQ(r.model->graph->initializers().size(), 2u);
  EXPECT_SAME_UNDER_ORT(kConvMul, "fuse-mul-into-conv");
}

TEST(FuseMulIntoConvPass, ScalesAConvTransposeWithoutBias) {
  constexpr const char* kText = R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,2,2,2] x) => (float[1,3,3,3] y)
    <float[2,3,2,2] w = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                         -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12},
     float[3,1,1] k = {2.0, 0.5, -1.0}> {
      c = ConvTranspose(x, w)
      y = Mul(k, c)
    })";
  auto r = Rewrite(kText, "fuse-mul-into-conv");
  EXPECT_THAT(pass_test::Nodes(*r.model->graph), ElementsAre("ConvTranspose(x,w_mul)->y"));
  std::vector<double> w = InputValues(*r.model, "ConvTranspose", 1);
  ASSERT_EQ(w.size(), 24u);
  EXPECT_EQ(w[0], 2.0);    // [0, 0]: channel 0
  EXPECT_EQ(w[4], 2.5);    // [0, 1]: channel 1
  EXPECT_EQ(w[8], -9.0);   // [0, 2]: channel 2
  EXPECT_EQ(w[12], -2.0);  // [1, 0]: channel 0
  EXPECT_SAME_UNDER_ORT(kText, "fuse-mul-into-conv");
}

TEST(FuseMulIntoConvPass, RefusesConstantsThatVaryAlongSpatialAxes) {
  auto r = Rewrite(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,1,2,2] x) => (float[1,2,2,2] y)
    <float[2,1,1,1] w = {2.0, -1.0}, float[2,1,2] k = {1.0, 2.0, 3.0, 4.0}> {
      c = Conv(x, w)
      y = Mul(c, k)
    })",
                   "fuse-mul-into-conv");
  EXPECT_FALSE(r.result.changed);
  EXPECT_THAT(Skips(r.result), ElementsAre(HasSubstr("varies along an axis other than")));
}

TEST(FuseMulIntoConvPass, LeavesWeightsThatTrainingUpdatesAlone) {
  auto model = pass_test::Parse(kConvMul);
  TrainingInfo training;
  training.algorithm = std::make_unique<Graph>();
  training.update_binding.push_back({"w", "w_next", {}});
  model->training_info.push_back(std::move(training));
  RUN_PASS_OR_FAIL(result, "fuse-mul-into-conv", *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("training_info binds 'w'")));
}

}  // namespace
}  // namespace onnxkit
