// topological-sort (passes/topological_sort.h):
//  1. a model already in order is unchanged and reports no change;
//  2. a node that comes too early moves right after its last producer; nothing else moves;
//  3. sub-graph reads of outer values count, and sub-graphs are sorted too;
//  4. function bodies are sorted;
//  5. a cycle is an error naming the graph, and the model is unchanged (no graph is sorted).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/pass_test_util.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Nodes;
using pass_test::Parse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPass[] = "topological-sort";

TEST(TopologicalSortPass, AModelInOrderIsUnchanged) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      a = Neg(X)
      b = Relu(X)
      Y = Add(a, b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->a", "Relu(X)->b", "Add(a,b)->Y"));
}

TEST(TopologicalSortPass, AnEarlyNodeMovesRightAfterItsLastProducer) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      Y = Add(a, b)
      a = Neg(X)
      c = Sigmoid(X)
      b = Relu(X)
      d = Abs(c)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(result.Stat("graphs-sorted"), 1);
  EXPECT_THAT(Nodes(*model->graph),
              ElementsAre("Neg(X)->a", "Sigmoid(X)->c", "Relu(X)->b", "Add(a,b)->Y", "Abs(c)->d"));
  EXPECT_CLEAN(*model);
}

TEST(TopologicalSortPass, SubgraphReadsCountAndSubgraphsAreSorted) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      R = If(c) <
        then_branch = t () => (float[2] o) { o = Neg(u) u = Abs(T) },
        else_branch = e () => (float[2] o2) { o2 = Identity(X) }
      >
      T = Relu(X)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("graphs-sorted"), 2);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Relu(X)->T", "If(c)->R"));
  const Graph& then_branch = *model->graph->last_node()->GetGraph("then_branch");
  EXPECT_THAT(Nodes(then_branch), ElementsAre("Abs(T)->u", "Neg(u)->o"));
  EXPECT_CLEAN(*model);
}

TEST(TopologicalSortPass, FunctionBodiesAreSorted) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) { Y = local.F(X) }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) {
      y = Relu(t)
      t = Neg(x)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-moved"), 2);
  EXPECT_THAT(Nodes(*model->functions[0]->body), ElementsAre("Neg(x)->t", "Relu(t)->y"));
  EXPECT_CLEAN(*model);
}

TEST(TopologicalSortPass, ACycleIsAnErrorAndNothingMoves) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) {
      Y = local.F(X)
      p = Add(X, q)
      q = Relu(p)
    }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) {
      y = Relu(t)
      t = Neg(x)
    })");
  ASSERT_TRUE(model);
  auto result = pass_test::RunPass(kPass, *model);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("main"));
  // The function body, which could be sorted, was not touched either.
  EXPECT_THAT(Nodes(*model->functions[0]->body), ElementsAre("Relu(t)->y", "Neg(x)->t"));
}

TEST(TopologicalSortPass, ASortedModelRunsUnderOrt) {
  // ONNX Runtime sorts a main graph on its own (not a sub-graph: it refuses those out of
  // order), so it runs this unsorted original too: the oracle checks that nothing but the
  // order changed.
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      R = If(c) <
        then_branch = t () => (float[2] o) { u = Abs(T) o = Neg(u) },
        else_branch = e () => (float[2] o2) { o2 = Identity(X) }
      >
      T = Relu(X)
    })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {"topological-sort"}, testing::BothBranches());
}

}  // namespace
}  // namespace onnxkit
