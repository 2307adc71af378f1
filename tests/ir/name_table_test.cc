// NameTable: fresh names unique across the model and all its graphs.
#include "onnxkit/name_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ir/ir_test_util.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using ir_test::Parse;

constexpr const char* kModel = R"(
  <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
  g (bool c, float[2] X) => (float[2] R, float[2] F) {
    R = If(c) <
      then_branch = t () => (float[2] t_out) { t_out = Neg(X) },
      else_branch = e () => (float[2] e_out) { e_out = Abs(X) }>
    F = local.Fn(X)
  }
  <domain: "local", opset_import: ["" : 17]>
  Fn (x) => (y) {
    fn_tmp = Neg(x)
    y = Abs(fn_tmp)
  })";

TEST(NameTable, KnowsTheNamesOfEveryGraph) {
  auto model = Parse(kModel);
  ASSERT_TRUE(model);
  NameTable names = NameTable::ValueNames(*model);
  for (const char* name : {"c", "X", "R", "F", "t_out", "e_out", "x", "y", "fn_tmp"}) {
    EXPECT_TRUE(names.Contains(name)) << name;
  }
  EXPECT_FALSE(names.Contains("free"));

  NameTable scope = NameTable::ValueNames(*model->graph->first_node()->GetGraph("then_branch"));
  EXPECT_TRUE(scope.Contains("X"));        // the enclosing graph
  EXPECT_TRUE(scope.Contains("e_out"));    // a sibling branch
  EXPECT_FALSE(scope.Contains("fn_tmp"));  // a function body is a scope of its own
}

TEST(NameTable, FreshNamesAreNewAndTaken) {
  auto model = Parse(kModel);
  ASSERT_TRUE(model);
  NameTable names = NameTable::ValueNames(*model);
  EXPECT_EQ(names.Fresh("free"), "free");
  EXPECT_EQ(names.Fresh("free"), "free_1");
  EXPECT_EQ(names.Fresh("X"), "X_1");
  names.Reserve("t_out_1");
  EXPECT_EQ(names.Fresh("t_out"), "t_out_2");
  EXPECT_EQ(names.Fresh("t_out"), "t_out_3");
  EXPECT_TRUE(names.Contains("t_out_3"));
}

TEST(NameTable, NodeNamesAreATableOfTheirOwn) {
  auto model = Parse(kModel);
  ASSERT_TRUE(model);
  model->graph->first_node()->name = "if_0";
  NameTable nodes = NameTable::NodeNames(*model);
  EXPECT_TRUE(nodes.Contains("if_0"));
  EXPECT_FALSE(nodes.Contains("X"));
  EXPECT_EQ(nodes.Fresh("if_0"), "if_0_1");
}

TEST(NameTable, ManyFreshNamesFromOneBaseStayCheap) {
  NameTable names;
  for (int i = 0; i < 100000; ++i) names.Fresh("t");
  EXPECT_TRUE(names.Contains("t_99999"));
  EXPECT_EQ(names.Fresh("t"), "t_100000");
}

}  // namespace
}  // namespace onnxkit
