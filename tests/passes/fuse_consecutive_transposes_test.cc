// fuse-consecutive-transposes (passes/fuse_consecutive_transposes.h): a pair becomes one
// Transpose with the composed perm, or nothing when it cancels; missing perms; the first
// Transpose stays for its other readers; graph outputs; chains; sub-graphs; ONNX Runtime.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/pass_test_util.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Names;
using pass_test::Nodes;
using pass_test::Parse;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPass[] = "fuse-consecutive-transposes";

TEST(FuseConsecutiveTransposesPass, APairBecomesOneWithTheComposedPerm) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X) => (float[3,2,4] Y) {
      a = Transpose <perm = [2, 0, 1]> (X)
      b = Transpose <perm = [2, 1, 0]> (a)
      Y = Neg(b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("transposes-fused"), 1);
  EXPECT_EQ(result.Stat("nodes-removed"), 1);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Transpose(X)->b", "Neg(b)->Y"));
  // b's axis i is a's axis q[i], which is X's axis p[q[i]]: p = [2,0,1], q = [2,1,0].
  auto perm = model->graph->first_node()->GetInts("perm");
  ASSERT_TRUE(perm);
  EXPECT_THAT(*perm, ElementsAre(1, 0, 2));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveTransposesPass, APairThatCancelsGoes) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X) => (float[2,3,4] Y, float[2,3,4] Z) {
      a = Transpose <perm = [1, 2, 0]> (X)
      b = Transpose <perm = [2, 0, 1]> (a)
      Y = Neg(b)
      c = Transpose(X)
      d = Transpose(c)
      Z = Abs(d)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-removed"), 4);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->Y", "Abs(X)->Z"));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveTransposesPass, AMissingPermTakesTheOtherOnesRank) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X) => (float[2,4,3] Y) {
      a = Transpose(X)
      Y = Transpose <perm = [2, 0, 1]> (a)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Transpose(X)->Y"));
  auto perm = model->graph->first_node()->GetInts("perm");
  ASSERT_TRUE(perm);
  EXPECT_THAT(*perm, ElementsAre(0, 2, 1));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveTransposesPass, TheFirstStaysForItsOtherReaders) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[2,3] Y, float[3,2] Z) {
      a = Transpose <perm = [1, 0]> (X)
      b = Transpose <perm = [1, 0]> (a)
      Y = Neg(b)
      Z = Abs(a)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Transpose(X)->a", "Neg(X)->Y", "Abs(a)->Z"));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveTransposesPass, ChainsBecomeOneInOneRun) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X) => (float[4,2,3] Y) {
      a = Transpose <perm = [1, 0, 2]> (X)
      b = Transpose <perm = [0, 2, 1]> (a)
      c = Transpose <perm = [1, 2, 0]> (b)
      Y = Neg(c)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Transpose(X)->c", "Neg(c)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveTransposesPass, GraphOutputsKeepTheirNames) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[2,3] Y, float[2,3] Z) {
      n = Neg(X)
      a = Transpose <perm = [1, 0]> (n)
      Y = Transpose <perm = [1, 0]> (a)
      b = Transpose <perm = [1, 0]> (X)
      Z = Transpose <perm = [1, 0]> (b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->Y", "Transpose(X)->b", "Transpose(b)->Z"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("Y", "Z"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("the pair cancels but its output 'Z' is a "
                                                   "graph output and its input 'X' is a graph "
                                                   "input")));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveTransposesPass, PermsOfDifferentRanksAreSkipped) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[?,?] Y) {
      a = Transpose <perm = [1, 0]> (X)
      Y = Transpose <perm = [0, 2, 1]> (a)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("no permutations of one rank")));
}

TEST(FuseConsecutiveTransposesPass, SubgraphsAndNothingToDo) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2,3] X) => (float[2,3] R) {
      R = If(c) <
        then_branch = t () => (float[2,3] o) {
          u = Transpose <perm = [1, 0]> (X)
          v = Transpose <perm = [1, 0]> (u)
          o = Abs(v)
        },
        else_branch = e () => (float[2,3] o2) { o2 = Neg(X) }
      >
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph->first_node()->GetGraph("then_branch")),
              ElementsAre("Abs(X)->o"));
  EXPECT_CLEAN(*model);
  RUN_PASS_OR_FAIL(again, kPass, *model);
  EXPECT_FALSE(again.changed);
  EXPECT_THAT(again.skipped, IsEmpty());
}

TEST(FuseConsecutiveTransposesPass, FusedModelsRunUnderOrt) {
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X) => (float[3,2,4] Y, float[2,3,4] Z, float[4,2,3] W) {
      a = Transpose <perm = [2, 0, 1]> (X)
      b = Transpose <perm = [2, 1, 0]> (a)
      Y = Neg(b)
      c = Transpose(X)
      d = Transpose(c)
      Z = Abs(d)
      e = Transpose <perm = [1, 0, 2]> (X)
      f = Transpose <perm = [0, 2, 1]> (e)
      W = Transpose <perm = [1, 2, 0]> (f)
    })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {kPass});
}

}  // namespace
}  // namespace onnxkit
