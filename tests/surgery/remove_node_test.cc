// remove-node (edit.h RemoveNode): a single-input single-output node's readers, in
// sub-graphs too, read its input; a graph output keeps its name; every other case is
// refused and changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/edit.h"
#include "onnxkit/io.h"
#include "surgery/surgery_test_util.h"

namespace onnxkit {
namespace {

using surgery_test::Names;
using surgery_test::Parse;
using surgery_test::TypeOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (bool C, float[2] X) => (float[2] Y, float[2] R, float[2] Z) <float[2] W = {1, 2}> {
    A = Relu(X)
    B = Identity(A)
    Y = Sigmoid(B)
    R = If(C) <
      then_branch = t () => (float[2] o) { i = Identity(B) o = Neg(i) },
      else_branch = e () => (float[2] p) { p = Identity(B) }
    >
    S = Add(B, W)
    Z = Abs(S)
  })";

// Gives each node of the main graph the name of its first output, and the branches' nodes
// "then_<output>"/"else_<output>".
std::unique_ptr<Model> NamedModel(const char* text = kModel) {
  auto model = Parse(text);
  for (Node* n : model->graph->nodes()) {
    n->name = n->output(0)->name();
    for (const char* branch : {"then_branch", "else_branch"}) {
      if (Graph* sub = n->GetGraph(branch)) {
        for (Node* inner : sub->nodes()) {
          inner->name = std::string(branch).substr(0, 4) + "_" + inner->output(0)->name();
        }
      }
    }
  }
  return model;
}

std::string Message(const Status& status) { return std::string(status.message()); }

std::vector<std::string> OpTypes(const Graph& graph) {
  std::vector<std::string> ops;
  for (const Node* n : graph.nodes()) ops.push_back(n->op_type);
  return ops;
}

TEST(RemoveNode, ReadersReadItsInputInSubGraphsToo) {
  auto model = NamedModel();
  ASSERT_TRUE(RemoveNode(*model, "B").ok());
  const Graph& g = *model->graph;
  EXPECT_THAT(OpTypes(g), ElementsAre("Relu", "Sigmoid", "If", "Add", "Abs"));
  EXPECT_THAT(Names(g.first_node()->next()->inputs()), ElementsAre("A"));
  const Node* branch = g.first_node()->next()->next();
  EXPECT_THAT(Names(branch->GetGraph("then_branch")->first_node()->inputs()), ElementsAre("A"));
  EXPECT_VERIFIED(g);
  auto bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(ir_test::ParseBytes(*bytes));
}

TEST(RemoveNode, AGraphOutputKeepsItsName) {
  auto model = NamedModel();
  ASSERT_TRUE(RemoveNode(*model, "Z").ok());
  const Graph& g = *model->graph;
  EXPECT_THAT(Names(g.outputs()), ElementsAre("Y", "R", "Z"));
  EXPECT_EQ(g.outputs()[2]->producer()->op_type, "Add");
  EXPECT_EQ(TypeOf(g, "Z"), "float32[2]");
  EXPECT_VERIFIED(g);
  // And in a sub-graph whose output is an inner value.
  ASSERT_TRUE(RemoveNode(*model, "then_o").ok());
  const Graph& then_branch = *g.first_node()->next()->next()->next()->GetGraph("then_branch");
  EXPECT_THAT(Names(then_branch.outputs()), ElementsAre("o"));
  EXPECT_EQ(then_branch.outputs()[0]->producer()->op_type, "Identity");
  EXPECT_VERIFIED(g);
}

TEST(RemoveNode, RefusalsChangeNothing) {
  auto model = NamedModel();
  Status two_inputs = RemoveNode(*model, "S");
  EXPECT_EQ(two_inputs.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(two_inputs), HasSubstr("Add 'S' reads 2 values and produces 1"));
  EXPECT_THAT(Message(RemoveNode(*model, "R")), HasSubstr("If 'R' has sub-graphs"));
  // The else branch returns the Identity of an outer value: that value cannot be renamed.
  Status outer = RemoveNode(*model, "else_p");
  EXPECT_THAT(Message(outer), HasSubstr("its input 'B' is a value of an enclosing graph"));
  EXPECT_EQ(RemoveNode(*model, "nothing").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(model->graph->node_count(), 6u);
  EXPECT_VERIFIED(*model->graph);
}

TEST(RemoveNode, AnInputThatIsAGraphInputOrAnOutputCannotBecomeTheOutput) {
  auto model = NamedModel(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, float[2] A, float[2] Z) <float[2] W = {1, 2}> {
      Y = Relu(X)
      A = Neg(Y)
      Z = Identity(A)
    })");
  EXPECT_THAT(Message(RemoveNode(*model, "Y")), HasSubstr("its input 'X' is a graph input"));
  EXPECT_THAT(Message(RemoveNode(*model, "Z")), HasSubstr("its input 'A' is another graph output"));
  EXPECT_EQ(model->graph->node_count(), 3u);
}

}  // namespace
}  // namespace onnxkit
