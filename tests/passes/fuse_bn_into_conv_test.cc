// fuse-bn-into-conv (passes/fuse_bn_into_conv.h): where it fires (Conv with and without bias,
// ConvTranspose with groups, float16, sub-graphs, function bodies) the new weights are the
// formula's and ONNX Runtime computes the same (float16 and bfloat16 by their values:
// ONNX Runtime's CPU Conv is float only); where it must not, the skip says why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "passes/fusion_test_util.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using fusion_test::InputValues;
using fusion_test::Rewrite;
using pass_test::Names;
using pass_test::OpTypes;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kConvBn = R"(
  <ir_version: 8, opset_import: ["" : 15]>
  g (float[1,2,3,3] x) => (float[1,3,3,3] y)
  <float[3,2,1,1] w = {0.5, -1.0, 2.0, 0.25, -0.75, 1.5}, float[3] cb = {0.1, -0.2, 0.3},
   float[3] s = {1.0, 2.0, 0.5}, float[3] b = {0.0, 1.0, -1.0},
   float[3] m = {0.2, -0.1, 0.4}, float[3] v = {1.0, 0.5, 2.0}> {
    c = Conv(x, w, cb)
    y = BatchNormalization <epsilon: float = 0.001> (c, s, b, m, v)
  })";

TEST(FuseBnIntoConvPass, FoldsTheBatchNormIntoWeightsAndBias) {
  auto r = Rewrite(kConvBn, "fuse-bn-into-conv");
  EXPECT_EQ(r.result.Stat("batchnorms-fused"), 1);
  EXPECT_THAT(OpTypes(*r.model->graph), ElementsAre("Conv"));
  EXPECT_THAT(Names(r.model->graph->outputs()), ElementsAre("y"));
  EXPECT_EQ(r.model->graph->first_node()->output(0)->name(), "y");
  // Only the two new constants are left: the old weights and the BN's parameters are gone.
  EXPECT_EQ(r.model->graph->initializers().size(), 2u);
  const double scale[3] = {1.0, 2.0, 0.5}, bias[3] = {0.0, 1.0, -1.0}, mean[3] = {0.2, -0.1, 0.4},
               var[3] = {1.0, 0.5, 2.0};
  const double w[6] = {0.5, -1.0, 2.0, 0.25, -0.75, 1.5}, cb[3] = {0.1, -0.2, 0.3};
  std::vector<double> new_w = InputValues(*r.model, "Conv", 1);
  std::vector<double> new_b = InputValues(*r.model, "Conv", 2);
  ASSERT_EQ(new_w.size(), 6u);
  ASSERT_EQ(new_b.size(), 3u);
  for (int c = 0; c < 3; ++c) {
    const double s = scale[c] / std::sqrt(var[c] + double{0.001f});
    EXPECT_NEAR(new_w[2 * c], w[2 * c] * s, 1e-6);
    EXPECT_NEAR(new_w[2 * c + 1], w[2 * c + 1] * s, 1e-6);
    EXPECT_NEAR(new_b[c], (cb[c] - mean[c]) * s + bias[c], 1e-6);
  }
  EXPECT_SAME_UNDER_ORT(kConvBn, "fuse-bn-into-conv");
}

TEST(FuseBnIntoConvPass, AddsABiasWhenTheConvHasNone) {
  constexpr const char* kText = R"(
    <ir_version: 7, opset_import: ["" : 11]>
    g (float[1,1,4,4] x) => (float[1,2,3,3] y, float[1,2,3,3] z)
    <float[2,1,2,2] w = {1, 2, 3, 4, -1, -2, 0.5, 0.25}, float[2] s = {1.5, -0.5},
     float[2] b = {0.25, 0.75}, float[2] m = {0.1, 0.2}, float[2] v = {0.3, 4.0}> {
      c = Conv <pads = [0, 0, 0, 0]> (x, w)
      y = BatchNormalization(c, s, b, m, v)
      z = Relu(y)
    })";
  auto r = Rewrite(kText, "fuse-bn-into-conv");
  EXPECT_EQ(r.result.Stat("batchnorms-fused"), 1);
  EXPECT_THAT(pass_test::Nodes(*r.model->graph),
              ElementsAre("Conv(x,w_bn,w_bias_bn)->y", "Relu(y)->z"));
  EXPECT_SAME_UNDER_ORT(kText, "fuse-bn-into-conv");
}

TEST(FuseBnIntoConvPass, FoldsIntoAGroupedConvTranspose) {
  // Weight [C_in=4, C_out/group=1, 2, 2], group 2: output channels 0..1 come from the groups.
  constexpr const char* kText = R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g (float[1,4,2,2] x) => (float[1,2,3,3] y)
    <float[4,1,2,2] w = {1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, 0.5, 0.25, 0.125, 2},
     float[2] cb = {0.5, -0.5}, float[2] s = {2.0, 0.5}, float[2] b = {1.0, -1.0},
     float[2] m = {0.5, 0.25}, float[2] v = {1.0, 3.0}> {
      c = ConvTranspose <group = 2> (x, w, cb)
      y = BatchNormalization <training_mode = 0> (c, s, b, m, v)
    })";
  auto r = Rewrite(kText, "fuse-bn-into-conv");
  EXPECT_THAT(OpTypes(*r.model->graph), ElementsAre("ConvTranspose"));
  std::vector<double> new_w = InputValues(*r.model, "ConvTranspose", 1);
  ASSERT_EQ(new_w.size(), 16u);
  const double s0 = 2.0 / std::sqrt(1.0 + double{1e-5f}), s1 = 0.5 / std::sqrt(3.0 + double{1e-5f});
  EXPECT_NEAR(new_w[0], 1 * s0, 1e-6);   // input channel 0, group 0: output channel 0
  EXPECT_NEAR(new_w[4], 5 * s0, 1e-6);   // input channel 1, group 0: output channel 0
  EXPECT_NEAR(new_w[8], -1 * s1, 1e-6);  // input channel 2, group 1: output channel 1
  EXPECT_NEAR(new_w[15], 2 * s1, 1e-6);
  EXPECT_SAME_UNDER_ORT(kText, "fuse-bn-into-conv");
}

TEST(FuseBnIntoConvPass, KeepsFloat16Weights) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("float16 initializers");
  // The parser takes float16 values as their bits: 2, 3, 1, 0.5 and 4.
  auto r = Rewrite(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g (float16[1,1,2,2] x) => (float16[1,1,2,2] y)
    <float16[1,1,1,1] w = {16384}, float16[1] s = {16896}, float16[1] b = {15360},
     float16[1] m = {14336}, float16[1] v = {17408}> {
      c = Conv(x, w)
      y = BatchNormalization <epsilon: float = 0.0> (c, s, b, m, v)
    })",
                   "fuse-bn-into-conv");
  EXPECT_THAT(OpTypes(*r.model->graph), ElementsAre("Conv"));
  const Tensor* w = r.model->graph->first_node()->input(1)->initializer();
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->data_type, static_cast<int32_t>(DataType::kFloat16));
  EXPECT_THAT(InputValues(*r.model, "Conv", 1), ElementsAre(3.0));   // 2 · 3/√4
  EXPECT_THAT(InputValues(*r.model, "Conv", 2), ElementsAre(0.25));  // (0 − 0.5)·1.5 + 1
}

TEST(FuseBnIntoConvPass, KeepsBfloat16Weights) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("bfloat16 initializers");
  // Conv takes bfloat16 from opset 22. The values are bits: 2, 3, 1, 0.5 and 4.
  auto r = Rewrite(R"(
    <ir_version: 10, opset_import: ["" : 22]>
    g (bfloat16[1,1,2,2] x) => (bfloat16[1,1,2,2] y)
    <bfloat16[1,1,1,1] w = {16384}, bfloat16[1] s = {16448}, bfloat16[1] b = {16256},
     bfloat16[1] m = {16128}, bfloat16[1] v = {16512}> {
      c = Conv(x, w)
      y = BatchNormalization <epsilon: float = 0.0> (c, s, b, m, v)
    })",
                   "fuse-bn-into-conv");
  const Tensor* w = r.model->graph->first_node()->input(1)->initializer();
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->data_type, static_cast<int32_t>(DataType::kBfloat16));
  EXPECT_THAT(InputValues(*r.model, "Conv", 1), ElementsAre(3.0));
  EXPECT_THAT(InputValues(*r.model, "Conv", 2), ElementsAre(0.25));
}

TEST(FuseBnIntoConvPass, FiresInSubgraphsAndFunctionBodies) {
  constexpr const char* kText = R"(
    <ir_version: 8, opset_import: ["" : 15, "local" : 1]>
    g (bool k, float[1,1,2,2] x) => (float[1,1,2,2] r, float[1,1,2,2] f)
    <float[1,1,1,1] w = {2.0}, float[1] s = {3.0}, float[1] b = {1.0}, float[1] m = {0.5},
     float[1] v = {4.0}> {
      r = If(k) <
        then_branch = t () => (float[1,1,2,2] o) {
          c = Conv(x, w)
          o = BatchNormalization(c, s, b, m, v)
        },
        else_branch = e () => (float[1,1,2,2] o2) { o2 = Identity(x) }
      >
      f = local.ConvBn(x)
    }
    <domain: "local", opset_import: ["" : 15]>
    ConvBn (X) => (Y) {
      W = Constant <value = float[1,1,1,1] {2.0}> ()
      S = Constant <value = float[1] {3.0}> ()
      B = Constant <value = float[1] {1.0}> ()
      M = Constant <value = float[1] {0.5}> ()
      V = Constant <value = float[1] {4.0}> ()
      C = Conv(X, W)
      Y = BatchNormalization(C, S, B, M, V)
    })";
  auto r = Rewrite(kText, "fuse-bn-into-conv");
  EXPECT_EQ(r.result.Stat("batchnorms-fused"), 2);
  const Graph& then_branch = *r.model->graph->first_node()->GetGraph("then_branch");
  EXPECT_THAT(OpTypes(then_branch), ElementsAre("Conv"));
  EXPECT_THAT(Names(then_branch.outputs()), ElementsAre("o"));
  EXPECT_EQ(then_branch.initializers().size(), 2u);
  // The function body has no initializers: the new weights are Constant nodes.
  EXPECT_THAT(OpTypes(*r.model->functions[0]->body), ElementsAre("Constant", "Constant", "Conv"));
  EXPECT_THAT(Names(r.model->functions[0]->body->outputs()), ElementsAre("Y"));
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(kText));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {"fuse-bn-into-conv"}, testing::BothBranches());
}

TEST(FuseBnIntoConvPass, RefusesWhatIsNotAnInferenceBatchNormAfterAConv) {
  auto r = Rewrite(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g (float[1,1,2,2] x, float[1,1,1,1] dw, float[1] dm) => (float[1,1,2,2] y1, float[1,1,2,2] y2,
                                               float[1,1,2,2] y3, float[1,1,2,2] c3,
                                               float[1,1,2,2] y4, float[1,1,2,2] y5)
    <float[1,1,1,1] w = {2.0}, float[1] s = {3.0}, float[1] b = {1.0}, float[1] m = {0.5},
     float[1] v = {4.0}> {
      c1 = Conv(x, w)
      y1, rm, rv = BatchNormalization <training_mode = 1> (c1, s, b, m, v)
      c2 = Conv(x, dw)
      y2 = BatchNormalization(c2, s, b, m, v)
      c3 = Conv(x, w)
      y3 = BatchNormalization(c3, s, b, m, v)
      c4 = Conv(x, w)
      y4 = BatchNormalization(c4, s, b, dm, v)
      r5 = Relu(x)
      y5 = BatchNormalization(r5, s, b, m, v)
    })",
                   "fuse-bn-into-conv");
  EXPECT_FALSE(r.result.changed);
  EXPECT_THAT(
      Skips(r.result),
      ElementsAre(HasSubstr("training_mode=1"), HasSubstr("weight is not constant"),
                  HasSubstr("'c3' is also a graph output"), HasSubstr("mean is not constant")));
}

TEST(FuseBnIntoConvPass, RefusesOldOpsetsAndTrainingOutputs) {
  auto r = Rewrite(R"(
    <ir_version: 4, opset_import: ["" : 6]>
    g (float[1,1,2,2] x) => (float[1,1,2,2] y)
    <float[1,1,1,1] w = {2.0}, float[1] s = {3.0}, float[1] b = {1.0}, float[1] m = {0.5},
     float[1] v = {4.0}> {
      c = Conv(x, w)
      y = BatchNormalization <is_test = 1> (c, s, b, m, v)
    })",
                   "fuse-bn-into-conv");
  EXPECT_THAT(Skips(r.result), ElementsAre(HasSubstr("before opset 7")));
  auto r9 = Rewrite(R"(
    <ir_version: 4, opset_import: ["" : 9]>
    g (float[1,1,2,2] x) => (float[1,1,2,2] y, float[1] rm)
    <float[1,1,1,1] w = {2.0}, float[1] s = {3.0}, float[1] b = {1.0}, float[1] m = {0.5},
     float[1] v = {4.0}> {
      c = Conv(x, w)
      y, rm = BatchNormalization(c, s, b, m, v)
    })",
                    "fuse-bn-into-conv");
  EXPECT_THAT(Skips(r9.result), ElementsAre(HasSubstr("training output 1 ('rm')")));
}

}  // namespace
}  // namespace onnxkit
