// fuse-consecutive-slices (passes/fuse_consecutive_slices.h): two Slices over other axes
// become one (inputs at opset 13, attributes at opset 9, omitted axes and steps, negative
// axes with a known rank); refusals (a shared axis, computed parameters, negative axes of
// unknown rank); the first stays for other readers; ONNX Runtime on the Focus pattern.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/constant.h"
#include "passes/pass_test_util.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Nodes;
using pass_test::OpTypes;
using pass_test::Parse;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPass[] = "fuse-consecutive-slices";

std::vector<int64_t> InputInts(const Node& n, size_t i) {
  StatusOr<Tensor> t = ConstantTensor(n.input(i));
  if (!t.ok()) return {};
  return *ToInt64s(*t);
}

TEST(FuseConsecutiveSlicesPass, SlicesOverOtherAxesBecomeOne) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,3,8,8] X) => (float[1,3,4,4] Y)
      <int64[1] s = {0}, int64[1] e = {9223372036854775807}, int64[1] a2 = {2},
       int64[1] a3 = {-1}, int64[1] two = {2}> {
      p = Slice(X, s, e, a2, two)
      q = Slice(p, s, e, a3, two)
      Y = Neg(q)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("slices-fused"), 1);
  EXPECT_EQ(result.Stat("nodes-removed"), 1);
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Slice", "Neg"));
  const Node& slice = *model->graph->first_node();
  EXPECT_EQ(slice.input(0)->name(), "X");
  EXPECT_THAT(InputInts(slice, 1), ElementsAre(0, 0));
  EXPECT_THAT(InputInts(slice, 3), ElementsAre(2, -1));
  EXPECT_THAT(InputInts(slice, 4), ElementsAre(2, 2));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveSlicesPass, OmittedAxesAndStepsAndTheFirstsOtherReaders) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[4,6] X) => (float[2,6] Y, float[2,3] Z)
      <int64[1] s = {1}, int64[1] e = {3}, int64[1] a = {1}, int64[1] s1 = {0}> {
      Y = Slice(X, s, e)
      Z = Slice(Y, s1, e, a)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("slices-fused"), 1);
  EXPECT_EQ(result.Stat("nodes-removed"), 0);  // Y is a graph output
  const Node& fused = *model->graph->last_node();
  EXPECT_EQ(fused.input(0)->name(), "X");
  EXPECT_THAT(InputInts(fused, 3), ElementsAre(0, 1));
  EXPECT_THAT(InputInts(fused, 4), ElementsAre(1, 1));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveSlicesPass, AttributesBeforeOpset10) {
  auto model = Parse(R"(
    <ir_version: 4, opset_import: ["" : 9]>
    g (float[4,6] X) => (float[2,3] Y) {
      p = Slice <starts = [1], ends = [3], axes = [0]> (X)
      Y = Slice <starts = [0], ends = [3], axes = [1]> (p)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Slice(X)->Y"));
  auto axes = model->graph->first_node()->GetInts("axes");
  ASSERT_TRUE(axes);
  EXPECT_THAT(*axes, ElementsAre(0, 1));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveSlicesPass, RefusalsAreSkippedWithTheReason) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "com.vendor" : 1]>
    g (float[4,6] X, int64[1] k) => (float[?,?] Y, float[?,?] Z, float[?,?] W)
      <int64[1] s = {1}, int64[1] e = {3}, int64[1] a0 = {0}, int64[1] n = {-1}> {
      p = Slice(X, s, e, a0)
      Y = Slice(p, s, e, a0)
      q = Slice(X, s, k, a0)
      Z = Slice(q, s, e, n)
      u = com.vendor.Op(X)
      r = Slice(u, s, e, a0)
      W = Slice(r, s, e, n)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result),
              ElementsAre(HasSubstr("share an axis"), HasSubstr("computed at run time"),
                          HasSubstr("negative axes and the input's rank is "
                                    "unknown")));
}

TEST(FuseConsecutiveSlicesPass, TheFocusPatternRunsUnderOrt) {
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,3,8,8] X) => (float[1,12,4,4] Y)
      <int64[1] s0 = {0}, int64[1] s1 = {1}, int64[1] e = {9223372036854775807},
       int64[1] a2 = {2}, int64[1] a3 = {3}, int64[1] two = {2}> {
      p = Slice(X, s0, e, a2, two)
      q = Slice(p, s0, e, a3, two)
      r = Slice(X, s1, e, a2, two)
      t = Slice(r, s0, e, a3, two)
      u = Slice(X, s0, e, a2, two)
      v = Slice(u, s1, e, a3, two)
      w = Slice(X, s1, e, a2, two)
      x = Slice(w, s1, e, a3, two)
      Y = Concat <axis = 1> (q, t, v, x)
    })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {kPass});
}

}  // namespace
}  // namespace onnxkit
