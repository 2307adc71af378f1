// The inference engine's public API (onnxkit/infer.h) as a pass uses it: InferNode on a node
// just created in a model, InferGraph and InferModel on whole graphs, and problems coming
// back as findings (kind, node, slot, message) with no diagnostic codes.
#include <gtest/gtest.h>

#include <algorithm>

#include "onnxkit/infer.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

std::unique_ptr<Model> Parse(const char* text) {
  auto model = LoadBytes(testing::ModelFromText(text));
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

std::string TypeOf(const Value* v) { return v->type() ? TypeToString(*v->type()) : "none"; }

bool Declared(const Graph& g, const Value* v) {
  return std::find(g.value_info().begin(), g.value_info().end(), v) != g.value_info().end();
}

constexpr const char* kMatMulModel = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2,3] X, float[3,5] W) => (float[2,5] Y) {
    Y = MatMul(X, W)
  })";

TEST(InferNode, TypesTheOutputOfAFreshlyCreatedNodeAndDeclaresIt) {
  auto m = Parse(kMatMulModel);
  ASSERT_TRUE(m);
  Graph& g = *m->graph;
  Value* x = g.inputs()[0];
  // What a pass does: a new node, reading a typed value, whose output has no type yet.
  Node* t = g.InsertNodeBefore(g.first_node(), "Transpose", {x}, {"xt"});
  t->SetAttribute(Attribute::Ints("perm", {1, 0}));
  InferResult r = InferNode(*m, *t);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.values_typed, 1u);
  EXPECT_EQ(TypeOf(t->output(0)), "float32[3,2]");
  EXPECT_TRUE(Declared(g, t->output(0)));
  EXPECT_TRUE(g.Verify().ok());
}

TEST(InferNode, ChainsThroughNodesInferredOneByOne) {
  auto m = Parse(kMatMulModel);
  ASSERT_TRUE(m);
  Graph& g = *m->graph;
  Node* mm = g.first_node();
  // Y = Relu(Relu(X) @ W): two new nodes, each inferred from what the last one wrote.
  Node* r1 = g.InsertNodeBefore(mm, "Relu", {g.inputs()[0]}, {"r1"});
  mm->SetInput(0, r1->output(0));
  Node* sq = g.InsertNodeAfter(mm, "Sigmoid", {mm->output(0)}, {"s"});
  ASSERT_TRUE(InferNode(*m, *r1).ok());
  // MatMul's output is the graph output, declared float[2,5]: inferring it again agrees.
  ASSERT_TRUE(InferNode(*m, *mm).ok());
  InferResult r = InferNode(*m, *sq);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(TypeOf(r1->output(0)), "float32[2,3]");
  EXPECT_EQ(TypeOf(sq->output(0)), "float32[2,5]");
}

TEST(InferNode, AnAttributeSetByTheProgramIsUsed) {
  auto m = Parse(kMatMulModel);
  ASSERT_TRUE(m);
  Graph& g = *m->graph;
  Node* f = g.InsertNodeBefore(g.first_node(), "Flatten", {g.inputs()[1]}, {"flat"});
  f->SetAttribute(Attribute::Int("axis", 0));  // 0 is a value, not "absent"
  ASSERT_TRUE(InferNode(*m, *f).ok());
  EXPECT_EQ(TypeOf(f->output(0)), "float32[1,15]");
}

TEST(InferNode, ReportsAFailureAsAFindingAndTypesNothing) {
  auto m = Parse(kMatMulModel);
  ASSERT_TRUE(m);
  Graph& g = *m->graph;
  // [2,3] x [2,3]: the inner dimensions differ.
  Node* bad = g.InsertNodeBefore(g.first_node(), "MatMul", {g.inputs()[0], g.inputs()[0]}, {"p"});
  InferResult r = InferNode(*m, *bad);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, InferFinding::Kind::kInferenceFailed);
  EXPECT_EQ(r.findings[0].node, bad);
  EXPECT_FALSE(r.findings[0].message.empty());
  EXPECT_EQ(r.values_typed, 0u);
  EXPECT_EQ(bad->output(0)->type(), nullptr);
}

TEST(InferNode, ReportsABrokenPreconditionWithItsSlot) {
  auto m = Parse(kMatMulModel);
  ASSERT_TRUE(m);
  Graph& g = *m->graph;
  // Conv needs an input of rank 3 or more; libonnx's inference function would read past the
  // dims of a rank-2 X.
  Node* conv = g.InsertNodeBefore(g.first_node(), "Conv", {g.inputs()[0], g.inputs()[1]}, {"c"});
  InferResult r = InferNode(*m, *conv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.findings[0].kind, InferFinding::Kind::kInputRank);
  EXPECT_EQ(r.findings[0].slot, "input 0 (X)");
  EXPECT_EQ(conv->output(0)->type(), nullptr);
}

TEST(InferNode, AnInferredTypeAgainstADeclarationIsAFindingAtTheValue) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[3,3] Y) {
      Y = Relu(X)
    })");
  ASSERT_TRUE(m);
  Node* relu = m->graph->first_node();
  InferResult r = InferNode(*m, *relu);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, InferFinding::Kind::kDeclaredDim);
  EXPECT_EQ(r.findings[0].value, relu->output(0));
  // The declaration is never overwritten.
  EXPECT_EQ(TypeOf(relu->output(0)), "float32[3,3]");
}

TEST(InferNode, InfersThroughTheSubgraphsOfANewIf) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[4] X) => (float[4] Y) {
      Y = Relu(X)
    })");
  ASSERT_TRUE(m);
  Graph& g = *m->graph;
  Value* x = g.inputs()[1];
  auto branch = [&](const char* op) {
    auto body = std::make_unique<Graph>(&g);
    Node* n = body->AppendNode(op, {x}, {std::string("b_") + op});
    body->AddOutput(n->output(0));
    return body;
  };
  Node* if_node = g.InsertNodeBefore(g.first_node(), "If", {g.inputs()[0]}, {"chosen"});
  if_node->SetAttribute(Attribute::OfGraph("then_branch", branch("Neg")));
  if_node->SetAttribute(Attribute::OfGraph("else_branch", branch("Abs")));
  InferResult r = InferNode(*m, *if_node);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(TypeOf(if_node->output(0)), "float32[4]");
  const Graph& then_branch = *if_node->FindAttribute("then_branch")->g;
  EXPECT_EQ(TypeOf(then_branch.outputs()[0]), "float32[4]");
  EXPECT_EQ(r.values_typed, 3u);  // the If's output and each branch's
  EXPECT_TRUE(g.Verify().ok());
}

TEST(InferNode, LeavesANodeOfAFunctionBodyAlone) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) {
      Y = local.Twice(X)
    }
    <domain: "local", opset_import: ["" : 17]>
    Twice (a) => (b) {
      b = Add(a, a)
    })");
  ASSERT_TRUE(m);
  Node* add = m->functions[0]->body->first_node();
  InferResult r = InferNode(*m, *add);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.values_typed, 0u);
  EXPECT_TRUE(m->functions[0]->body->value_info().empty());
}

TEST(InferGraph, TypesEveryIntermediateOfOneGraph) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[3,2] Y) {
      s = Shape(X)
      i1 = Constant<value = int64[1] {1}>()
      i0 = Constant<value = int64[1] {0}>()
      d1 = Gather<axis = 0>(s, i1)
      d0 = Gather<axis = 0>(s, i0)
      t = Concat<axis = 0>(d1, d0)
      Y = Reshape(X, t)
    })");
  ASSERT_TRUE(m);
  InferResult r = InferGraph(*m, *m->graph);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.values_typed, 6u);  // Y is declared
  EXPECT_EQ(TypeOf(m->graph->Lookup("t")), "int64[2]");
}

TEST(InferModel, FindingsCarryNoDiagnosticCodes) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] A, int32[2] B) => (float[2] C) {
      C = Add(A, B)
    })");
  ASSERT_TRUE(m);
  InferResult r = InferModel(*m);
  ASSERT_EQ(r.findings.size(), 1u);
  const InferFinding& f = r.findings[0];
  EXPECT_EQ(f.kind, InferFinding::Kind::kInputTypes);
  EXPECT_EQ(f.slot, "input 1 (B)");
  EXPECT_EQ(f.message.find("types."), std::string::npos);
}

}  // namespace
}  // namespace onnxkit
