// eliminate-identity (passes/eliminate_identity.h), one test per case of its header:
//  1. an Identity whose output is no graph output: readers read its input, the node goes;
//  2. an Identity whose output is a graph output: its input takes the output's name and
//     declared type, the node goes;
//  refusals: the input is a graph input, an initializer, another graph output, or a value of
//  an enclosing graph (case 2); the output is returned by a sub-graph.
//  Also: sub-graphs, function bodies and chains of Identities.
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

constexpr char kPass[] = "eliminate-identity";

TEST(EliminateIdentityPass, ReadersReadTheInput) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      a = Neg(X)
      b = Identity(a)
      c = Identity(b)
      Y = Add(c, b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("identities-removed"), 2);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->a", "Add(a,a)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateIdentityPass, AGraphOutputKeepsItsNameAndType) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      a = Neg(X)
      Y = Identity(a)
      Z = Relu(a)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("outputs-renamed"), 1);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->Y", "Relu(Y)->Z"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("Y"));
  ASSERT_NE(model->graph->outputs()[0]->type(), nullptr);
  EXPECT_EQ(TypeToString(*model->graph->outputs()[0]->type()), "float32[2]");
  EXPECT_CLEAN(*model);
}

TEST(EliminateIdentityPass, TheRenamedValueLosesItsOwnValueInfoEntry) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float[2] a> {
      a = Neg(X)
      Y = Identity(a)
    })");
  ASSERT_TRUE(model);
  ASSERT_EQ(model->graph->value_info().size(), 1u);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("outputs-renamed"), 1);
  // Y is declared once, as the output; no value_info entry names it again.
  EXPECT_THAT(model->graph->value_info(), IsEmpty());
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateIdentityPass, AGraphOutputOfAGraphInputStays) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      Y = Identity(X)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("its input 'X' is a graph input")));
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Identity(X)->Y"));
}

TEST(EliminateIdentityPass, AGraphOutputOfAnInitializerStays) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float[2] W = {1.0, 2.0}> {
      Y = Identity(W)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("its input 'W' is an initializer")));
  EXPECT_EQ(model->graph->node_count(), 1u);
}

TEST(EliminateIdentityPass, TwoGraphOutputsOfOneValueStayTwoNames) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] A, float[2] B) {
      A = Neg(X)
      B = Identity(A)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("its input 'A' is a graph output")));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("A", "B"));
}

TEST(EliminateIdentityPass, SubgraphsAreRewrittenAndOuterInputsToOutputsStay) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      T = Neg(X)
      R = If(c) <
        then_branch = t () => (float[2] o) { u = Abs(T) v = Identity(u) o = Identity(v) },
        else_branch = e () => (float[2] o2) { o2 = Identity(T) }
      >
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("identities-removed"), 2);
  const Node* branch = model->graph->last_node();
  EXPECT_THAT(Nodes(*branch->GetGraph("then_branch")), ElementsAre("Abs(T)->o"));
  EXPECT_THAT(Nodes(*branch->GetGraph("else_branch")), ElementsAre("Identity(T)->o2"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("enclosing graph")));
  EXPECT_CLEAN(*model);
}

TEST(EliminateIdentityPass, AnOutputReturnedByASubgraphStays) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      T = Neg(X)
      U = Identity(T)
      R = If(c) <
        then_branch = t () => (float[2] U) { },
        else_branch = e () => (float[2] o2) { o2 = Abs(T) }
      >
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("returned by a sub-graph")));
  EXPECT_CLEAN(*model);
}

TEST(EliminateIdentityPass, FunctionBodies) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) { Y = local.F(X) }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y, z) {
      t = Neg(x)
      y = Identity(t)
      z = Identity(x)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  const Graph& body = *model->functions[0]->body;
  EXPECT_THAT(Nodes(body), ElementsAre("Neg(x)->y", "Identity(x)->z"));
  EXPECT_THAT(Names(body.outputs()), ElementsAre("y", "z"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("fn:F/#1: its output 'z' is a graph output "
                                                   "and its input 'x' is a graph input")));
  EXPECT_CLEAN(*model);
}

TEST(EliminateIdentityPass, NoIdentityNoChange) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) { Y = Neg(X) })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(result.skipped, IsEmpty());
}

TEST(EliminateIdentityPass, RenamedSubgraphOutputsRunUnderOrt) {
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R, float[2] T2) {
      T = Neg(X)
      T2 = Identity(T)
      R = If(c) <
        then_branch = t () => (float[2] o) { u = Abs(T2) v = Identity(u) o = Identity(v) },
        else_branch = e () => (float[2] o2) { o2 = Identity(T) }
      >
    })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {"eliminate-identity"}, testing::BothBranches());
}

}  // namespace
}  // namespace onnxkit
