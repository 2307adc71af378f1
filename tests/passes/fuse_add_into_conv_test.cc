// fuse-add-into-conv (passes/fuse_add_into_conv.h): per-channel constants of every accepted
// shape become the bias (ONNX Runtime computes the same); other shapes, run-time operands and
// shared Conv outputs are refused with the reason.
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

constexpr const char* kConvAdd = R"(
  <ir_version: 8, opset_import: ["" : 13]>
  g (float[1,1,3,3] x) => (float[1,2,3,3] y, float[1,2,3,3] z)
  <float[2,1,1,1] w = {2.0, -1.0}, float[2] cb = {0.5, 0.25}, float[2,1,1] k = {1.0, -3.0},
   float[1,2,1,1] k2 = {10.0, 20.0}> {
    c = Conv(x, w, cb)
    y = Add(k, c)
    c2 = Conv(x, w)
    z = Add(c2, k2)
  })";

TEST(FuseAddIntoConvPass, MakesPerChannelConstantsTheBias) {
  auto r = Rewrite(kConvAdd, "fuse-add-into-conv");
  EXPECT_EQ(r.result.Stat("adds-fused"), 2);
  EXPECT_THAT(pass_test::Nodes(*r.model->graph),
              ElementsAre("Conv(x,w,cb_add)->y", "Conv(x,w,w_bias_add)->z"));
  EXPECT_THAT(InputValues(*r.model, "Conv", 2), ElementsAre(1.5, -2.75));
  EXPECT_EQ(r.model->graph->initializers().size(), 3u);  // w and the two new biases
  EXPECT_SAME_UNDER_ORT(kConvAdd, "fuse-add-into-conv");
}

TEST(FuseAddIntoConvPass, TakesScalarsAndOneElementConstants) {
  constexpr const char* kText = R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,1,3,3] x) => (float[1,2,3,3] y)
    <float[2,1,1,1] w = {2.0, -1.0}, float k = {4.0}, float[1] k1 = {-1.0}> {
      c = Conv(x, w)
      a = Add(c, k)
      y = Add(a, k1)
    })";
  auto r = Rewrite(kText, "fuse-add-into-conv");
  EXPECT_EQ(r.result.Stat("adds-fused"), 2);
  EXPECT_THAT(OpTypes(*r.model->graph), ElementsAre("Conv"));
  EXPECT_THAT(InputValues(*r.model, "Conv", 2), ElementsAre(3.0, 3.0));
  EXPECT_SAME_UNDER_ORT(kText, "fuse-add-into-conv");
}

TEST(FuseAddIntoConvPass, RefusesOtherShapesRuntimeOperandsAndSharedOutputs) {
  auto r = Rewrite(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,1,2,2] x, float[2,1,1] d) => (float[1,2,2,2] y1, float[1,2,2,2] y2,
                                            float[1,2,2,2] y3, float[1,2,2,2] y4)
    <float[2,1,1,1] w = {2.0, -1.0}, float[2] k = {1.0, 2.0}, float[2,1,1] kc = {1.0, 2.0}> {
      c1 = Conv(x, w)
      y1 = Add(c1, k)
      c2 = Conv(x, w)
      y2 = Add(c2, d)
      c3 = Conv(x, w)
      y3 = Add(c3, kc)
      y4 = Relu(c3)
    })",
                   "fuse-add-into-conv");
  EXPECT_FALSE(r.result.changed);
  EXPECT_THAT(
      Skips(r.result),
      ElementsAre(HasSubstr("the constant [2] varies along an axis other than the channels"),
                  HasSubstr("'d' is not constant"), HasSubstr("'c3' has other readers")));
}

}  // namespace
}  // namespace onnxkit
