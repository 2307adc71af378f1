// CloneNode / CloneGraph / CloneAttribute:
//  1. a copied node reads the copies the map knows and the outer values it does not;
//  2. a copied graph is equal field for field to its source when saved (sub-graphs,
//     initializers, declarations, overrides and all), and verifies;
//  3. copied sub-graphs name the copy's graph as parent and read the copy's values;
//  4. with a NameTable, every value the copy defines gets a fresh name;
//  5. the copy shares nothing mutable with the source: changing one leaves the other;
//  6. together they inline a function call: seed the map with formal -> actual inputs,
//     clone the body's nodes before the call, redirect the call's outputs.
#include "onnxkit/clone.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ir/ir_test_util.h"
#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "onnxkit/name_table.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using ::testing::ElementsAre;

using ir_test::Parse;

constexpr const char* kWithBranches = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (bool c, float[2] X) => (float[2] Y, float[2] R) {
    W = Constant<value = float[2] {1, 2}>()
    S = Add(X, W)
    Y = Relu(S)
    R = If(c) <
      then_branch = t () => (float[2] a) { a = Mul(S, X) },
      else_branch = e () => (float[2] b) {
        b = If(c) <
          then_branch = t2 () => (float[2] d) { d = Abs(S) },
          else_branch = e2 () => (float[2] f) { f = Neg(Y) }> }>
  })";

TEST(Clone, ANodeReadsMappedCopiesAndUnmappedOuterValues) {
  Graph g;
  Value* x = g.AddInput("X");
  Value* other = g.AddInput("O");
  Node* add = g.AppendNode("Add", {x, x}, {"S"});
  add->name = "add";
  add->SetAttribute(Attribute::Int("k", 3));

  ValueMap map{{x, other}};
  Node* copy = CloneNode(*add, g, nullptr, map);
  EXPECT_THAT(copy->inputs(), ElementsAre(other, other));
  EXPECT_EQ(copy->name, "add");
  EXPECT_EQ(copy->GetInt("k"), 3);
  EXPECT_EQ(map.at(add->output(0)), copy->output(0));
  EXPECT_EQ(copy->output(0)->producer(), copy);

  ValueMap empty;
  Node* before = CloneNode(*add, g, add, empty);
  EXPECT_EQ(g.first_node(), before);
  EXPECT_THAT(before->inputs(), ElementsAre(x, x));
}

TEST(Clone, ACopiedGraphSavesLikeItsSource) {
  auto model = Parse(kWithBranches);
  ASSERT_TRUE(model);
  auto original = SaveBytes(*model);
  ASSERT_TRUE(original.ok());

  ValueMap map;
  std::unique_ptr<Graph> copy = CloneGraph(*model->graph, nullptr, map);
  EXPECT_VERIFIED(*copy);
  model->graph = std::move(copy);
  auto saved = SaveBytes(*model);
  ASSERT_TRUE(saved.ok());
  EXPECT_TRUE(*saved == *original);
}

TEST(Clone, CorpusGraphsSaveLikeTheirSources) {
  for (const char* name : {"valid-edge/nested_if_in_loop.onnx", "valid-edge/if_outer_scope.onnx",
                           "valid-edge/initializer_overrides_input.onnx"}) {
    auto model = LoadFile((testing::CorpusDir() / name).string());
    ASSERT_TRUE(model.ok()) << model.status();
    auto original = SaveBytes(**model);
    ASSERT_TRUE(original.ok());
    ValueMap map;
    (*model)->graph = CloneGraph(*(*model)->graph, nullptr, map);
    EXPECT_VERIFIED(*(*model)->graph);
    auto saved = SaveBytes(**model);
    ASSERT_TRUE(saved.ok());
    EXPECT_TRUE(*saved == *original) << name;
  }
}

TEST(Clone, SubgraphsOfTheCopyHangUnderTheCopyAndReadItsValues) {
  auto model = Parse(kWithBranches);
  ASSERT_TRUE(model);
  const Graph& source = *model->graph;
  ValueMap map;
  std::unique_ptr<Graph> copy = CloneGraph(source, nullptr, map);

  Node* if_copy = copy->last_node();
  Graph* then_copy = if_copy->GetGraph("then_branch");
  Graph* else_copy = if_copy->GetGraph("else_branch");
  ASSERT_TRUE(then_copy && else_copy);
  EXPECT_EQ(then_copy->parent(), copy.get());
  Graph* inner = else_copy->first_node()->GetGraph("else_branch");
  EXPECT_EQ(inner->parent(), else_copy);

  const Value* s = (*std::next(source.nodes().begin()))->output(0);
  Value* s_copy = map.at(s);
  EXPECT_EQ(s_copy->graph(), copy.get());
  EXPECT_EQ(then_copy->first_node()->input(0), s_copy);
  EXPECT_EQ(then_copy->first_node()->input(1), copy->inputs()[1]);
  EXPECT_EQ(inner->first_node()->input(0)->graph(), copy.get());
  // The source keeps its own uses; the copy's values have theirs.
  EXPECT_EQ(s->use_count(), 3u);  // Relu, then-branch Mul, inner Abs
  EXPECT_EQ(s_copy->use_count(), 3u);
  EXPECT_VERIFIED(source);
  EXPECT_VERIFIED(*copy);
}

TEST(Clone, WithANameTableEveryDefinedValueGetsAFreshName) {
  auto model = Parse(kWithBranches);
  ASSERT_TRUE(model);
  Graph& main = *model->graph;
  NameTable names = NameTable::ValueNames(*model);
  // Copy the If into the same graph, as an unroller would.
  Node* if_node = main.last_node();
  ValueMap map;
  Node* copy = CloneNode(*if_node, main, nullptr, map, &names);
  EXPECT_EQ(copy->output(0)->name(), "R_1");
  Graph* then_copy = copy->GetGraph("then_branch");
  EXPECT_EQ(then_copy->first_node()->output(0)->name(), "a_1");
  EXPECT_EQ(then_copy->outputs()[0]->name(), "a_1");
  // It reads the same outer values as the original.
  EXPECT_EQ(then_copy->first_node()->input(1), main.inputs()[1]);
  EXPECT_EQ(main.inputs()[1]->use_count(), 3u);  // Add and the two then-branch Muls
  EXPECT_VERIFIED(main);
}

TEST(Clone, TheCopySharesNothingMutable) {
  auto model = Parse(kWithBranches);
  ASSERT_TRUE(model);
  ValueMap map;
  std::unique_ptr<Graph> copy = CloneGraph(*model->graph, nullptr, map);
  copy->first_node()->SetAttribute(Attribute::Int("extra", 1));
  copy->inputs()[1]->set_name("renamed");
  copy->last_node()->GetGraph("then_branch")->first_node()->name = "changed";
  EXPECT_EQ(model->graph->first_node()->FindAttribute("extra"), nullptr);
  EXPECT_EQ(model->graph->inputs()[1]->name(), "X");
  EXPECT_EQ(model->graph->last_node()->GetGraph("then_branch")->first_node()->name, "");
  // Destroying the copy leaves the source's use lists intact.
  copy.reset();
  EXPECT_VERIFIED(*model->graph);
}

TEST(Clone, InliningAFunctionCall) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) {
      t = Neg(X)
      Y = local.Twice(t)
    }
    <domain: "local", opset_import: ["" : 17]>
    Twice (x) => (y) {
      t = Add(x, x)
      y = Relu(t)
    })");
  ASSERT_TRUE(model);
  Graph& main = *model->graph;
  Node* call = main.last_node();
  const Graph& body = *model->functions[0]->body;
  NameTable names = NameTable::ValueNames(*model);

  ValueMap map{{body.inputs()[0], call->input(0)}};
  for (const Node* n : body.nodes()) CloneNode(*n, main, call, map, &names);
  Value* result = map.at(body.outputs()[0]);
  call->output(0)->ReplaceAllUsesWith(result, Value::GraphOutputs::kRedirect);
  ASSERT_TRUE(main.RemoveNode(call).ok());
  result->set_name("Y");  // graph outputs keep their names

  EXPECT_VERIFIED(main);
  std::vector<std::string> ops;
  for (const Node* n : main.nodes()) ops.push_back(n->op_type + "->" + n->output(0)->name());
  EXPECT_THAT(ops, ElementsAre("Neg->t", "Add->t_1", "Relu->Y"));
  EXPECT_EQ(main.outputs()[0], result);
}

}  // namespace
}  // namespace onnxkit
