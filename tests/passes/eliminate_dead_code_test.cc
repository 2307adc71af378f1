// eliminate-dead-code (passes/eliminate_dead_code.h), one test per numbered case:
//  1. unused nodes go, transitively, also out of order, with their sub-graphs; dead code
//     inside sub-graphs and function bodies goes; graph outputs and what they need stay;
//  2. unused initializers go; graph inputs (with or without a default) stay;
//  3. unused local functions go, also those called only by unused functions; calls from
//     sub-graphs and function bodies count;
//  4. unused opset imports go; the default domain stays;
//  and keep-custom-ops keeps unused nodes of non-ONNX domains.
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
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kPass[] = "eliminate-dead-code";

std::vector<std::string> Functions(const Model& model) {
  std::vector<std::string> out;
  for (const auto& fn : model.functions) out.push_back(fn->name);
  return out;
}

std::vector<std::string> Domains(const Model& model) {
  std::vector<std::string> out;
  for (const OpsetImport& o : model.opset_import) out.push_back(o.domain);
  return out;
}

TEST(EliminateDeadCodePass, UnusedNodesGoTransitively) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      d2 = Relu(d1)
      d1 = Neg(X)
      a = Abs(X)
      Y = Sigmoid(a)
      d3 = Add(d2, a)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-removed"), 3);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Abs(X)->a", "Sigmoid(a)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateDeadCodePass, SubgraphsAreCleanedAndGoWithTheirNode) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) <float[2] W = {1.0, 2.0}> {
      T = Neg(X)
      U = Abs(X)
      R = If(c) <
        then_branch = t () => (float[2] o) { dead = Mul(T, T) o = Add(T, T) },
        else_branch = e () => (float[2] o2) { o2 = Relu(T) }
      >
      unused = If(c) <
        then_branch = t2 () => (float[2] p) { p = Add(U, W) },
        else_branch = e2 () => (float[2] p2) { p2 = Relu(U) }
      >
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  // dead, the second If, U (read only by it) and W (likewise).
  EXPECT_EQ(result.Stat("nodes-removed"), 3);
  EXPECT_EQ(result.Stat("initializers-removed"), 1);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->T", "If(c)->R"));
  EXPECT_THAT(Nodes(*model->graph->last_node()->GetGraph("then_branch")),
              ElementsAre("Add(T,T)->o"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateDeadCodePass, UnusedInitializersGoInputsStay) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X, float[2] D, float[2] E) => (float[2] Y, float[2] O)
        <float[2] A = {1.0, 2.0}, float[2] U = {1.0, 2.0}, float[2] D = {1.0, 2.0},
         float[2] O = {3.0, 4.0}> {
      Y = Add(X, A)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("initializers-removed"), 1);
  EXPECT_THAT(Names(model->graph->initializers()), ElementsAre("A", "D", "O"));
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("X", "D", "E"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateDeadCodePass, UnusedFunctionsGoCallsFromBodiesAndSubgraphsCount) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (bool c, float[2] X) => (float[2] R) {
      R = If(c) <
        then_branch = t () => (float[2] o) { o = local.Outer(X) },
        else_branch = e () => (float[2] o2) { o2 = Relu(X) }
      >
      d = local.Dead(X)
    }
    <domain: "local", opset_import: ["" : 17, "local" : 1]>
    Outer (x) => (y) { y = local.Inner(x) }
    <domain: "local", opset_import: ["" : 17]>
    Inner (x) => (y) { y = Neg(x) }
    <domain: "local", opset_import: ["" : 17, "local" : 1]>
    Dead (x) => (y) { y = local.OnlyDead(x) }
    <domain: "local", opset_import: ["" : 17]>
    OnlyDead (x) => (y) { y = Abs(x) }
    <domain: "local", opset_import: ["" : 17]>
    Never (x) => (y) { y = Abs(x) })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("functions-removed"), 3);
  EXPECT_THAT(Functions(*model), ElementsAre("Outer", "Inner"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateDeadCodePass, DeadCodeInFunctionBodiesGoes) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) { Y = local.F(X) }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) { t = Neg(x) y = Relu(x) })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->functions[0]->body), ElementsAre("Relu(x)->y"));
  EXPECT_CLEAN(*model);
}

TEST(EliminateDeadCodePass, UnusedOpsetImportsGoTheDefaultStays) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "ai.onnx.ml" : 3, "com.example" : 1, "local" : 1]>
    g (float[2] X) => (float[2] Y) {
      d = com.example.Op(X)
      Y = local.F(X)
    }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) { y = Relu(x) })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("opset-imports-removed"), 2);
  EXPECT_THAT(Domains(*model), ElementsAre("", "local"));

  auto only_custom = Parse(R"(
    <ir_version: 8, opset_import: ["com.example" : 1]>
    g (float[2] X) => (float[2] Y) { Y = com.example.Op(X) })");
  ASSERT_TRUE(only_custom);
  RUN_PASS_OR_FAIL(unchanged, kPass, *only_custom);
  EXPECT_FALSE(unchanged.changed);
  EXPECT_THAT(Domains(*only_custom), ElementsAre("com.example"));
}

TEST(EliminateDeadCodePass, KeepCustomOpsKeepsUnusedNodesOfOtherDomains) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "com.example" : 1]>
    g (float[2] X) => (float[2] Y) {
      log = com.example.Print(X)
      d = Neg(X)
      Y = Relu(X)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model, {{"keep-custom-ops", "true"}});
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Print(X)->log", "Relu(X)->Y"));
  RUN_PASS_OR_FAIL(by_default, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Relu(X)->Y"));
}

TEST(EliminateDeadCodePass, ALiveModelIsUnchanged) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, float[2] Z) { Y = Relu(X) Z = Neg(Y) })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(result.stats, IsEmpty());
}

TEST(EliminateDeadCodePass, RemovedSubgraphsAndFunctionsRunUnderOrt) {
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (bool c, float[2] X) => (float[2] R) <float[2] W = {1.0, 2.0}> {
      T = Neg(X)
      R = If(c) <
        then_branch = t () => (float[2] o) { dead = Mul(T, T) o = local.F(T) },
        else_branch = e () => (float[2] o2) { o2 = Relu(T) }
      >
      unused = If(c) <
        then_branch = t2 () => (float[2] p) { p = Add(T, W) },
        else_branch = e2 () => (float[2] p2) { p2 = local.G(T) }
      >
    }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) { d = Abs(x) y = Sigmoid(x) }
    <domain: "local", opset_import: ["" : 17]>
    G (x) => (y) { y = Abs(x) })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {"eliminate-dead-code"}, testing::BothBranches());
}

}  // namespace
}  // namespace onnxkit
