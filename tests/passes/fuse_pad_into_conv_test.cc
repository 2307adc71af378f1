// fuse-pad-into-conv (passes/fuse_pad_into_conv.h): zero Pads of every opset form (attributes
// before 11, inputs after, axes from 18) join the pads of a Conv or a count-including
// AveragePool (ONNX Runtime computes the same); MaxPool, non-zero values, other modes, pads on
// the channels, auto_pad and pool pads as large as the kernel are refused with the reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/fusion_test_util.h"

namespace onnxkit {
namespace {

using fusion_test::Rewrite;
using pass_test::OpTypes;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

std::vector<int64_t> PadsOf(const Node& n) {
  auto pads = n.GetInts("pads");
  return pads ? std::vector<int64_t>(pads->begin(), pads->end()) : std::vector<int64_t>{};
}

constexpr const char* kPadConv = R"(
  <ir_version: 8, opset_import: ["" : 13]>
  g (float[1,1,4,4] x) => (float[1,2,7,5] y)
  <float[2,1,2,2] w = {1, 2, 3, 4, -1, 0.5, 0.25, 2}, int64[8] p = {0, 0, 1, 0, 0, 0, 2, 1}> {
    t = Pad(x, p)
    y = Conv <pads = [1, 0, 0, 1]> (t, w)
  })";

TEST(FusePadIntoConvPass, AddsThePadsToTheConvs) {
  auto r = Rewrite(kPadConv, "fuse-pad-into-conv");
  EXPECT_EQ(r.result.Stat("pads-fused"), 1);
  EXPECT_THAT(pass_test::Nodes(*r.model->graph), ElementsAre("Conv(x,w)->y"));
  EXPECT_THAT(PadsOf(*r.model->graph->first_node()), ElementsAre(2, 0, 2, 2));
  EXPECT_EQ(r.model->graph->initializers().size(), 1u);  // the pads are gone
  EXPECT_SAME_UNDER_ORT(kPadConv, "fuse-pad-into-conv");
}

TEST(FusePadIntoConvPass, ReadsPadAttributesBeforeOpset11) {
  constexpr const char* kText = R"(
    <ir_version: 4, opset_import: ["" : 10]>
    g (float[1,1,3,3] x) => (float[1,1,4,4] y)
    <float[1,1,2,2] w = {1, 2, 3, 4}> {
      t = Pad <pads = [0, 0, 1, 1, 0, 0, 1, 1], value: float = 0.0> (x)
      y = Conv(t, w)
    })";
  auto r = Rewrite(kText, "fuse-pad-into-conv");
  EXPECT_THAT(OpTypes(*r.model->graph), ElementsAre("Conv"));
  EXPECT_THAT(PadsOf(*r.model->graph->first_node()), ElementsAre(1, 1, 1, 1));
  EXPECT_SAME_UNDER_ORT(kText, "fuse-pad-into-conv");
}

TEST(FusePadIntoConvPass, ReadsAxesAndAZeroValueAtOpset18) {
  constexpr const char* kText = R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g (float[1,2,3,3] x) => (float[1,2,3,3] y)
    <int64[4] p = {1, 0, 1, 2}, int64[2] axes = {-1, 2}, float zero = {0.0}> {
      t = Pad(x, p, zero, axes)
      y = AveragePool <kernel_shape = [3, 3], count_include_pad = 1> (t)
    })";
  auto r = Rewrite(kText, "fuse-pad-into-conv");
  EXPECT_THAT(OpTypes(*r.model->graph), ElementsAre("AveragePool"));
  // axes (-1, 2) = (3, 2): begin 1 on W, 0 on H; end 1 on W, 2 on H → [H0, W0, H1, W1].
  EXPECT_THAT(PadsOf(*r.model->graph->first_node()), ElementsAre(0, 1, 2, 1));
  EXPECT_TRUE(r.model->graph->initializers().empty());
  EXPECT_SAME_UNDER_ORT(kText, "fuse-pad-into-conv");
}

TEST(FusePadIntoConvPass, RefusesWhatZeroPaddingWouldChange) {
  auto r = Rewrite(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,1,3,3] x) => (float[1,1,4,4] y1, float[1,1,4,4] y2, float[1,1,4,4] y3,
                            float[1,1,4,4] y4, float[2,1,2,2] y5, float[1,1,5,5] y6,
                            float[1,1,1,2] y7, float[1,1,5,5] y8)
    <float[1,1,2,2] w = {1, 2, 3, 4}, int64[8] p = {0, 0, 1, 1, 0, 0, 1, 1},
     int64[8] pn = {1, 0, 0, 0, 0, 0, 0, 0}, float one = {1.0},
     int64[8] neg = {0, 0, -1, 0, 0, 0, 0, 0}> {
      t1 = Pad(x, p)
      y1 = MaxPool <kernel_shape = [2, 2]> (t1)
      t2 = Pad(x, p)
      y2 = AveragePool <kernel_shape = [2, 2]> (t2)
      t3 = Pad(x, p, one)
      y3 = Conv(t3, w)
      t4 = Pad <mode = "reflect"> (x, p)
      y4 = Conv(t4, w)
      t5 = Pad(x, pn)
      y5 = Conv(t5, w)
      t6 = Pad(x, p)
      y6 = Conv <auto_pad = "SAME_UPPER"> (t6, w)
      t7 = Pad(x, neg)
      y7 = Conv(t7, w)
      t8 = Pad(x, p)
      y8 = AveragePool <kernel_shape = [1, 1], count_include_pad = 1> (t8)
    })",
                   "fuse-pad-into-conv");
  EXPECT_FALSE(r.result.changed);
  EXPECT_THAT(Skips(r.result),
              ElementsAre(HasSubstr("MaxPool pads with -inf"), HasSubstr("count_include_pad=0"),
                          HasSubstr("non-zero value"), HasSubstr("mode is reflect"),
                          HasSubstr("batch or channel axis"), HasSubstr("auto_pad=SAME_UPPER"),
                          HasSubstr("negative pads"), HasSubstr("would reach its kernel size 1")));
}

}  // namespace
}  // namespace onnxkit
