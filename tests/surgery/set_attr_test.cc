// set-attr (edit.h SetAttributes): values typed by the op's schema or explicitly; nodes in
// sub-graphs; unknown nodes and attributes, wrong types and bad values are errors that
// change nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/edit.h"
#include "surgery/surgery_test_util.h"

namespace onnxkit {
namespace {

using surgery_test::Parse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17, "custom" : 1]>
  g (bool C, float[2,3] X) => (float[3,2] Y, float[2,3] R, float[2,3] Z) {
    A = LeakyRelu <alpha = 0.1> (X)
    Y = Transpose <perm = [1, 0]> (A)
    R = If(C) <
      then_branch = t () => (float[2,3] o) { o = Elu <alpha = 1.0> (X) },
      else_branch = e () => (float[2,3] p) { p = Neg(X) }
    >
    Z = custom.Thing <size = 3> (X)
  })";

std::unique_ptr<Model> Model3() {
  auto model = Parse(kModel);
  Graph& g = *model->graph;
  Node* n = g.first_node();
  n->name = "leaky";
  n->next()->name = "transpose";
  n->next()->next()->GetGraph("then_branch")->first_node()->name = "elu";
  g.last_node()->name = "thing";
  return model;
}

AttributeAssignment Assign(const char* text) {
  auto a = ParseAttributeAssignment(text);
  EXPECT_TRUE(a.ok()) << a.status();
  return a.ok() ? *a : AttributeAssignment{};
}

Status Set(Model& model, const char* node, std::vector<AttributeAssignment> assignments) {
  return SetAttributes(model, node, assignments);
}

std::string Message(const Status& status) { return std::string(status.message()); }

TEST(ParseAttributeAssignment, NamesTypesAndValues) {
  AttributeAssignment a = Assign("axes:ints=0,1");
  EXPECT_EQ(a.name, "axes");
  EXPECT_EQ(a.type, AttributeType::kInts);
  EXPECT_EQ(a.value, "0,1");
  EXPECT_EQ(Assign("mode=a=b").value, "a=b");
  EXPECT_EQ(Assign("alpha=0.5").type, AttributeType::kUndefined);
  EXPECT_THAT(Message(ParseAttributeAssignment("alpha").status()), HasSubstr("not NAME=VALUE"));
  EXPECT_THAT(Message(ParseAttributeAssignment("a:tensor=1").status()),
              HasSubstr("'tensor' is not a type"));
}

TEST(SetAttributes, ValuesTakeTheSchemasType) {
  auto model = Model3();
  ASSERT_TRUE(Set(*model, "leaky", {Assign("alpha=0.25")}).ok());
  ASSERT_TRUE(Set(*model, "transpose", {Assign("perm=[0,1]")}).ok());
  EXPECT_EQ(model->graph->first_node()->GetFloat("alpha"), 0.25f);
  EXPECT_THAT(*model->graph->first_node()->next()->GetInts("perm"), ElementsAre(0, 1));
}

TEST(SetAttributes, NodesInSubGraphs) {
  auto model = Model3();
  ASSERT_TRUE(Set(*model, "elu", {Assign("alpha:float=2")}).ok());
  const Node* elu =
      model->graph->first_node()->next()->next()->GetGraph("then_branch")->first_node();
  EXPECT_EQ(elu->GetFloat("alpha"), 2.0f);
}

TEST(SetAttributes, OpsWithoutASchemaNeedATypeOrAnExistingAttribute) {
  auto model = Model3();
  ASSERT_TRUE(Set(*model, "thing", {Assign("size=5"), Assign("names:strings=a,b")}).ok());
  const Node* thing = model->graph->last_node();
  EXPECT_EQ(thing->GetInt("size"), 5);
  EXPECT_THAT(*thing->GetStrings("names"), ElementsAre("a", "b"));
  EXPECT_THAT(Message(Set(*model, "thing", {Assign("scale=2")})),
              HasSubstr("no schema says what type attribute 'scale' has"));
}

TEST(SetAttributes, ErrorsChangeNothing) {
  auto model = Model3();
  Status unknown_node = Set(*model, "leak", {Assign("alpha=1")});
  EXPECT_EQ(unknown_node.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(unknown_node), HasSubstr("no node named 'leak'; did you mean 'leaky'?"));
  // The first assignment is good, the second is not: neither is applied.
  Status unknown_attr = Set(*model, "leaky", {Assign("alpha=0.5"), Assign("beta=1")});
  EXPECT_THAT(Message(unknown_attr), HasSubstr("LeakyRelu-16 has no attribute 'beta' (its "
                                               "attributes: alpha)"));
  EXPECT_THAT(Message(Set(*model, "leaky", {Assign("alpha=fast")})),
              HasSubstr("attribute 'alpha' (float): 'fast' is not a number"));
  EXPECT_THAT(Message(Set(*model, "leaky", {Assign("alpha:int=1")})),
              HasSubstr("'alpha' is float in the schema of LeakyRelu, not int"));
  EXPECT_THAT(Message(Set(*model, "transpose", {Assign("perm=1,x")})),
              HasSubstr("'x' is not an integer"));
  EXPECT_EQ(model->graph->first_node()->GetFloat("alpha"), 0.1f);
  EXPECT_THAT(*model->graph->first_node()->next()->GetInts("perm"), ElementsAre(1, 0));
  model->graph->last_node()->name = "leaky";
  EXPECT_THAT(Message(Set(*model, "leaky", {Assign("alpha=1")})),
              HasSubstr("2 nodes are named 'leaky'"));
}

}  // namespace
}  // namespace onnxkit
