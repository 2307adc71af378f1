// infer-shapes (passes/infer_shapes.h): inferred types are written in; declared ones stay;
// refresh=true lets inference refine partial types of intermediate values, and gives back a
// declaration inference cannot replace.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/pass_test_util.h"

namespace onnxkit {
namespace {

using pass_test::Parse;

constexpr char kPass[] = "infer-shapes";

std::string TypeOf(const Model& model, const char* name) {
  const Value* v = model.graph->Lookup(name);
  return v && v->type() ? TypeToString(*v->type()) : "?";
}

// r is declared with a symbolic dim that inference can compute.
constexpr char kPartlyDeclared[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2,3] X) => (float[6] Y) <int64[1] K = {6}, float[N] r> {
    r = Reshape(X, K)
    a = Relu(r)
    Y = Neg(a)
  })";

TEST(InferShapesPass, TypesWhatHasNoTypeAndKeepsDeclarations) {
  auto model = Parse(kPartlyDeclared);
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_TRUE(result.changed);
  // a had no type; r keeps its declaration (inference never overwrites one), so a's dim is
  // only as known as r's.
  EXPECT_EQ(TypeOf(*model, "r"), "float32[N]");
  EXPECT_EQ(TypeOf(*model, "a"), "float32[N]");
  EXPECT_CLEAN(*model);
  RUN_PASS_OR_FAIL(again, kPass, *model);
  EXPECT_FALSE(again.changed);
}

TEST(InferShapesPass, RefreshRefinesPartialIntermediateTypes) {
  auto model = Parse(kPartlyDeclared);
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model, {{"refresh", "true"}});
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(TypeOf(*model, "r"), "float32[6]");
  EXPECT_EQ(TypeOf(*model, "a"), "float32[6]");
  EXPECT_CLEAN(*model);
  // Found again unchanged: no news, so a fixed point ends.
  RUN_PASS_OR_FAIL(again, kPass, *model, {{"refresh", "true"}});
  EXPECT_FALSE(again.changed);
}

TEST(InferShapesPass, RefreshGivesBackWhatInferenceCannotType) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "custom" : 1]>
    g (float[2,3] X) => (float[2,3] Y) <float[N,3] c> {
      c = custom.Op(X)
      Y = Relu(c)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model, {{"refresh", "true"}});
  EXPECT_FALSE(result.changed);
  EXPECT_EQ(TypeOf(*model, "c"), "float32[N,3]");
}

}  // namespace
}  // namespace onnxkit
