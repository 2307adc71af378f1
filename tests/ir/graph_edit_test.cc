// The edits passes make: inserting after, moving, iterating while erasing, removing graph
// inputs, outputs, initializers and value_info entries (all-or-nothing, declarations kept
// in step), replace-all-uses that may redirect graph outputs, use queries, and the opset
// version that governs a node.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using ir_test::Parse;
using ir_test::ParseBytes;

std::vector<std::string> OpTypes(const Graph& g) {
  std::vector<std::string> out;
  for (const Node* n : g.nodes()) out.push_back(n->op_type);
  return out;
}

std::vector<std::string> Names(const std::vector<Value*>& values) {
  std::vector<std::string> out;
  for (const Value* v : values) out.push_back(v->name());
  return out;
}

Tensor FloatScalar(std::string name) {
  Tensor t;
  t.name = std::move(name);
  t.data_type = static_cast<int32_t>(DataType::kFloat);
  float one = 1;
  t.SetRawData(Bytes::Copy(std::string_view(reinterpret_cast<const char*>(&one), sizeof one)));
  return t;
}

// ---------------------------------------------------------------------------------------
// Placing nodes.

TEST(GraphEdit, InsertNodeAfterAndMoves) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* a = g.AppendNode("Relu", {x}, {"A"});
  Node* c = g.AppendNode("Abs", {x}, {"C"});
  Node* b = g.InsertNodeAfter(a, "Neg", {a->output(0)}, {"B"});
  Node* d = g.InsertNodeAfter(c, "Exp", {x}, {"D"});
  EXPECT_THAT(OpTypes(g), ElementsAre("Relu", "Neg", "Abs", "Exp"));
  EXPECT_EQ(a->next(), b);
  EXPECT_EQ(b->prev(), a);
  EXPECT_EQ(a->prev(), nullptr);
  EXPECT_EQ(d->next(), nullptr);
  EXPECT_EQ(g.first_node(), a);
  EXPECT_EQ(g.last_node(), d);

  d->MoveBefore(a);
  EXPECT_THAT(OpTypes(g), ElementsAre("Exp", "Relu", "Neg", "Abs"));
  d->MoveAfter(c);
  EXPECT_THAT(OpTypes(g), ElementsAre("Relu", "Neg", "Abs", "Exp"));
  c->MoveAfter(c);  // onto itself: nothing changes
  EXPECT_THAT(OpTypes(g), ElementsAre("Relu", "Neg", "Abs", "Exp"));
  EXPECT_VERIFIED(g);
}

TEST(GraphEdit, EraseSafeIterationSurvivesRemovingTheCurrentNode) {
  Graph g;
  Value* x = g.AddInput("X");
  for (const char* op : {"Identity", "Relu", "Identity", "Identity", "Neg", "Identity"}) {
    g.AppendNode(op, {x}, {std::string(op) + std::to_string(g.node_count())});
  }
  std::vector<std::string> visited;
  for (Node* n : g.EraseSafeNodes()) {
    visited.push_back(n->op_type);
    if (n->op_type == "Identity") ASSERT_TRUE(g.RemoveNode(n).ok());
  }
  EXPECT_EQ(visited.size(), 6u);
  EXPECT_THAT(OpTypes(g), ElementsAre("Relu", "Neg"));
  EXPECT_VERIFIED(g);
  for (Node* n : Graph().EraseSafeNodes()) ADD_FAILURE() << n->op_type;
}

// ---------------------------------------------------------------------------------------
// Use queries.

TEST(GraphEdit, UseQueries) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* a = g.AppendNode("Relu", {x}, {"A"});
  Node* b = g.AppendNode("Add", {a->output(0), a->output(0)}, {"B"});
  g.AddOutput(b->output(0));
  EXPECT_TRUE(x->has_one_use());
  EXPECT_FALSE(a->output(0)->has_one_use());  // two inputs of one node are two uses
  EXPECT_EQ(a->output(0)->use_count(), 2u);
  EXPECT_FALSE(b->output(0)->has_uses());
  EXPECT_TRUE(b->output(0)->is_graph_output());
  EXPECT_FALSE(a->output(0)->is_graph_output());
  EXPECT_FALSE(x->is_graph_output());
}

// ---------------------------------------------------------------------------------------
// Replace all uses.

TEST(GraphEdit, ReplaceAllUsesKeepsOrRedirectsGraphOutputs) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* id = g.AppendNode("Identity", {x}, {"Y"});
  Node* neg = g.AppendNode("Neg", {id->output(0)}, {"Z"});
  Value* y = id->output(0);
  g.AddOutput(y);
  g.AddOutput(neg->output(0));

  y->ReplaceAllUsesWith(x, Value::GraphOutputs::kKeep);
  EXPECT_EQ(neg->input(0), x);
  EXPECT_THAT(Names(g.outputs()), ElementsAre("Y", "Z"));
  EXPECT_FALSE(g.RemoveNode(id).ok());  // Y is still returned

  y->ReplaceAllUsesWith(x, Value::GraphOutputs::kRedirect);
  EXPECT_THAT(Names(g.outputs()), ElementsAre("X", "Z"));
  EXPECT_FALSE(y->is_graph_output());
  EXPECT_TRUE(x->is_graph_output());
  ASSERT_TRUE(g.RemoveNode(id).ok());
  EXPECT_VERIFIED(g);
}

TEST(GraphEdit, RedirectingReachesSubgraphOutputsThatReturnAnOuterValue) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      T = Identity(X)
      R = If(c) <
        then_branch = t () => (float[2] T_out) { T_out = Identity(T) },
        else_branch = e () => (float[2] e_out) { e_out = Neg(T) }>
    })");
  ASSERT_TRUE(model);
  Graph& main = *model->graph;
  Value* x = main.inputs()[1];
  Node* identity = main.first_node();
  Value* t = identity->output(0);
  // Make the then-branch return T itself.
  Graph* then_g = main.last_node()->GetGraph("then_branch");
  then_g->SetOutput(0, t);
  ASSERT_TRUE(then_g->RemoveNode(then_g->first_node()).ok());
  EXPECT_TRUE(t->is_graph_output());

  t->ReplaceAllUsesWith(x, Value::GraphOutputs::kRedirect);
  EXPECT_EQ(then_g->outputs()[0], x);
  ASSERT_TRUE(main.RemoveNode(identity).ok());
  EXPECT_VERIFIED(main);
}

// ---------------------------------------------------------------------------------------
// Removing graph inputs, outputs, initializers, value_info.

TEST(GraphEdit, RemoveInputRefusesAUsedInputAndChangesNothing) {
  Graph g;
  Value* x = g.AddInput("X");
  Value* unused = g.AddInput("U");
  g.AppendNode("Relu", {x}, {"Y"});
  Status s = g.RemoveInput(x);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(StatusMessage(s)), HasSubstr("still used"));
  EXPECT_THAT(Names(g.inputs()), ElementsAre("X", "U"));

  ASSERT_TRUE(g.RemoveInput(unused).ok());
  EXPECT_THAT(Names(g.inputs()), ElementsAre("X"));
  EXPECT_FALSE(unused->is_graph_input());
  EXPECT_EQ(unused->kind(), Value::Kind::kUndefined);
  EXPECT_FALSE(g.RemoveInput(unused).ok());  // no longer an input
  EXPECT_VERIFIED(g);
}

TEST(GraphEdit, RemovingTheInputOfAnInitializerLeavesAConstant) {
  Graph g;
  Value* b = g.AddInput("B");
  g.AttachInitializer(b, FloatScalar("B"));
  Node* n = g.AppendNode("Relu", {b}, {"Y"});
  ASSERT_TRUE(g.RemoveInput(b).ok());
  EXPECT_EQ(b->kind(), Value::Kind::kInitializer);
  EXPECT_THAT(g.inputs(), IsEmpty());
  EXPECT_THAT(Names(g.initializers()), ElementsAre("B"));
  EXPECT_EQ(n->input(0), b);
  EXPECT_VERIFIED(g);
}

TEST(GraphEdit, RemoveInitializer) {
  Graph g;
  Value* w = g.AddInitializer(FloatScalar("W"));
  Value* dead = g.AddInitializer(FloatScalar("D"));
  Value* b = g.AddInput("B");
  g.AttachInitializer(b, FloatScalar("B"));
  g.AppendNode("Add", {w, b}, {"Y"});

  EXPECT_EQ(g.RemoveInitializer(w).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(g.RemoveInitializer(dead).ok());
  EXPECT_EQ(dead->initializer(), nullptr);
  // An input loses its default but stays an input, and stays read.
  ASSERT_TRUE(g.RemoveInitializer(b).ok());
  EXPECT_EQ(b->kind(), Value::Kind::kGraphInput);
  EXPECT_EQ(b->initializer(), nullptr);
  EXPECT_THAT(Names(g.initializers()), ElementsAre("W"));
  EXPECT_EQ(g.RemoveInitializer(dead).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_VERIFIED(g);
}

TEST(GraphEdit, AttachingTwiceReplacesTheDefaultAndListsItOnce) {
  Graph g;
  Value* b = g.AddInput("B");
  g.AttachInitializer(b, FloatScalar("B"));
  g.AttachInitializer(b, FloatScalar("B2"));
  g.AppendNode("Relu", {b}, {"Y"});
  EXPECT_EQ(g.initializers().size(), 1u);
  EXPECT_EQ(b->initializer()->name, "B2");
  ASSERT_TRUE(g.RemoveInitializer(b).ok());
  EXPECT_THAT(g.initializers(), IsEmpty());
  EXPECT_VERIFIED(g);
}

// Every value_info entry of a removed value goes, however many there are and whichever way
// the value goes; entries of other values stay.
TEST(GraphEdit, RemovingAValueRemovesEachOfItsValueInfoEntries) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* relu = g.AppendNode("Relu", {x}, {"T"});
  Node* neg = g.AppendNode("Neg", {x}, {"U"});
  Value* dead = g.AddInitializer(FloatScalar("D"));
  Value* t = relu->output(0);
  Value* u = neg->output(0);
  for (Value* v : {t, u, t, dead, u, dead}) g.AddValueInfo(v);
  ASSERT_TRUE(g.RemoveValueInfo(0).ok());  // the first T: one is left
  EXPECT_THAT(Names(g.value_info()), ElementsAre("U", "T", "D", "U", "D"));
  ASSERT_TRUE(g.RemoveNode(relu).ok());
  EXPECT_THAT(Names(g.value_info()), ElementsAre("U", "D", "U", "D"));
  ASSERT_TRUE(g.RemoveInitializer(dead).ok());
  EXPECT_THAT(Names(g.value_info()), ElementsAre("U", "U"));
  ASSERT_TRUE(g.RemoveNode(neg).ok());
  EXPECT_THAT(g.value_info(), IsEmpty());
  EXPECT_VERIFIED(g);
}

// A removal moves the later entries' declaration overrides down with them, drops the removed
// value's own, and a value listed again after its removal keeps only its new entry.
TEST(GraphEdit, ValueInfoOverridesFollowRemovedEntries) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* relu = g.AppendNode("Relu", {x}, {"A"});
  Node* neg = g.AppendNode("Neg", {x}, {"B"});
  Value* a = relu->output(0);
  Value* b = neg->output(0);
  for (Value* v : {a, b, a, b}) g.AddValueInfo(v);
  ValueInfo second;
  second.doc_string = "second declaration";
  g.value_info_overrides.push_back({2, second});  // of A: goes with A
  g.value_info_overrides.push_back({3, second});  // of B: moves to 1
  ASSERT_TRUE(g.RemoveNode(relu).ok());
  EXPECT_THAT(Names(g.value_info()), ElementsAre("B", "B"));
  ASSERT_EQ(g.value_info_overrides.size(), 1u);
  EXPECT_EQ(g.value_info_overrides[0].index, 1u);
  EXPECT_EQ(g.value_info_overrides[0].info.doc_string, "second declaration");
  EXPECT_VERIFIED(g);

  // Listed again after its removal (as a pass might, re-adding a node with that output).
  ASSERT_TRUE(g.RemoveNode(neg).ok());
  g.AddValueInfo(b);
  EXPECT_THAT(Names(g.value_info()), ElementsAre("B"));
  EXPECT_THAT(g.value_info_overrides, IsEmpty());
}

// X is declared as an input and again, differently, as output 1; T twice in value_info. The
// second declarations are kept as overrides (output 1, value_info 1); input 2 gets one
// by hand (the reader never makes input overrides: each input is a value of its own).
std::unique_ptr<Model> TwiceDeclared() {
  onnx::ModelProto proto;
  EXPECT_TRUE(proto.ParseFromString(testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X, float[2] U, float[2] V) => (float[2] Y, float[5] X, float[2] Z) {
      T = Relu(X)
      Y = Neg(T)
      Z = Add(X, V)
    })")));
  for (int dim : {2, 7}) {
    onnx::ValueInfoProto* vi = proto.mutable_graph()->add_value_info();
    vi->set_name("T");
    auto* t = vi->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    t->mutable_shape()->add_dim()->set_dim_value(dim);
  }
  auto model = ParseBytes(proto.SerializeAsString());
  if (!model) return nullptr;
  ValueInfo v_info = model->graph->inputs()[2]->info();
  v_info.doc_string = "declared twice";
  model->graph->input_info_overrides.push_back({2, v_info});
  return model;
}

onnx::GraphProto Saved(const Model& model) {
  auto bytes = SaveBytes(model);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  onnx::ModelProto proto;
  EXPECT_TRUE(proto.ParseFromString(*bytes));
  return proto.graph();
}

TEST(GraphEdit, RemovalsKeepTheDeclarationOverridesInStep) {
  auto model = TwiceDeclared();
  ASSERT_TRUE(model);
  Graph& g = *model->graph;
  ASSERT_EQ(g.output_info_overrides.size(), 1u);
  ASSERT_EQ(g.value_info_overrides.size(), 1u);
  onnx::GraphProto expected = Saved(*model);
  ASSERT_EQ(expected.input(2).doc_string(), "declared twice");
  ASSERT_EQ(expected.output(1).type().tensor_type().shape().dim(0).dim_value(), 5);

  // Input U (index 1) goes: V's declaration is now input 1.
  ASSERT_TRUE(g.RemoveInput(g.inputs()[1]).ok());
  expected.mutable_input()->DeleteSubrange(1, 1);
  EXPECT_EQ(Saved(*model).DebugString(), expected.DebugString());

  // Output 0 goes: the second declaration of X is now output 0.
  ASSERT_TRUE(g.RemoveOutput(0).ok());
  expected.mutable_output()->DeleteSubrange(0, 1);
  EXPECT_EQ(Saved(*model).DebugString(), expected.DebugString());

  // value_info entry 0 goes: the second T is now entry 0.
  ASSERT_TRUE(g.RemoveValueInfo(0).ok());
  expected.mutable_value_info()->DeleteSubrange(0, 1);
  EXPECT_EQ(Saved(*model).DebugString(), expected.DebugString());

  EXPECT_EQ(g.RemoveOutput(9).code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(g.RemoveValueInfo(9).code(), absl::StatusCode::kOutOfRange);
  EXPECT_VERIFIED(g);
}

TEST(GraphEdit, SettingAnOutputDropsTheSlotsOverride) {
  auto model = TwiceDeclared();
  ASSERT_TRUE(model);
  Graph& g = *model->graph;
  g.SetOutput(1, g.outputs()[2]);  // the slot that held the second declaration of X
  EXPECT_THAT(g.output_info_overrides, IsEmpty());
  EXPECT_VERIFIED(g);
}

// ---------------------------------------------------------------------------------------
// The opset version that governs a node.

TEST(GraphEdit, OpsetVersionOfANodeComesFromItsFunctionOrTheModel) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (bool c, float[2] X) => (float[2] Y, float[2] R) {
      Y = local.Twice(X)
      R = If(c) <
        then_branch = t () => (float[2] a) { a = Neg(X) },
        else_branch = e () => (float[2] b) { b = Abs(X) }>
    }
    <domain: "local", opset_import: ["" : 13]>
    Twice (x) => (y) {
      y = Add(x, x)
    })");
  ASSERT_TRUE(model);
  const Graph& main = *model->graph;
  EXPECT_EQ(model->OpsetVersionOf(*main.first_node()), 1);
  const Node* neg = main.last_node()->GetGraph("then_branch")->first_node();
  EXPECT_EQ(model->OpsetVersionOf(*neg), 17);
  ASSERT_EQ(model->functions.size(), 1u);
  const Function& twice = *model->functions[0];
  EXPECT_EQ(model->FunctionOfBody(twice.body.get()), &twice);
  EXPECT_EQ(model->OpsetVersionOf(*twice.body->first_node()), 13);
  Node* unknown = model->graph->AppendNode("Op", {}, {"Z"}, "com.example");
  EXPECT_EQ(model->OpsetVersionOf(*unknown), std::nullopt);
}

}  // namespace
}  // namespace onnxkit
