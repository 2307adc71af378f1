// TopologicalOrder / SortTopologically / ForEachRead:
//  1. a graph already in order comes back unchanged (stable);
//  2. a node that comes too early moves right after the last node it waits for;
//  3. reads by sub-graph nodes of the enclosing graph's values count as dependencies;
//  4. a cycle is reported with the nodes on it, and not the nodes downstream of it; the
//     graph is left unchanged;
//  5. a long chain in reverse order sorts in linear time (no path enumeration).
#include "onnxkit/topological_sort.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::vector<std::string> NamesOf(const std::vector<Node*>& nodes) {
  std::vector<std::string> out;
  for (const Node* n : nodes) out.push_back(n->name);
  return out;
}

std::vector<std::string> NamesOf(const Graph& g) {
  return NamesOf(std::vector<Node*>(g.nodes().begin(), g.nodes().end()));
}

Node* Add(Graph& g, const char* name, const std::vector<Value*>& inputs, const char* output) {
  Node* n = g.AppendNode("Op", inputs, {output});
  n->name = name;
  return n;
}

TEST(TopologicalSort, AGraphInOrderIsUnchanged) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* a = Add(g, "a", {x}, "A");
  Node* b = Add(g, "b", {x}, "B");  // independent of a: stays after it
  Add(g, "c", {b->output(0), a->output(0)}, "C");
  auto order = TopologicalOrder(g);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_THAT(NamesOf(*order), ElementsAre("a", "b", "c"));
}

TEST(TopologicalSort, AnEarlyNodeMovesRightAfterTheLastNodeItWaitsFor) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* early = Add(g, "early", {}, "E");  // reads B, fixed below
  Add(g, "a", {x}, "A");
  Node* b = Add(g, "b", {x}, "B");
  Add(g, "c", {x}, "C");
  Add(g, "uses_early", {early->output(0)}, "U");
  early->AddInput(b->output(0));
  ASSERT_FALSE(g.Verify().ok());

  ASSERT_TRUE(SortTopologically(g).ok());
  EXPECT_THAT(NamesOf(g), ElementsAre("a", "b", "early", "c", "uses_early"));
  Status verified = g.Verify();
  EXPECT_TRUE(verified.ok()) << verified;
}

TEST(TopologicalSort, ReadsFromSubgraphsCount) {
  auto model = LoadBytes(testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      R = If(c) <
        then_branch = t () => (float[2] a) { a = Neg(T) },
        else_branch = e () => (float[2] b) {
          b = If(c) <
            then_branch = t2 () => (float[2] d) { d = Abs(T) },
            else_branch = e2 () => (float[2] f) { f = Abs(X) }> }>
      T = Relu(X)
    })"));
  ASSERT_TRUE(model.ok()) << model.status();
  Graph& main = *(*model)->graph;
  Node* if_node = main.first_node();
  if_node->name = "if";
  main.last_node()->name = "relu";
  std::vector<std::string> read;
  ForEachRead(*if_node, [&](Value* v) { read.push_back(v->name()); });
  EXPECT_THAT(read, UnorderedElementsAre("c", "T", "c", "T", "X"));

  EXPECT_THAT(std::string(StatusMessage(main.Verify())), HasSubstr("topological"));
  ASSERT_TRUE(SortTopologically(main).ok());
  EXPECT_THAT(NamesOf(main), ElementsAre("relu", "if"));
  Status verified = main.Verify();
  EXPECT_TRUE(verified.ok()) << verified;
}

TEST(TopologicalSort, ACycleIsReportedWithItsNodesOnlyAndTheGraphIsUnchanged) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* p = Add(g, "p", {x}, "P");
  Node* q = Add(g, "q", {p->output(0)}, "Q");
  Add(g, "downstream", {q->output(0)}, "D");
  Add(g, "free", {x}, "F");
  p->AddInput(q->output(0));  // p <-> q

  auto order = TopologicalOrder(g);
  ASSERT_FALSE(order.ok());
  std::string message(StatusMessage(order.status()));
  EXPECT_THAT(message, HasSubstr("cycle"));
  EXPECT_THAT(message, HasSubstr("'p' -> 'q' -> 'p'"));
  EXPECT_THAT(message, Not(HasSubstr("downstream")));
  EXPECT_FALSE(SortTopologically(g).ok());
  EXPECT_THAT(NamesOf(g), ElementsAre("p", "q", "downstream", "free"));
}

TEST(TopologicalSort, ASelfLoopIsACycle) {
  Graph g;
  Node* n = Add(g, "self", {}, "S");
  n->AddInput(n->output(0));
  auto order = TopologicalOrder(g);
  ASSERT_FALSE(order.ok());
  EXPECT_THAT(std::string(StatusMessage(order.status())), HasSubstr("'self' -> 'self'"));
}

TEST(TopologicalSort, AReversedChainOfFiftyThousandNodesSortsInLinearTime) {
  constexpr int kNodes = 50000;
  Graph g;
  Value* x = g.AddInput("X");
  // n_i reads n_{i-1}, each also reading X so that a path-enumerating sort would explode;
  // built from the end so that the nodes sit in reverse order.
  std::vector<Node*> chain(kNodes);
  chain[kNodes - 1] = g.AppendNode("Op", {x}, {"v" + std::to_string(kNodes - 1)});
  for (int i = kNodes - 2; i >= 0; --i) {
    chain[i] = g.InsertNodeBefore(chain[i + 1], "Op", {x}, {"v" + std::to_string(i)});
  }
  for (int i = 1; i < kNodes; ++i) chain[i]->AddInput(chain[i - 1]->output(0));
  // Now reverse the list: the worst order.
  for (int i = 1; i < kNodes; ++i) chain[i]->MoveBefore(g.first_node());
  ASSERT_EQ(g.first_node(), chain[kNodes - 1]);

  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(SortTopologically(g).ok());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(g.first_node(), chain[0]);
  EXPECT_EQ(g.last_node(), chain[kNodes - 1]);
  Status verified = g.Verify();
  EXPECT_TRUE(verified.ok()) << verified;
  // Linear work is a few milliseconds; a quadratic sort would take minutes.
  EXPECT_LT(seconds, 5.0);
}

}  // namespace
}  // namespace onnxkit
