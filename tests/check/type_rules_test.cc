// The "types" rule group on small models written in ONNX text: inference through data
// propagation, declared/inferred conflicts, bindings, and InferShapes writing types in.
#include <gtest/gtest.h>

#include "onnxkit/check.h"
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

std::vector<std::string> TypeCodes(const Model& m) {
  CheckOptions options;
  options.rules = {"types"};
  std::vector<std::string> codes;
  for (const Diagnostic& d : Check(m, options).items)
    codes.push_back(d.code + "@" + d.location.Path());
  return codes;
}

TEST(TypeRules, ShapeArithmeticIsPropagatedIntoReshape) {
  // Reshape's target comes from Shape(X): only data propagation knows it is [2,3].
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[3,2] Y) {
      s = Shape(X)
      Y = Reshape(X, s)
    })");
  ASSERT_TRUE(m);
  EXPECT_EQ(TypeCodes(*m), std::vector<std::string>{"types.dim-mismatch@main/Y"});
}

TEST(TypeRules, PropagationThroughGatherAndConcat) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[4,6] X) => (float[6,4] Y) {
      s = Shape(X)
      i1 = Constant<value = int64[1] {1}>()
      i0 = Constant<value = int64[1] {0}>()
      d1 = Gather<axis = 0>(s, i1)
      d0 = Gather<axis = 0>(s, i0)
      t = Concat<axis = 0>(d1, d0)
      Y = Reshape(X, t)
    })");
  ASSERT_TRUE(m);
  EXPECT_TRUE(TypeCodes(*m).empty());
}

TEST(TypeRules, DeclaredElementTypeConflictIsReportedAtTheValue) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (int32[2] Y) {
      Y = Relu(X)
    })");
  ASSERT_TRUE(m);
  EXPECT_EQ(TypeCodes(*m), std::vector<std::string>{"types.elem-type-mismatch@main/Y"});
}

TEST(TypeRules, InferenceFailureIsReportedAtTheNode) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] A, float[4,5] B) => (float[2,5] C) {
      C = MatMul(A, B)
    })");
  ASSERT_TRUE(m);
  auto codes = TypeCodes(*m);
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_EQ(codes[0].substr(0, codes[0].find('@')), "types.inference");
}

TEST(TypeRules, UnknownInputTypesAreNotGuessed) {
  // The second input's type is unknown (no declaration): nothing is inferred, nothing is
  // reported.
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "custom" : 1]>
    g (float[2] X) => (float[2] Y) {
      u = custom.Op(X)
      Y = Add(X, u)
    })");
  ASSERT_TRUE(m);
  EXPECT_TRUE(TypeCodes(*m).empty());
}

TEST(InferShapes, WritesIntermediateTypesIntoValueInfo) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[3,2] Y) {
      t = Transpose(X)
      Y = Relu(t)
    })");
  ASSERT_TRUE(m);
  Diagnostics ds;
  InferStats stats = InferShapes(*m, ds);
  EXPECT_FALSE(ds.has_errors());
  EXPECT_EQ(stats.values_typed, 1u);
  ASSERT_EQ(m->graph->value_info().size(), 1u);
  const Value* t = m->graph->value_info()[0];
  EXPECT_EQ(t->name(), "t");
  ASSERT_TRUE(t->type());
  EXPECT_EQ(TypeToString(*t->type()), "float32[3,2]");
  // The written model still checks clean and round-trips.
  EXPECT_FALSE(Check(*m).has_errors());
  auto saved = SaveBytes(*m);
  ASSERT_TRUE(saved.ok());
  auto again = LoadBytes(*saved);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->graph->value_info().size(), 1u);
}

TEST(InferShapes, NeverOverwritesADeclaredType) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[2,3] Y) {
      Y = Relu(X)
    })");
  ASSERT_TRUE(m);
  Diagnostics ds;
  EXPECT_EQ(InferShapes(*m, ds).values_typed, 0u);
  EXPECT_TRUE(m->graph->value_info().empty());
}

TEST(TypeRules, IfIsInferredThroughItsBranches) {
  // The If's output is declared nowhere: only inference through the branches types it.
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2,3] X) => (float[2,3] Z) {
      y = If(c) <
        then_branch = t () => (float[2,3] ty) { ty = Relu(X) },
        else_branch = e () => (float[2,3] ey) { ey = Neg(X) }
      >
      Z = Identity(y)
    })");
  ASSERT_TRUE(m);
  Diagnostics ds;
  InferShapes(*m, ds);
  EXPECT_FALSE(ds.has_errors());
  const Value* y = m->graph->Lookup("y");
  ASSERT_TRUE(y && y->type());
  EXPECT_EQ(TypeToString(*y->type()), "float32[2,3]");
}

TEST(TypeRules, IfBranchesOfDifferentElementTypesAreReportedAtTheIf) {
  auto m = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X, int32[2] I) => (float[2] Z) {
      Z = If(c) <
        then_branch = t () => (float[2] ty) { ty = Relu(X) },
        else_branch = e () => (int32[2] ey) { ey = Neg(I) }
      >
    })");
  ASSERT_TRUE(m);
  auto codes = TypeCodes(*m);
  ASSERT_FALSE(codes.empty());
  EXPECT_EQ(codes[0].substr(codes[0].find('@')), "@main/#0");
}

}  // namespace
}  // namespace onnxkit
