// eliminate-common-subexpressions (passes/eliminate_common_subexpressions.h), in the order
// of its header: equal nodes merge (attributes in any order, tensors by bytes, chains in one
// run); the survivor is the earlier node unless only the later one computes a graph output;
// refusals: random ops, Dropout, other domains, function calls, sub-graph attributes, two
// graph outputs; nodes that differ in an input, an attribute value or an output slot stay.
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

constexpr char kPass[] = "eliminate-common-subexpressions";

TEST(EliminateCommonSubexpressionsPass, EqualNodesBecomeOne) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[3,2] Y) {
      a = Transpose <perm = [1, 0]> (X)
      b = Transpose <perm = [1, 0]> (X)
      Y = Add(a, b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-removed"), 1);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Transpose(X)->a", "Add(a,a)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateCommonSubexpressionsPass, ChainsCollapseInOneRun) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      a = Neg(X)
      b = Neg(X)
      c = Relu(a)
      d = Relu(b)
      Y = Add(c, d)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-removed"), 2);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->a", "Relu(a)->c", "Add(c,c)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateCommonSubexpressionsPass, AttributeOrderDoesNotMatterButValuesDo) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,4] X) => (float[2,4] Y, float[2,4] Z) {
      a = LeakyRelu <alpha = 0.5> (X)
      b = LeakyRelu <alpha = 0.25> (X)
      c = Softmax <axis = 1> (X)
      d = Softmax <axis = 0> (X)
      Y = Add(a, b)
      Z = Add(c, d)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
}

TEST(EliminateCommonSubexpressionsPass, ConstantsCompareByTheirBytes) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      a = Constant <value = float[2] {1.0, 2.0}> ()
      b = Constant <value = float[2] {1.0, 2.0}> ()
      c = Constant <value = float[2] {1.0, 3.0}> ()
      s = Add(a, b)
      t = Add(s, c)
      Y = Add(t, X)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-removed"), 1);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Constant()->a", "Constant()->c", "Add(a,a)->s",
                                                "Add(s,c)->t", "Add(t,X)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateCommonSubexpressionsPass, DifferentInputsOrOutputSlotsStay) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X, float[2] W, float[1,1,4] V) => (float[2] Y, float[1,1,4] Z) {
      a = Sub(X, W)
      b = Sub(W, X)
      Y = Add(a, b)
      p, q = MaxPool <kernel_shape = [1]> (V)
      r = MaxPool <kernel_shape = [1]> (V)
      Z = Add(p, r)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
}

TEST(EliminateCommonSubexpressionsPass, TheLaterNodeSurvivesWhenItComputesAGraphOutput) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, float[2] Z) {
      a = Neg(X)
      Z = Relu(a)
      Y = Neg(X)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-removed"), 1);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->Y", "Relu(Y)->Z"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("Y", "Z"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateCommonSubexpressionsPass, TwoGraphOutputsStayTwoNodes) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, float[2] Z) {
      Y = Neg(X)
      Z = Neg(X)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("both compute graph outputs")));
}

TEST(EliminateCommonSubexpressionsPass, RandomOpsAndDropoutAreNeverMerged) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, float[2] Z) {
      a = RandomUniformLike(X)
      b = RandomUniformLike(X)
      Y = Add(a, b)
      c = Dropout(X)
      d = Dropout(X)
      Z = Add(c, d)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result),
              ElementsAre(HasSubstr("main/#1: RandomUniformLike is not deterministic"),
                          HasSubstr("main/#4: Dropout is not deterministic")));
}

TEST(EliminateCommonSubexpressionsPass, OtherDomainsAndFunctionCallsAreNotMerged) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1, "com.vendor" : 1]>
    g (float[2] X) => (float[2] Y, float[2] Z) {
      a = local.F(X)
      b = local.F(X)
      Y = Add(a, b)
      c = com.vendor.Op(X)
      d = com.vendor.Op(X)
      Z = Add(c, d)
    }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) { y = Neg(x) })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("model-local function"),
                                         HasSubstr("'com.vendor' is no ONNX domain")));
}

TEST(EliminateCommonSubexpressionsPass, NodesWithSubgraphsAreNotMergedButTheirBodiesAre) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R, float[2] S) {
      R = If(c) <
        then_branch = t () => (float[2] o) { u = Abs(X) v = Abs(X) o = Add(u, v) },
        else_branch = e () => (float[2] o2) { o2 = Neg(X) }
      >
      S = If(c) <
        then_branch = t2 () => (float[2] o3) { o3 = Abs(X) },
        else_branch = e2 () => (float[2] o4) { o4 = Neg(X) }
      >
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-removed"), 1);
  EXPECT_THAT(Nodes(*model->graph->first_node()->GetGraph("then_branch")),
              ElementsAre("Abs(X)->u", "Add(u,u)->o"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("main/#1: its attribute 'then_branch' is a "
                                                   "sub-graph")));
  EXPECT_CLEAN(*model);
}

TEST(EliminateCommonSubexpressionsPass, FunctionBodies) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) { Y = local.F(X) }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) {
      a = Exp(x)
      b = Exp(x)
      y = Mul(a, b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->functions[0]->body), ElementsAre("Exp(x)->a", "Mul(a,a)->y"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateCommonSubexpressionsPass, NoDuplicatesNoChange) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) { a = Neg(X) Y = Abs(a) })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(result.skipped, IsEmpty());
}

TEST(EliminateCommonSubexpressionsPass, MergedModelsRunUnderOrt) {
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2,3] X) => (float[3,2] Y, float[3,2] Z, float[2,3] R) {
      a = Transpose <perm = [1, 0]> (X)
      k = Constant <value = float[1] {2.0}> ()
      k2 = Constant <value = float[1] {2.0}> ()
      b = Mul(a, k)
      Z = Relu(b)
      Y = Mul(a, k2)
      R = If(c) <
        then_branch = t () => (float[2,3] o) { u = Abs(X) v = Abs(X) o = Add(u, v) },
        else_branch = e () => (float[2,3] o2) { o2 = Neg(X) }
      >
    })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {kPass}, testing::BothBranches());
}

}  // namespace
}  // namespace onnxkit
