// strip (edit.h Strip): doc strings and metadata everywhere (sub-graphs and functions too),
// value_info entries of undefined or unread values, or every entry; each selectable.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/edit.h"
#include "onnxkit/io.h"
#include "surgery/surgery_test_util.h"

namespace onnxkit {
namespace {

using surgery_test::Names;
using surgery_test::Parse;
using ::testing::ElementsAre;

// A is read, D is produced but read by nothing, G is declared but defined nowhere.
constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
  g (bool C, float[2] X) => (float[2] Y, float[2] R) <float[2] A, float[2] D, float[2] G> {
    A = Relu(X)
    D = Neg(X)
    Y = local.F(A)
    R = If(C) <
      then_branch = t () => (float[2] o) { o = Sigmoid(A) },
      else_branch = e () => (float[2] p) { p = Neg(A) }
    >
  }
  <domain: "local", opset_import: ["" : 17]>
  F (x) => (y) {
    y = Relu(x)
  })";

std::unique_ptr<Model> Documented() {
  auto model = Parse(kModel);
  model->doc_string = "model";
  model->metadata_props.push_back({"author", "me", {}});
  Graph& g = *model->graph;
  g.doc_string = "graph";
  g.first_node()->doc_string = "relu";
  g.first_node()->metadata_props.push_back({"k", "v", {}});
  g.inputs()[1]->mutable_info().doc_string = "input";
  Graph* then_branch = g.last_node()->GetGraph("then_branch");
  then_branch->first_node()->doc_string = "inner";
  model->functions[0]->doc_string = "function";
  model->functions[0]->body->first_node()->doc_string = "function node";
  return model;
}

TEST(Strip, EverythingByDefault) {
  auto model = Documented();
  StripReport report = Strip(*model);
  EXPECT_EQ(report.doc_strings, 7u);
  EXPECT_EQ(report.metadata_props, 2u);
  EXPECT_EQ(report.value_info, 2u);
  const Graph& g = *model->graph;
  EXPECT_TRUE(model->doc_string.empty());
  EXPECT_TRUE(model->metadata_props.empty());
  EXPECT_TRUE(g.first_node()->doc_string.empty());
  EXPECT_TRUE(g.last_node()->GetGraph("then_branch")->first_node()->doc_string.empty());
  EXPECT_TRUE(model->functions[0]->body->first_node()->doc_string.empty());
  EXPECT_THAT(Names(g.value_info()), ElementsAre("A"));
  EXPECT_VERIFIED(g);
  auto bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(ir_test::ParseBytes(*bytes));
}

TEST(Strip, EachPartSelectable) {
  auto model = Documented();
  StripOptions only_metadata;
  only_metadata.doc_strings = false;
  only_metadata.unused_value_info = false;
  StripReport report = Strip(*model, only_metadata);
  EXPECT_EQ(report.doc_strings, 0u);
  EXPECT_EQ(report.metadata_props, 2u);
  EXPECT_EQ(model->doc_string, "model");
  EXPECT_THAT(Names(model->graph->value_info()), ElementsAre("A", "D", "G"));

  StripOptions all_value_info;
  all_value_info.doc_strings = false;
  all_value_info.metadata = false;
  all_value_info.all_value_info = true;
  EXPECT_EQ(Strip(*model, all_value_info).value_info, 3u);
  EXPECT_TRUE(model->graph->value_info().empty());
  // The types stay on the values; only the declarations go.
  EXPECT_NE(model->graph->Lookup("A")->type(), nullptr);
  EXPECT_EQ(model->graph->first_node()->doc_string, "relu");
}

}  // namespace
}  // namespace onnxkit
