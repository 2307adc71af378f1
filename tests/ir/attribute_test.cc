// Attributes as passes build and read them: builders, typed getters that miss with
// std::nullopt, which field holds the value (decided by the type), replacing and removing
// attributes that own sub-graphs, and Node::Is with its one domain normalisation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

// A typed list getter's result as a vector (nullopt: an empty optional), for matchers.
template <typename T>
std::optional<std::vector<T>> Vec(std::optional<std::span<const T>> values) {
  if (!values) return std::nullopt;
  return std::vector<T>(values->begin(), values->end());
}

TEST(Attribute, BuildersSetTypeAndValue) {
  EXPECT_EQ(Attribute::Float("alpha", 0.5F).AsFloat(), 0.5F);
  EXPECT_EQ(Attribute::Int("axis", 0).AsInt(), 0);
  EXPECT_EQ(Attribute::String("mode", "DCR").AsString(), "DCR");
  EXPECT_THAT(Vec(Attribute::Floats("scales", {1, 2}).AsFloats()), Optional(ElementsAre(1, 2)));
  EXPECT_THAT(Vec(Attribute::Ints("perm", {1, 0}).AsInts()), Optional(ElementsAre(1, 0)));
  EXPECT_THAT(Vec(Attribute::Strings("names", {"a"}).AsStrings()), Optional(ElementsAre("a")));
  Tensor t;
  t.name = "v";
  Attribute tensor = Attribute::OfTensor("value", t);
  EXPECT_EQ(tensor.type, AttributeType::kTensor);
  ASSERT_NE(tensor.AsTensor(), nullptr);
  EXPECT_EQ(tensor.AsTensor()->name, "v");
  Attribute graph = Attribute::OfGraph("body", std::make_unique<Graph>());
  EXPECT_EQ(graph.type, AttributeType::kGraph);
  EXPECT_NE(graph.AsGraph(), nullptr);
  EXPECT_EQ(Attribute::Int("axis", 3).name, "axis");
}

TEST(Attribute, GettersMissOnAnotherTypeAndOnReferences) {
  Attribute alpha = Attribute::Float("alpha", 0.5F);
  EXPECT_EQ(alpha.AsInt(), std::nullopt);
  EXPECT_EQ(alpha.AsString(), std::nullopt);
  EXPECT_FALSE(alpha.AsInts().has_value());
  EXPECT_EQ(alpha.AsTensor(), nullptr);
  EXPECT_EQ(alpha.AsGraph(), nullptr);
  // Inside a function body, a reference to the function's attribute has no value here.
  Attribute ref = Attribute::Float("alpha", 0);
  ref.ref_attr_name = "alpha";
  EXPECT_EQ(ref.AsFloat(), std::nullopt);
  // An empty list is still a value of a list type.
  EXPECT_THAT(Vec(Attribute::Ints("pads", {}).AsInts()), Optional(IsEmpty()));
}

TEST(Attribute, TheTypeDecidesWhichScalarFieldHoldsTheValue) {
  Attribute zero = Attribute::Int("axis", 0);
  EXPECT_TRUE(zero.HasField(AttributeType::kInt));
  EXPECT_FALSE(zero.HasField(AttributeType::kFloat));
  EXPECT_FALSE(zero.HasField(AttributeType::kString));
  EXPECT_FALSE(zero.HasField(AttributeType::kInts));
  // A file that gave the value in another field than its type: both fields count, so the
  // checker can report the mismatch.
  Attribute odd = Attribute::Int("alpha", 0);
  odd.preserved.Mark(2);  // f was in the file
  EXPECT_TRUE(odd.HasField(AttributeType::kFloat));
  EXPECT_TRUE(odd.HasField(AttributeType::kInt));
  // A reference to a function's attribute states a type but holds no value of its own.
  Attribute ref = Attribute::Float("alpha", 0);
  ref.ref_attr_name = "alpha";
  EXPECT_FALSE(ref.HasField(AttributeType::kFloat));
}

TEST(Attribute, ATypelessAttributeOfAnOldFileIsReadByItsOnlyField) {
  Attribute old;
  old.name = "axis";
  old.i = 2;
  old.preserved.Mark(3);
  EXPECT_EQ(old.AsInt(), 2);
  EXPECT_EQ(old.AsFloat(), std::nullopt);
}

TEST(NodeAttributes, TypedGettersByName) {
  Graph g;
  Node* n = g.AppendNode("Conv", {g.AddInput("X")}, {"Y"});
  n->SetAttribute(Attribute::Int("group", 1));
  n->SetAttribute(Attribute::Ints("strides", {2, 2}));
  n->SetAttribute(Attribute::String("auto_pad", "SAME_UPPER"));
  n->SetAttribute(Attribute::Float("alpha", 0.25F));
  n->SetAttribute(Attribute::Floats("scales", {0.5F}));
  n->SetAttribute(Attribute::Strings("names", {"a", "b"}));
  EXPECT_EQ(n->GetInt("group"), 1);
  EXPECT_THAT(Vec(n->GetInts("strides")), Optional(ElementsAre(2, 2)));
  EXPECT_EQ(n->GetString("auto_pad"), "SAME_UPPER");
  EXPECT_EQ(n->GetFloat("alpha"), 0.25F);
  EXPECT_THAT(Vec(n->GetFloats("scales")), Optional(ElementsAre(0.5F)));
  EXPECT_THAT(Vec(n->GetStrings("names")), Optional(ElementsAre("a", "b")));
  // Missing, or present with another type: nullopt, never a default.
  EXPECT_EQ(n->GetInt("dilations"), std::nullopt);
  EXPECT_EQ(n->GetInt("strides"), std::nullopt);
  EXPECT_EQ(n->GetFloat("group"), std::nullopt);
  EXPECT_EQ(n->GetTensor("value"), nullptr);
  EXPECT_EQ(n->GetGraph("body"), nullptr);
}

TEST(NodeAttributes, SetAttributeReplacesInPlaceAndKeepsOrder) {
  Graph g;
  Node* n = g.AppendNode("Conv", {g.AddInput("X")}, {"Y"});
  n->SetAttribute(Attribute::Int("group", 1));
  n->SetAttribute(Attribute::Ints("strides", {1, 1}));
  n->SetAttribute(Attribute::Int("group", 2));
  ASSERT_EQ(n->attributes.size(), 2u);
  EXPECT_EQ(n->attributes[0].name, "group");
  EXPECT_EQ(n->GetInt("group"), 2);
  EXPECT_TRUE(n->RemoveAttribute("group"));
  EXPECT_FALSE(n->RemoveAttribute("group"));
  ASSERT_EQ(n->attributes.size(), 1u);
  EXPECT_EQ(n->attributes[0].name, "strides");
}

// An If whose branches read the main graph's X.
std::unique_ptr<Model> IfReadingX() {
  auto model = LoadBytes(testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      R = If(c) <
        then_branch = t () => (float[2] a) { a = Neg(X) },
        else_branch = e () => (float[2] b) { b = Abs(X) }>
    })"));
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

TEST(NodeAttributes, ReplacingOrRemovingASubgraphTakesItsUsesAlong) {
  auto model = IfReadingX();
  ASSERT_TRUE(model);
  Graph& main = *model->graph;
  Value* x = main.inputs()[1];
  Node* if_node = main.first_node();
  ASSERT_EQ(x->use_count(), 2u);

  // A new then-branch that returns X itself: the old branch's use of X goes.
  auto branch = std::make_unique<Graph>();
  branch->name = "t2";
  branch->AddOutput(x);
  Graph* raw = branch.get();
  if_node->SetAttribute(Attribute::OfGraph("then_branch", std::move(branch)));
  EXPECT_EQ(raw->parent(), &main);
  EXPECT_EQ(x->use_count(), 1u);
  EXPECT_TRUE(x->is_graph_output());  // the new branch returns it
  Status verified = main.Verify();
  EXPECT_TRUE(verified.ok()) << verified;

  EXPECT_TRUE(if_node->RemoveAttribute("else_branch"));
  EXPECT_THAT(x->uses(), IsEmpty());
  EXPECT_TRUE(if_node->RemoveAttribute("then_branch"));
  EXPECT_FALSE(x->is_graph_output());
  verified = main.Verify();
  EXPECT_TRUE(verified.ok()) << verified;
}

TEST(NodeIs, TheDefaultDomainHasTwoSpellings) {
  Graph g;
  Node* relu = g.AppendNode("Relu", {g.AddInput("X")}, {"Y"});
  EXPECT_TRUE(relu->Is("", "Relu"));
  EXPECT_TRUE(relu->Is("ai.onnx", "Relu"));
  EXPECT_FALSE(relu->Is("", "Relu6"));
  EXPECT_FALSE(relu->Is("com.microsoft", "Relu"));
  relu->domain = "ai.onnx";
  EXPECT_TRUE(relu->Is("", "Relu"));
  relu->domain = "ai.onnx.ml";
  EXPECT_FALSE(relu->Is("", "Relu"));
  EXPECT_TRUE(relu->Is("ai.onnx.ml", "Relu"));

  EXPECT_EQ(NormalDomain("ai.onnx"), "");
  EXPECT_EQ(NormalDomain("ai.onnx.ml"), "ai.onnx.ml");
  EXPECT_TRUE(SameDomain("", "ai.onnx"));
  EXPECT_FALSE(SameDomain("ai.onnx", "ai.onnx.ml"));
}

}  // namespace
}  // namespace onnxkit
