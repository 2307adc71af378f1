// The IR invariants a rewrite relies on, each first written as a failing test for a defect
// the review of issue 10 found:
//  1. removing a node that holds sub-graphs also removes the uses its sub-graph nodes made
//     of outer values (no use list keeps a pointer to a freed node);
//  2. an attribute created in code is seen by Check, inference and the writer exactly like
//     one read from a file: its type decides which field holds its value;
//  3. the declarations kept for round-trip (`*_info_overrides`) follow removals;
//  4. `Value::uses()` is a snapshot: a loop over it may rewrite those very uses;
//  5. `Graph::Verify()` finds what a pass can break: names defined twice in a scope, nodes
//     out of topological order, wrong sub-graph parents, in sub-graphs at any depth.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/check.h"
#include "onnxkit/infer.h"
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

Node* FindNode(const Graph& g, std::string_view name) {
  for (Node* n : g.nodes()) {
    if (n->name == name) return n;
  }
  return nullptr;
}

Value* FindInput(const Graph& g, std::string_view name) {
  for (Value* v : g.inputs()) {
    if (v->name() == name) return v;
  }
  return nullptr;
}

std::vector<std::string> Codes(const Diagnostics& diagnostics) {
  std::vector<std::string> codes;
  for (const Diagnostic& d : diagnostics.items) {
    codes.push_back(d.code + "@" + d.location.Path() + ": " + d.message);
  }
  return codes;
}

// ---------------------------------------------------------------------------------------
// 1. Removing a node that holds sub-graphs.

constexpr const char* kDeadIf = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  dead_if (bool cond, float[2] X, float[2] Y) => (float[2] Z) {
    Z = Add(X, Y)
    R = If(cond) <
      then_branch = then_g () => (float[2] t) { t = Mul(X, Y) },
      else_branch = else_g () => (float[2] e) {
        e = If(cond) <
          then_branch = inner_then () => (float[2] it) { it = Neg(X) },
          else_branch = inner_else () => (float[2] ie) { ie = Abs(Y) }>
      }>
  })";

TEST(IrInvariants, RemovingANodeWithSubgraphsRemovesTheUsesItsSubgraphsMade) {
  auto model = Parse(kDeadIf);
  ASSERT_TRUE(model);
  Graph& main = *model->graph;
  Value* x = FindInput(main, "X");
  Value* y = FindInput(main, "Y");
  Value* cond = FindInput(main, "cond");
  Node* add = *main.nodes().begin();
  Node* dead_if = *std::next(main.nodes().begin());
  ASSERT_EQ(x->uses().size(), 3u);  // Add, then_g's Mul, inner_then's Neg

  ASSERT_TRUE(main.RemoveNode(dead_if).ok());
  // Only the Add's uses remain; none points at a node of a freed sub-graph.
  EXPECT_THAT(x->uses(), ElementsAre(Use{add, 0}));
  EXPECT_THAT(y->uses(), ElementsAre(Use{add, 1}));
  EXPECT_THAT(cond->uses(), IsEmpty());
  Status verified = main.Verify();
  EXPECT_TRUE(verified.ok()) << verified;
}

// ---------------------------------------------------------------------------------------
// 2. Attributes created in code.

// float[2,3,4,5] X -> Flatten(axis) -> Y, built in memory with no bit of "was in the file".
std::unique_ptr<Model> FlattenBuiltInCode(int64_t axis) {
  auto model = std::make_unique<Model>();
  model->ir_version = 8;
  model->opset_import.push_back({"", 17, {}});
  model->graph = std::make_unique<Graph>();
  Graph& g = *model->graph;
  g.name = "built";
  ValueInfo x_info;
  x_info.has_type = true;
  x_info.type =
      Type::Tensor(DataType::kFloat, {Dim::Value(2), Dim::Value(3), Dim::Value(4), Dim::Value(5)});
  Value* x = g.AddInput("X", x_info);
  Node* flatten = g.AppendNode("Flatten", {x}, {"Y"});
  flatten->name = "flatten_0";
  Attribute a;
  a.name = "axis";
  a.type = AttributeType::kInt;
  a.i = axis;
  flatten->attributes.push_back(std::move(a));
  g.AddOutput(flatten->output(0));
  return model;
}

TEST(IrInvariants, AnAttributeCreatedInCodeIsCheckedLikeOneReadFromAFile) {
  // The same model read from a file is the reference: it checks clean.
  auto from_file = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    built (float[2,3,4,5] X) => (Y) {
      Y = Flatten<axis = 0>(X)
    })");
  ASSERT_TRUE(from_file);
  ASSERT_THAT(Codes(Check(*from_file)), IsEmpty());

  for (int64_t axis : {0, 2}) {
    auto model = FlattenBuiltInCode(axis);
    EXPECT_THAT(Codes(Check(*model)), IsEmpty()) << "axis " << axis;
  }
}

TEST(IrInvariants, InferenceUsesTheValueOfAnAttributeCreatedInCode) {
  // Flatten's default axis is 1 ([2,60]); axis 0 gives [1,120] and axis 2 gives [6,20].
  for (auto [axis, expected] :
       std::vector<std::pair<int64_t, std::string>>{{0, "float32[1,120]"}, {2, "float32[6,20]"}}) {
    auto model = FlattenBuiltInCode(axis);
    Diagnostics diagnostics;
    InferShapes(*model, diagnostics);
    EXPECT_THAT(Codes(diagnostics), IsEmpty());
    const Value* y = model->graph->outputs()[0];
    ASSERT_NE(y->type(), nullptr) << "axis " << axis;
    EXPECT_EQ(TypeToString(*y->type()), expected) << "axis " << axis;
  }
}

TEST(IrInvariants, AnAttributeCreatedInCodeIsSavedWithItsValue) {
  auto model = FlattenBuiltInCode(0);
  auto bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  onnx::ModelProto proto;
  ASSERT_TRUE(proto.ParseFromString(*bytes));
  const onnx::AttributeProto& axis = proto.graph().node(0).attribute(0);
  EXPECT_EQ(axis.type(), onnx::AttributeProto::INT);
  EXPECT_TRUE(axis.has_i());  // a present 0, not a missing value
  EXPECT_EQ(axis.i(), 0);
}

// ---------------------------------------------------------------------------------------
// 3. Declarations kept for round-trip.

TEST(IrInvariants, InfoOverridesFollowTheRemovalOfAValueInfoEntry) {
  onnx::ModelProto proto;
  ASSERT_TRUE(proto.ParseFromString(testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      A = Relu(X)
      B = Neg(X)
      Y = Add(X, B)
    })")));
  // value_info: A, B, and B again with a different shape (kept as an override of entry 2).
  auto declare = [&](const char* name, int64_t dim) {
    onnx::ValueInfoProto* vi = proto.mutable_graph()->add_value_info();
    vi->set_name(name);
    auto* t = vi->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    t->mutable_shape()->add_dim()->set_dim_value(dim);
  };
  declare("A", 2);
  declare("B", 2);
  declare("B", 3);
  auto model = ParseBytes(proto.SerializeAsString());
  ASSERT_TRUE(model);
  Graph& g = *model->graph;
  ASSERT_EQ(g.value_info().size(), 3u);

  // Removing the Relu removes A's value_info entry: B's second declaration is now entry 1.
  ASSERT_TRUE(g.RemoveNode(*g.nodes().begin()).ok());
  proto.mutable_graph()->mutable_node()->DeleteSubrange(0, 1);
  proto.mutable_graph()->mutable_value_info()->DeleteSubrange(0, 1);
  auto saved = SaveBytes(*model);
  ASSERT_TRUE(saved.ok()) << saved.status();
  onnx::ModelProto got;
  ASSERT_TRUE(got.ParseFromString(*saved));
  EXPECT_EQ(got.graph().DebugString(), proto.graph().DebugString());
}

// ---------------------------------------------------------------------------------------
// 4. Use lists while mutating.

TEST(IrInvariants, UsesIsASnapshotThatALoopMayRewrite) {
  Graph g;
  Value* x = g.AddInput("X");
  Value* y = g.AddInput("Y");
  Node* a = g.AppendNode("Relu", {x}, {"A"});
  Node* b = g.AppendNode("Neg", {x}, {"B"});
  Node* c = g.AppendNode("Add", {x, x}, {"C"});
  for (const Use& use : x->uses()) use.node->SetInput(use.input_index, y);
  EXPECT_THAT(x->uses(), IsEmpty());
  EXPECT_THAT(y->uses(), ElementsAre(Use{a, 0}, Use{b, 0}, Use{c, 0}, Use{c, 1}));
  Status verified = g.Verify();
  EXPECT_TRUE(verified.ok()) << verified;
}

// ---------------------------------------------------------------------------------------
// 5. What Verify finds.

std::string VerifyMessage(const Graph& g) {
  Status s = g.Verify();
  return s.ok() ? "ok" : std::string(StatusMessage(s));
}

TEST(IrInvariants, VerifyFindsANameDefinedTwiceInOneGraph) {
  Graph g;
  Value* x = g.AddInput("X");
  g.AppendNode("Relu", {x}, {"A"});
  g.AppendNode("Neg", {x}, {"A"});
  EXPECT_THAT(VerifyMessage(g), HasSubstr("'A' is defined twice"));
}

TEST(IrInvariants, VerifyFindsANodeBeforeTheProducerOfItsInput) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* relu = g.AppendNode("Relu", {x}, {"A"});
  g.InsertNodeBefore(relu, "Neg", {relu->output(0)}, {"B"});
  EXPECT_THAT(VerifyMessage(g), HasSubstr("not in topological order"));
}

TEST(IrInvariants, VerifyChecksSubgraphsAndTheirParents) {
  auto model = Parse(kDeadIf);
  ASSERT_TRUE(model);
  Graph& main = *model->graph;
  ASSERT_EQ(VerifyMessage(main), "ok");
  Node* if_node = *std::next(main.nodes().begin());
  Graph& then_g = *if_node->FindAttribute("then_branch")->g;

  then_g.set_parent(nullptr);
  EXPECT_THAT(VerifyMessage(main), HasSubstr("parent"));
  then_g.set_parent(&main);
  ASSERT_EQ(VerifyMessage(main), "ok");

  // A defect two levels down is found from the main graph.
  Graph& else_g = *if_node->FindAttribute("else_branch")->g;
  Graph& inner_then = *(*else_g.nodes().begin())->FindAttribute("then_branch")->g;
  Value* outer_x = FindInput(main, "X");
  inner_then.AppendNode("Relu", {outer_x}, {"it"});
  EXPECT_THAT(VerifyMessage(main), HasSubstr("'it' is defined twice"));
}

}  // namespace
}  // namespace onnxkit
