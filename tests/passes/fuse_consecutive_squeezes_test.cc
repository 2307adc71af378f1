// fuse-consecutive-squeezes (passes/fuse_consecutive_squeezes.h), in the order of its
// header: 1. pairs that cancel (both orders, negative axes with and without a known rank);
// 2. Unsqueeze∘Unsqueeze and 3. Squeeze∘Squeeze combined, at opset 11 (attributes) and 13
// (inputs); refusals (computed or omitted axes, negative axes of unknown rank); partly
// cancelling pairs stay; ONNX Runtime.
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

constexpr char kPass[] = "fuse-consecutive-squeezes";

// The axes of `n` at opset 13 and later (input 1), or its attribute.
std::vector<int64_t> AxesOf(const Node& n) {
  if (auto attr = n.GetInts("axes")) return {attr->begin(), attr->end()};
  StatusOr<Tensor> t = ConstantTensor(n.input(1));
  if (!t.ok()) return {};
  return *ToInt64s(*t);
}

// 1.
TEST(FuseConsecutiveSqueezesPass, PairsThatCancelGo) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X, float[1,3,1] V, float[?,?] U) => (float[2,3] Y, float[1,3,1] Z,
                                                       float[?,?] W)
      <int64[2] a = {0, -1}, int64[2] b = {-1, 0}, int64[1] c = {2}> {
      p = Unsqueeze(X, a)
      q = Squeeze(p, b)
      Y = Neg(q)
      r = Squeeze(V, c)
      s = Unsqueeze(r, c)
      Z = Abs(s)
      t = Unsqueeze(U, a)
      u = Squeeze(t, a)
      W = Neg(u)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-removed"), 6);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->Y", "Abs(V)->Z", "Neg(U)->W"));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveSqueezesPass, PartlyCancellingPairsStay) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[2,1,3] Y) <int64[2] a = {0, 1}, int64[1] b = {0}> {
      p = Unsqueeze(X, a)
      Y = Squeeze(p, b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
}

// 2.
TEST(FuseConsecutiveSqueezesPass, UnsqueezesCombineAtOpset13) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[1,2,1,3,1] Y) <int64[2] a = {0, 2}, int64[1] b = {-1}> {
      p = Unsqueeze(X, a)
      q = Unsqueeze(p, b)
      Y = Neg(q)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("squeezes-fused"), 1);
  EXPECT_EQ(result.Stat("nodes-removed"), 1);
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Unsqueeze", "Neg"));
  // y = [1,2,1,3]; z adds axis 4 (-1 of rank 5); y's axes 0 and 2 stay at 0 and 2.
  EXPECT_THAT(AxesOf(*model->graph->first_node()), ElementsAre(0, 2, 4));
  EXPECT_EQ(model->graph->first_node()->input(0)->name(), "X");
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveSqueezesPass, UnsqueezesCombineAtOpset11) {
  auto model = Parse(R"(
    <ir_version: 7, opset_import: ["" : 11]>
    g (float[2,3] X) => (float[1,2,1,3] Y) {
      p = Unsqueeze <axes = [1]> (X)
      q = Unsqueeze <axes = [0]> (p)
      Y = Neg(q)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Unsqueeze(X)->q", "Neg(q)->Y"));
  // z's axis 0 is new; y's axis 1 (new in y) is z's second axis outside {0}: 2.
  EXPECT_THAT(AxesOf(*model->graph->first_node()), ElementsAre(0, 2));
  EXPECT_CLEAN(*model);
}

// 3.
TEST(FuseConsecutiveSqueezesPass, SqueezesCombine) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,2,1,3,1] X) => (float[2,3] Y) <int64[1] a = {2}, int64[2] b = {0, -1}> {
      p = Squeeze(X, a)
      q = Squeeze(p, b)
      Y = Neg(q)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Squeeze", "Neg"));
  // p = [1,2,3,1]: its axes 0 and 3 are X's 0 and 4.
  EXPECT_THAT(AxesOf(*model->graph->first_node()), ElementsAre(0, 2, 4));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveSqueezesPass, RefusalsAreSkippedWithTheReason) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "com.vendor" : 1]>
    g (float[2,3] X, int64[1] k, float[1,2,1] V) => (float[?,?,?,?] Y, float[?] Z,
                                                    float[?,?,?,?] W)
      <int64[1] a = {0}, int64[1] n = {-1}> {
      p = Unsqueeze(X, a)
      Y = Unsqueeze(p, k)
      q = Squeeze(V)
      Z = Unsqueeze(q, a)
      u = com.vendor.Op(X)
      r = Unsqueeze(u, a)
      W = Unsqueeze(r, n)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("computed at run time or omitted"),
                                         HasSubstr("computed at run time or omitted"),
                                         HasSubstr("negative axes and the input's rank is "
                                                   "unknown")));
}

TEST(FuseConsecutiveSqueezesPass, FusedModelsRunUnderOrt) {
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X, float[1,2,1,3,1] V) => (float[1,2,1,3,1] Y, float[2,3] Z, float[2,3] W)
      <int64[2] a = {0, 2}, int64[1] b = {-1}, int64[1] c = {2}, int64[2] d = {0, -1}> {
      p = Unsqueeze(X, a)
      Y = Unsqueeze(p, b)
      q = Squeeze(V, c)
      Z = Squeeze(q, d)
      r = Unsqueeze(X, d)
      s = Squeeze(r, d)
      W = Neg(s)
    })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {kPass});
}

}  // namespace
}  // namespace onnxkit
