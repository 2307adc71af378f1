// fuse-consecutive-reshapes (passes/fuse_consecutive_reshapes.h): the second Reshape reads
// the first one's input when its shape has no 0 copying the intermediate dims (or allowzero
// makes 0 literal); -1 is fine; computed first shapes are fine; the first stays for other
// readers; chains; the shape attribute before opset 5; ONNX Runtime.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/pass_test_util.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Nodes;
using pass_test::Parse;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPass[] = "fuse-consecutive-reshapes";

TEST(FuseConsecutiveReshapesPass, TheSecondReadsTheFirstsInput) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X, int64[2] s) => (float[4,6] Y) <int64[2] t = {-1, 6}> {
      a = Reshape(X, s)
      b = Reshape(a, t)
      Y = Neg(b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("reshapes-fused"), 1);
  EXPECT_EQ(result.Stat("nodes-removed"), 1);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Reshape(X,t)->b", "Neg(b)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveReshapesPass, AZeroThatCopiesAnIntermediateDimIsSkipped) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X, float[0,3] E) => (float[?,?] Y, float[?,?] Z)
      <int64[2] s = {6, 4}, int64[2] t = {0, -1}, int64[2] v = {3, 0}, int64[2] u = {0, 3}> {
      a = Reshape(X, s)
      Y = Reshape(a, t)
      c = Reshape <allowzero = 1> (E, v)
      Z = Reshape <allowzero = 1> (c, u)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  // With allowzero the 0 is a literal 0: that pair fuses.
  EXPECT_EQ(result.Stat("reshapes-fused"), 1);
  EXPECT_THAT(Nodes(*model->graph),
              ElementsAre("Reshape(X,s)->a", "Reshape(a,t)->Y", "Reshape(E,u)->Z"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("copies a dim of the first Reshape's output")));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveReshapesPass, AComputedSecondShapeIsSkipped) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X, int64[2] s) => (float[?,?] Y) <int64[2] t = {6, 4}> {
      a = Reshape(X, t)
      Y = Reshape(a, s)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("its shape is computed at run time")));
}

TEST(FuseConsecutiveReshapesPass, TheFirstStaysForItsOtherReadersAndChainsCollapse) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X) => (float[24] Y, float[6,4] Z)
      <int64[2] s = {6, 4}, int64[2] t = {4, 6}, int64[1] u = {24}> {
      a = Reshape(X, s)
      b = Reshape(a, t)
      Y = Reshape(b, u)
      Z = Neg(a)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Reshape(X,s)->a", "Reshape(X,u)->Y", "Neg(a)->Z"));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveReshapesPass, TheShapeAttributeBeforeOpset5) {
  auto model = Parse(R"(
    <ir_version: 3, opset_import: ["" : 4]>
    g (float[2,3,4] X) => (float[4,6] Y) {
      a = Reshape <shape = [6, 4]> (X)
      b = Reshape <shape = [4, 6]> (a)
      Y = Neg(b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Reshape(X)->b", "Neg(b)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveReshapesPass, FusedModelsRunUnderOrt) {
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X) => (float[24] Y, float[6,4] Z, float[4,6] W)
      <int64[2] s = {6, 4}, int64[2] t = {4, -1}, int64[1] u = {24}> {
      a = Reshape(X, s)
      b = Reshape(a, t)
      Y = Reshape(b, u)
      Z = Neg(a)
      c = Reshape(X, u)
      W = Reshape(c, t)
    })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {kPass});
}

}  // namespace
}  // namespace onnxkit
