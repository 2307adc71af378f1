// IR invariants: every mutation keeps producers and use lists consistent (Graph::Verify
// passes after each), sub-graphs use the outer graph's Value objects, names used but defined
// nowhere become undefined values, and a value's name is one label that every reference
// follows when saved.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <onnx/defs/parser.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "schema/onnx_namespace.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::CorpusDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

Tensor FloatTensor(std::string name, std::vector<float> values) {
  Tensor t;
  t.name = std::move(name);
  t.data_type = static_cast<int32_t>(DataType::kFloat);
  t.dims = {static_cast<int64_t>(values.size())};
  t.SetRawData(Bytes::Copy(std::string_view(reinterpret_cast<const char*>(values.data()),
                                            values.size() * sizeof(float))));
  return t;
}

std::vector<const Node*> NodesOf(const Graph& g) {
  std::vector<const Node*> out;
  for (const Node* n : g.nodes()) out.push_back(n);
  return out;
}

// ---------------------------------------------------------------------------------------
// Building and mutating through the API.

TEST(Graph, BuildKeepsProducersAndUses) {
  Graph g;
  Value* x = g.AddInput("X");
  Value* w = g.AddInitializer(FloatTensor("W", {1, 2}));
  EXPECT_VERIFIED(g);
  Node* add = g.AppendNode("Add", {x, w}, {"S"});
  EXPECT_VERIFIED(g);
  Node* relu = g.AppendNode("Relu", {add->output(0)}, {"Y"});
  g.AddOutput(relu->output(0));
  EXPECT_VERIFIED(g);

  EXPECT_EQ(x->kind(), Value::Kind::kGraphInput);
  EXPECT_TRUE(x->is_graph_input());
  EXPECT_EQ(w->kind(), Value::Kind::kInitializer);
  ASSERT_NE(w->initializer(), nullptr);
  EXPECT_EQ(w->name(), "W");
  Value* s = add->output(0);
  EXPECT_EQ(s->kind(), Value::Kind::kNodeOutput);
  EXPECT_EQ(s->producer(), add);
  EXPECT_EQ(s->producer_index(), 0);
  EXPECT_EQ(s->graph(), &g);
  EXPECT_THAT(x->uses(), ElementsAre(Use{add, 0}));
  EXPECT_THAT(w->uses(), ElementsAre(Use{add, 1}));
  EXPECT_THAT(s->uses(), ElementsAre(Use{relu, 0}));
  EXPECT_THAT(relu->output(0)->uses(), IsEmpty());
  EXPECT_EQ(g.Lookup("S"), s);
  EXPECT_EQ(g.Lookup("nothing"), nullptr);
}

TEST(Graph, OmittedInputsAndOutputs) {
  Graph g;
  Value* x = g.AddInput("X");
  Value* lo = g.AddInitializer(FloatTensor("lo", {0}));
  Node* clip = g.AppendNode("Clip", {x, nullptr, lo}, {"Y"});
  Node* split = g.AppendNode("Split", {x}, {"", "B"});
  EXPECT_VERIFIED(g);
  EXPECT_EQ(clip->input(1), nullptr);
  EXPECT_THAT(lo->uses(), ElementsAre(Use{clip, 2}));
  EXPECT_EQ(split->output(0), nullptr);
  ASSERT_NE(split->output(1), nullptr);
  EXPECT_EQ(split->output(1)->producer_index(), 1);
  EXPECT_THAT(x->uses(), ElementsAre(Use{clip, 0}, Use{split, 0}));
}

TEST(Graph, InsertNodeBeforeAndSetInput) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* add = g.AppendNode("Add", {x, x}, {"S"});
  Node* relu = g.AppendNode("Relu", {add->output(0)}, {"Y"});
  g.AddOutput(relu->output(0));
  EXPECT_THAT(x->uses(), ElementsAre(Use{add, 0}, Use{add, 1}));

  Node* neg = g.InsertNodeBefore(relu, "Neg", {add->output(0)}, {"N"});
  EXPECT_VERIFIED(g);
  EXPECT_THAT(NodesOf(g), ElementsAre(add, neg, relu));

  relu->SetInput(0, neg->output(0));
  EXPECT_VERIFIED(g);
  EXPECT_THAT(add->output(0)->uses(), ElementsAre(Use{neg, 0}));
  EXPECT_THAT(neg->output(0)->uses(), ElementsAre(Use{relu, 0}));
}

TEST(Graph, SetInputOnOneOfTwoSlotsOfTheSameValue) {
  Graph g;
  Value* x = g.AddInput("X");
  Value* y = g.AddInput("Y");
  Node* mul = g.AppendNode("Mul", {x, x}, {"P"});
  mul->SetInput(1, y);
  EXPECT_VERIFIED(g);
  EXPECT_THAT(x->uses(), ElementsAre(Use{mul, 0}));
  EXPECT_THAT(y->uses(), ElementsAre(Use{mul, 1}));
  mul->SetInput(0, nullptr);
  EXPECT_VERIFIED(g);
  EXPECT_THAT(x->uses(), IsEmpty());
  EXPECT_EQ(mul->input(0), nullptr);
}

TEST(Graph, ReplaceAllUsesWith) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* a = g.AppendNode("Relu", {x}, {"A"});
  Node* b = g.AppendNode("Neg", {x}, {"B"});
  Node* mul = g.AppendNode("Mul", {a->output(0), a->output(0)}, {"M"});
  Node* add = g.AppendNode("Add", {a->output(0), x}, {"Y"});
  g.AddOutput(add->output(0));

  a->output(0)->ReplaceAllUsesWith(b->output(0));
  EXPECT_VERIFIED(g);
  EXPECT_THAT(a->output(0)->uses(), IsEmpty());
  EXPECT_THAT(b->output(0)->uses(), UnorderedElementsAre(Use{mul, 0}, Use{mul, 1}, Use{add, 0}));
  EXPECT_EQ(mul->input(0), b->output(0));
  EXPECT_EQ(mul->input(1), b->output(0));
  EXPECT_EQ(add->input(0), b->output(0));
  EXPECT_EQ(add->input(1), x);

  // Onto itself: nothing changes.
  b->output(0)->ReplaceAllUsesWith(b->output(0));
  EXPECT_VERIFIED(g);
  EXPECT_EQ(b->output(0)->uses().size(), 3u);
}

TEST(Graph, RemoveNodeRefusesUsedOutputsAndGraphOutputs) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* a = g.AppendNode("Relu", {x}, {"A"});
  Node* b = g.AppendNode("Neg", {a->output(0)}, {"B"});
  Node* dead = g.AppendNode("Abs", {x}, {"D"});
  g.AddOutput(b->output(0));

  Status s = g.RemoveNode(a);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(StatusMessage(s)), ::testing::HasSubstr("'A' is still used"));
  s = g.RemoveNode(b);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(StatusMessage(s)), ::testing::HasSubstr("graph output"));
  // Refusals change nothing.
  EXPECT_EQ(g.node_count(), 3u);
  EXPECT_THAT(x->uses(), ElementsAre(Use{a, 0}, Use{dead, 0}));
  EXPECT_VERIFIED(g);

  ASSERT_TRUE(g.RemoveNode(dead).ok());
  EXPECT_VERIFIED(g);
  EXPECT_THAT(NodesOf(g), ElementsAre(a, b));
  EXPECT_THAT(x->uses(), ElementsAre(Use{a, 0}));

  Graph other;
  EXPECT_FALSE(other.RemoveNode(a).ok());
  EXPECT_EQ(g.node_count(), 2u);
}

// ---------------------------------------------------------------------------------------
// Sub-graphs resolve names in the enclosing graphs.

const Node* FindNode(const Graph& g, std::string_view name) {
  for (const Node* n : g.nodes()) {
    if (n->name == name) return n;
  }
  return nullptr;
}

const Graph* Branch(const Node& n, std::string_view attr) {
  const Attribute* a = n.FindAttribute(attr);
  return a && a->g ? a->g.get() : nullptr;
}

const Value* Input(const Graph& g, std::string_view name) {
  for (const Value* v : g.inputs()) {
    if (v->name() == name) return v;
  }
  return nullptr;
}

void ExpectAllVerified(const Model& model) {
  ForEachGraph(model, [](const Graph& g) { EXPECT_VERIFIED(g); });
}

TEST(GraphScopes, IfBranchesUseTheOuterValues) {
  auto model = LoadFile((CorpusDir() / "valid-edge/if_outer_scope.onnx").string());
  ASSERT_TRUE(model.ok()) << model.status();
  const Graph& main = *(*model)->graph;
  ExpectAllVerified(**model);
  const Node* if_node = FindNode(main, "If_0");
  ASSERT_NE(if_node, nullptr);
  const Graph* then_g = Branch(*if_node, "then_branch");
  const Graph* else_g = Branch(*if_node, "else_branch");
  ASSERT_TRUE(then_g && else_g);
  EXPECT_EQ(then_g->parent(), &main);
  EXPECT_EQ(else_g->parent(), &main);

  const Value* x = Input(main, "X");
  const Value* y = Input(main, "Y");
  ASSERT_TRUE(x && y);
  ASSERT_EQ(main.initializers().size(), 1u);
  const Value* w = main.initializers()[0];
  const Node* then_add = FindNode(*then_g, "then_add");
  const Node* then_mul = FindNode(*then_g, "then_mul");
  const Node* else_sub = FindNode(*else_g, "else_sub");
  ASSERT_TRUE(then_add && then_mul && else_sub);

  EXPECT_EQ(then_add->input(0), x);
  EXPECT_EQ(then_add->input(1), w);
  EXPECT_EQ(then_mul->input(1), y);
  EXPECT_EQ(else_sub->input(0), x);
  EXPECT_EQ(else_sub->input(1), y);
  EXPECT_EQ(x->graph(), &main);
  auto* mut_then_add = const_cast<Node*>(then_add);
  auto* mut_then_mul = const_cast<Node*>(then_mul);
  auto* mut_else_sub = const_cast<Node*>(else_sub);
  EXPECT_THAT(x->uses(), UnorderedElementsAre(Use{mut_then_add, 0}, Use{mut_else_sub, 0}));
  EXPECT_THAT(y->uses(), UnorderedElementsAre(Use{mut_then_mul, 1}, Use{mut_else_sub, 1}));
  EXPECT_THAT(w->uses(), ElementsAre(Use{mut_then_add, 1}));
  // The branch's own value stays in the branch.
  EXPECT_EQ(then_mul->input(0), then_add->output(0));
  EXPECT_EQ(then_add->output(0)->graph(), then_g);
  EXPECT_EQ(then_g->Lookup("X"), x);
  EXPECT_EQ(main.Lookup("t_sum"), nullptr);
  // The branches define no value of their own for X, W, Y.
  for (const Graph* b : {then_g, else_g}) {
    for (const Value* v : b->values()) {
      EXPECT_NE(v->kind(), Value::Kind::kUndefined) << v->name();
    }
  }
}

TEST(GraphScopes, ThreeLevelsDeepInsideALoop) {
  auto model = LoadFile((CorpusDir() / "valid-edge/nested_if_in_loop.onnx").string());
  ASSERT_TRUE(model.ok()) << model.status();
  ExpectAllVerified(**model);
  const Graph& main = *(*model)->graph;
  const Graph* body = Branch(*FindNode(main, "Loop_0"), "body");
  ASSERT_NE(body, nullptr);
  const Node* if1 = FindNode(*body, "If_1");
  ASSERT_NE(if1, nullptr);
  const Graph* then1 = Branch(*if1, "then_branch");
  const Graph* else1 = Branch(*if1, "else_branch");
  ASSERT_TRUE(then1 && else1);
  const Node* if2 = FindNode(*then1, "If_2");
  ASSERT_NE(if2, nullptr);
  const Graph* then2 = Branch(*if2, "then_branch");
  const Graph* else2 = Branch(*if2, "else_branch");
  ASSERT_TRUE(then2 && else2);
  EXPECT_EQ(then2->parent(), then1);
  EXPECT_EQ(then1->parent(), body);
  EXPECT_EQ(body->parent(), &main);

  const Value* x = Input(main, "X");
  const Value* c2 = Input(main, "c2");
  const Value* v_in = Input(*body, "v_in");
  const Node* d2_mul = FindNode(*then1, "d2_mul");
  const Node* d3_add = FindNode(*then2, "d3_add");
  const Node* d3_sub = FindNode(*else2, "d3_sub");
  const Node* d2_neg = FindNode(*else1, "d2_neg");
  ASSERT_TRUE(x && c2 && v_in && d2_mul && d3_add && d3_sub && d2_neg);

  // Innermost nodes read the loop body's input (two levels up) and the main input (three).
  EXPECT_EQ(d3_add->input(0), v_in);
  EXPECT_EQ(d3_add->input(1), x);
  EXPECT_EQ(d3_sub->input(0), d2_mul->output(0));  // one level up
  EXPECT_EQ(d3_sub->input(1), x);
  EXPECT_EQ(if2->input(0), c2);
  auto use = [](const Node* n, int i) { return Use{const_cast<Node*>(n), i}; };
  EXPECT_THAT(x->uses(), UnorderedElementsAre(use(d3_add, 1), use(d3_sub, 1),
                                              use(FindNode(main, "Loop_0"), 2)));
  EXPECT_THAT(v_in->uses(),
              UnorderedElementsAre(use(d2_mul, 0), use(d2_mul, 1), use(d3_add, 0), use(d2_neg, 0)));
  EXPECT_THAT(d2_mul->output(0)->uses(), ElementsAre(use(d3_sub, 0)));
  EXPECT_EQ(then2->Lookup("v_in"), v_in);
  EXPECT_EQ(then2->Lookup("sq"), d2_mul->output(0));
  EXPECT_EQ(else1->Lookup("sq"), nullptr);  // a sibling branch's value is not in scope
}

// ---------------------------------------------------------------------------------------
// Names used but defined nowhere.

std::string ParseModel(const char* text) {
  onnx::ModelProto proto;
  auto status = onnx::OnnxParser::Parse(proto, text);
  EXPECT_TRUE(status.IsOK()) << status.ErrorMessage();
  return proto.SerializeAsString();
}

TEST(GraphUndefined, UnknownNamesBecomeUndefinedValuesAndRoundTrip) {
  std::string bytes = ParseModel(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    undefined_names (bool cond, float[2] X) => (float[2] Y, float[2] Z, float[2] R) {
      Y = Add(X, Missing)
      R = If(cond) <
        then_branch = then_g () => (float[2] t) { t = Mul(X, Nowhere) },
        else_branch = else_g () => (float[2] e) { e = Neg(Missing) }>
    }
  )");
  auto model = LoadBytes(bytes);
  ASSERT_TRUE(model.ok()) << model.status();
  const Graph& main = *(*model)->graph;
  ExpectAllVerified(**model);

  const Node* add = *main.nodes().begin();
  const Value* missing = add->input(1);
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->name(), "Missing");
  EXPECT_EQ(missing->kind(), Value::Kind::kUndefined);
  EXPECT_EQ(missing->producer(), nullptr);
  EXPECT_EQ(missing->graph(), &main);
  EXPECT_EQ(main.Lookup("Missing"), nullptr);
  // Z is a graph output nothing defines.
  ASSERT_EQ(main.outputs().size(), 3u);
  EXPECT_EQ(main.outputs()[1]->kind(), Value::Kind::kUndefined);

  // In the branches: 'Missing' is the outer undefined value (one object for one name in
  // scope), 'Nowhere' an undefined value of the branch that uses it.
  const Node* if_node = *std::next(main.nodes().begin());
  const Graph* then_g = Branch(*if_node, "then_branch");
  const Graph* else_g = Branch(*if_node, "else_branch");
  ASSERT_TRUE(then_g && else_g);
  const Value* nowhere = (*then_g->nodes().begin())->input(1);
  EXPECT_EQ(nowhere->kind(), Value::Kind::kUndefined);
  EXPECT_EQ(nowhere->graph(), then_g);
  EXPECT_EQ((*else_g->nodes().begin())->input(0), missing);
  EXPECT_EQ(missing->uses().size(), 2u);

  auto saved = SaveBytes(**model);
  ASSERT_TRUE(saved.ok());
  EXPECT_TRUE(*saved == bytes);
}

// ---------------------------------------------------------------------------------------
// Renaming: one assignment, every reference follows.

// Renames `from` to `to` in every name field of a GraphProto, recursively: what saving a
// renamed value must produce.
void RenameInProto(onnx::GraphProto& g, const std::string& from, const std::string& to) {
  auto fix = [&](std::string* s) {
    if (*s == from) *s = to;
  };
  for (auto& n : *g.mutable_node()) {
    for (auto& s : *n.mutable_input()) fix(&s);
    for (auto& s : *n.mutable_output()) fix(&s);
    for (auto& a : *n.mutable_attribute()) {
      if (a.has_g()) RenameInProto(*a.mutable_g(), from, to);
      for (auto& sub : *a.mutable_graphs()) RenameInProto(sub, from, to);
    }
  }
  for (auto& t : *g.mutable_initializer()) fix(t.mutable_name());
  for (auto* list : {g.mutable_input(), g.mutable_output(), g.mutable_value_info()}) {
    for (auto& vi : *list) fix(vi.mutable_name());
  }
}

Value* FindValue(const Graph& g, std::string_view name) {
  for (Value* v : g.values()) {
    if (v->name() == name) return v;
  }
  return nullptr;
}

TEST(GraphRename, EveryReferenceFollows) {
  fs::path file = CorpusDir() / "valid-edge/nested_if_in_loop.onnx";
  auto model = LoadFile(file.string());
  ASSERT_TRUE(model.ok()) << model.status();
  onnx::ModelProto expected;
  ASSERT_TRUE(expected.ParseFromString(testing::ReadFile(file)));

  const Graph& main = *(*model)->graph;
  const Graph* body = Branch(*FindNode(main, "Loop_0"), "body");
  ASSERT_NE(body, nullptr);
  // A main-graph input used three levels down, a loop-body input, and a node output used in
  // a nested branch.
  struct Rename {
    Value* value;
    std::string to;
  };
  std::vector<Rename> renames = {
      {FindValue(main, "X"), "input_x"},
      {FindValue(*body, "v_in"), "carried"},
      {FindValue(main, "Y"), "result"},
  };
  for (Rename& r : renames) {
    ASSERT_NE(r.value, nullptr) << r.to;
    RenameInProto(*expected.mutable_graph(), r.value->name(), r.to);
    r.value->set_name(r.to);
  }
  ExpectAllVerified(**model);
  auto saved = SaveBytes(**model);
  ASSERT_TRUE(saved.ok());
  EXPECT_TRUE(*saved == expected.SerializeAsString());
}

TEST(GraphRename, InitializerThatIsAlsoAnInput) {
  fs::path file = CorpusDir() / "valid-edge/initializer_overrides_input.onnx";
  auto model = LoadFile(file.string());
  ASSERT_TRUE(model.ok()) << model.status();
  onnx::ModelProto expected;
  ASSERT_TRUE(expected.ParseFromString(testing::ReadFile(file)));
  Value* b = FindValue(*(*model)->graph, "B");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->is_graph_input() && b->initializer());
  b->set_name("bias");
  RenameInProto(*expected.mutable_graph(), "B", "bias");
  auto saved = SaveBytes(**model);
  ASSERT_TRUE(saved.ok());
  EXPECT_TRUE(*saved == expected.SerializeAsString());
}

}  // namespace
}  // namespace onnxkit
