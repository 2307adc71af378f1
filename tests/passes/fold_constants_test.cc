// fold-constants (passes/fold_constants.h), by numbered case:
//  1. nodes with constant inputs become initializers, transitively, graph outputs keep their
//     names, Constant nodes count as constants, what the folds orphan goes;
//  2. Shape and Size fold from static dims (declared or inferred; Shape-15's start and end),
//     never from symbolic ones; the pass's own inference leaves no trace;
//  3. an If on a constant condition becomes its branch;
//  and what stays: random ops, quantisation ops, unsupported ops, outputs over max-size,
//  excluded ops and nodes, function bodies; sub-graph nodes reading outer constants fold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/tensor.h"
#include "passes/pass_test_util.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Names;
using pass_test::Nodes;
using pass_test::OpTypes;
using pass_test::Parse;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPass[] = "fold-constants";

// The values of initializer `name` of `graph` as T (empty when there is none).
template <typename T>
std::vector<T> InitializerValues(const Graph& graph, const std::string& name) {
  for (const Value* v : graph.initializers()) {
    if (v->name() != name) continue;
    auto view = View<T>(*v->initializer());
    if (view.ok()) return view->ToVector();
    ADD_FAILURE() << view.status();
  }
  return {};
}

TEST(FoldConstantsPass, ConstantChainsBecomeOneInitializer) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float[2] A = {1.0, 2.0}, float[2] B = {3.0, 4.0}> {
      s = Add(A, B)
      c = Constant <value = float[2] {2.0, 0.5}> ()
      t = Mul(s, c)
      Y = Add(X, t)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(result.Stat("nodes-folded"), 2);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Add(X,t)->Y"));
  // A, B and the Constant lost their last reader with the folds.
  EXPECT_THAT(Names(model->graph->initializers()), ElementsAre("t"));
  EXPECT_THAT(InitializerValues<float>(*model->graph, "t"), ElementsAre(8.0f, 3.0f));
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, AFoldedGraphOutputKeepsItsName) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, float[2] Z) <float[2] A = {1.0, 2.0}> {
      Y = Sub(A, A)
      Z = Add(X, A)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Add(X,A)->Z"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("Y", "Z"));
  EXPECT_THAT(InitializerValues<float>(*model->graph, "Y"), ElementsAre(0.0f, 0.0f));
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, ShapeAndSizeFoldFromStaticDims) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (int64[2] S, int64 N) {
      s = Shape(X)
      S = Mul(s, s)
      N = Size(X)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("shapes-folded"), 2);
  EXPECT_EQ(result.Stat("nodes-folded"), 1);
  EXPECT_THAT(Nodes(*model->graph), IsEmpty());
  EXPECT_THAT(InitializerValues<int64_t>(*model->graph, "S"), ElementsAre(4, 9));
  EXPECT_THAT(InitializerValues<int64_t>(*model->graph, "N"), ElementsAre(6));
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, SymbolicDimsStaySymbolic) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,3,4] X) => (int64[3] S, int64[2] T, int64 Z) {
      S = Shape(X)
      T = Shape <start = -2> (X)
      Z = Size(X)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  // Shape-15's start skips the symbolic dim: that one folds.
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Shape", "Size"));
  EXPECT_THAT(InitializerValues<int64_t>(*model->graph, "T"), ElementsAre(3, 4));
  EXPECT_THAT(Skips(result), ElementsAre("main/#0: dim 0 of 'X' is symbolic (N)",
                                         "main/#1: dim 0 of 'X' is symbolic (N)"));
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, ShapeEndCountsFromTheEnd) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,M] X) => (int64[2] S, int64[0] E) {
      S = Shape <end = -1> (X)
      E = Shape <start = 2, end = 1> (X)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), IsEmpty());
  EXPECT_THAT(InitializerValues<int64_t>(*model->graph, "S"), ElementsAre(2, 3));
  EXPECT_THAT(InitializerValues<int64_t>(*model->graph, "E"), IsEmpty());
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, ShapeFoldsFromInferredDimsAndLeavesNoInferredTypes) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[2,3] R, int64[2] S) {
      r = Relu(X)
      R = Relu(r)
      s = Shape(r)
      S = Add(s, s)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Relu(X)->r", "Relu(r)->R"));
  EXPECT_THAT(InitializerValues<int64_t>(*model->graph, "S"), ElementsAre(4, 6));
  // Inference typed r to find its dims; the model does not keep that.
  EXPECT_EQ(model->graph->Lookup("r")->type(), nullptr);
  EXPECT_THAT(model->graph->value_info(), IsEmpty());
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, DimsAFoldMadeKnownFoldInTheSameRun) {
  // r's shape is known only once k is folded: the pass infers r again after folding k, and
  // the partial type it found first does not stand in the way.
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[3,2] R, int64[2] S) <int64[2] A = {6, 4}, int64[2] B = {2, 2}> {
      k = Div(A, B)
      r = Reshape(X, k)
      R = Neg(r)
      s = Shape(r)
      S = Add(s, s)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("shapes-folded"), 1);
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Reshape", "Neg"));
  EXPECT_THAT(InitializerValues<int64_t>(*model->graph, "S"), ElementsAre(6, 4));
  EXPECT_EQ(model->graph->Lookup("r")->type(), nullptr);
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, AFoldRefinesItsReadersWithoutInferringTheWholeModelAgain) {
  // Mod has no data propagation, so the first inference leaves r and q of unknown dims.
  // The sweep folds k; Reshape, which reads it, and Relu, which reads what that refined,
  // are inferred again on their own as the sweep reaches them, and the same sweep folds the
  // Shape: one whole-model inference in all.
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[3,2] Q, int64[2] S) <int64[2] A = {3, 2}, int64[1] B = {7}> {
      k = Mod(A, B)
      r = Reshape(X, k)
      q = Relu(r)
      Q = Neg(q)
      s = Shape(q)
      S = Add(s, s)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("model-inferences"), 1);
  EXPECT_EQ(result.Stat("shapes-folded"), 1);
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Reshape", "Relu", "Neg"));
  EXPECT_THAT(InitializerValues<int64_t>(*model->graph, "S"), ElementsAre(6, 4));
  // The refined types are taken back like those of the whole-model inference.
  EXPECT_EQ(model->graph->Lookup("r")->type(), nullptr);
  EXPECT_EQ(model->graph->Lookup("q")->type(), nullptr);
  EXPECT_THAT(model->graph->value_info(), IsEmpty());
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, NothingToFoldLeavesTheModelAsItWas) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[2,3] Y) {
      r = Relu(X)
      Y = Relu(r)
    })");
  ASSERT_TRUE(model);
  const std::string before = *SaveBytes(*model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_EQ(*SaveBytes(*model), before);
}

TEST(FoldConstantsPass, AnIfOnAConstantConditionBecomesItsBranch) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, float[2] Z) <bool c = {1}> {
      Y, Z = If(c) <
        then_branch = t () => (float[2] a, float[2] b) <float[2] K = {1.0, 2.0}> {
          a = Add(X, K)
          b = Mul(a, X)
        },
        else_branch = e () => (float[2] a2, float[2] b2) { a2 = Sub(X, X) b2 = Neg(X) }>
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("ifs-inlined"), 1);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Add(X,K)->Y", "Mul(Y,X)->Z"));
  EXPECT_THAT(Names(model->graph->initializers()), ElementsAre("K"));
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, AnIfBranchReturningAnOuterValueGetsAnIdentity) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X, float[2] W) => (float[2] Y) {
      c = Constant <value = bool {0}> ()
      Y = If(c) <
        then_branch = t () => (float[2] a) { a = Neg(X) },
        else_branch = e () => (float[2] W) { }>
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Identity(W)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, InlinedNamesDoNotClash) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <bool c = {1}> {
      a = Neg(X)
      Y = If(c) <
        then_branch = t () => (float[2] o) { a = Abs(X) o = Add(a, X) },
        else_branch = e () => (float[2] o2) { o2 = Neg(X) }>
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->a", "Abs(X)->a_1", "Add(a_1,X)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, FoldsWhatAnInlinedBranchMadeConstant) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <bool c = {1}, float[2] K = {1.0, 2.0}> {
      k = If(c) <
        then_branch = t () => (float[2] o) { o = Add(K, K) },
        else_branch = e () => (float[2] o2) { o2 = Sub(K, K) }>
      Y = Mul(X, k)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Mul(X,k)->Y"));
  EXPECT_THAT(InitializerValues<float>(*model->graph, "k"), ElementsAre(2.0f, 4.0f));
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, SubgraphNodesReadingOuterConstantsFold) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] Y) <float[2] W = {1.0, 2.0}> {
      Y = If(c) <
        then_branch = t () => (float[2] o) { k = Add(W, W) o = Mul(X, k) },
        else_branch = e () => (float[2] o2) { o2 = Neg(X) }>
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-folded"), 1);
  const Graph& then_branch = *model->graph->first_node()->GetGraph("then_branch");
  EXPECT_THAT(Nodes(then_branch), ElementsAre("Mul(X,k)->o"));
  EXPECT_THAT(InitializerValues<float>(then_branch, "k"), ElementsAre(2.0f, 4.0f));
  // W lost its only reader.
  EXPECT_THAT(model->graph->initializers(), IsEmpty());
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, SubgraphsFalseLeavesThemAlone) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] Y) <float[2] W = {1.0, 2.0}> {
      Y = If(c) <
        then_branch = t () => (float[2] o) { k = Add(W, W) o = Mul(X, k) },
        else_branch = e () => (float[2] o2) { o2 = Neg(X) }>
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model, {{"subgraphs", "false"}});
  EXPECT_FALSE(result.changed);
}

TEST(FoldConstantsPass, RandomOpsStay) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float[2] A = {1.0, 2.0}> {
      r = RandomNormal <shape = [2]> ()
      s = RandomUniformLike(A)
      t = Add(r, s)
      Y = Add(X, t)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre("main/#0: RandomNormal draws random numbers",
                                         "main/#1: RandomUniformLike draws random numbers"));
}

TEST(FoldConstantsPass, DropoutInTrainingModeStays) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float[2] A = {1.0, 2.0}, bool T = {1}> {
      d = Dropout(A, , T)
      Y = Add(X, d)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre("main/#0: Dropout in training mode is random"));
}

TEST(FoldConstantsPass, QuantizationOpsStayUnlessAsked) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <uint8[2] Q = {3, 4}, float S = {0.5}, uint8 Z = {1}> {
      d = DequantizeLinear(Q, S, Z)
      Y = Add(X, d)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result),
              ElementsAre("main/#0: a quantisation op (fold-quantization=true folds it)"));
  RUN_PASS_OR_FAIL(asked, kPass, *model, {{"fold-quantization", "true"}});
  // Asked, it is the evaluator's to run: the reason is no longer the quantisation rule.
  for (const std::string& skip : Skips(asked)) EXPECT_THAT(skip, Not(HasSubstr("quantisation")));
}

TEST(FoldConstantsPass, OpsTheEvaluatorDoesNotRunStayWithItsReason) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float X) => (float Y) <float[2,2] A = {1.0, -2.0, 3.0, 4.0}> {
      c = Det(A)
      Y = Add(X, c)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(result.skipped[0].where, "main/#0");
  EXPECT_THAT(result.skipped[0].reason, HasSubstr("Det"));
}

TEST(FoldConstantsPass, OutputsOverMaxSizeStay) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float[2] A = {1.0, 2.0}, float B = {1.0}> {
      c = Add(A, A)
      d = Add(B, B)
      e = Add(c, d)
      Y = Add(X, e)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model, {{"max-size", "4"}});
  // d (4 bytes) folds; c and e (8 bytes) do not.
  EXPECT_EQ(result.Stat("nodes-folded"), 1);
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Add", "Add", "Add"));
  EXPECT_THAT(Skips(result),
              ElementsAre("main/#0: output 'c' would take 8 bytes, more than max-size (4)"));
  EXPECT_CLEAN(*model);
}

TEST(FoldConstantsPass, InputsOverMaxInputSizeAreNotRead) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float[2] A = {1.0, 2.0}> {
      c = Add(A, A)
      Y = Add(X, c)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model, {{"max-input-size", "4"}});
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre("main/#0: input 'A' takes 8 bytes, more than "
                                         "max-input-size (4): it is not read"));
}

TEST(FoldConstantsPass, ExcludedOpsAndNodesStay) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("node names");
  const char* text = R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float[2] A = {1.0, 2.0}> {
      [keep] c = Add(A, A)
      d = Mul(A, A)
      e = Sub(A, A)
      Y = Add(X, c)
      Z = Add(d, e)
    })";
  auto model = Parse(text);
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model, {{"exclude-ops", "Mul:Sub"}, {"exclude-nodes", "keep"}});
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result),
              ElementsAre("main/keep: excluded by exclude-nodes",
                          "main/#1: excluded by exclude-ops", "main/#2: excluded by exclude-ops"));
}

TEST(FoldConstantsPass, FunctionBodiesAreLeftToInlining) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) {
      Y = local.F(X)
    }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) {
      k = Constant <value = float[2] {1.0, 2.0}> ()
      k2 = Add(k, k)
      y = Add(x, k2)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_THAT(result.skipped[0].reason, HasSubstr("run inline-functions first"));
}

}  // namespace
}  // namespace onnxkit
