// matmul-add-to-gemm (passes/matmul_add_to_gemm.h): 2-D MatMul + constant Add becomes a Gemm,
// with the shape of A declared or only inferred, C of every broadcastable shape (ONNX Runtime
// computes the same); N-D MatMuls, shared products and C that would grow the result stay.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/fusion_test_util.h"

namespace onnxkit {
namespace {

using fusion_test::Rewrite;
using pass_test::Names;
using pass_test::OpTypes;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kMatMulAdd = R"(
  <ir_version: 8, opset_import: ["" : 13]>
  g (float[3,2] a) => (float[3,2] y, float[3,2] z)
  <float[2,2] b = {1.0, 2.0, -1.0, 0.5}, float[2] c = {0.25, -4.0}, float[3,1] c2 = {1, 2, 3}> {
    t = Relu(a)
    p = MatMul(t, b)
    y = Add(c, p)
    q = MatMul(a, b)
    z = Add(q, c2)
  })";

TEST(MatMulAddToGemmPass, ReplacesTheTwoNodesByAGemm) {
  auto r = Rewrite(kMatMulAdd, "matmul-add-to-gemm");
  EXPECT_EQ(r.result.Stat("gemms-made"), 2);
  EXPECT_THAT(pass_test::Nodes(*r.model->graph),
              ElementsAre("Relu(a)->t", "Gemm(t,b,c)->y", "Gemm(a,b,c2)->z"));
  EXPECT_THAT(Names(r.model->graph->outputs()), ElementsAre("y", "z"));
  EXPECT_SAME_UNDER_ORT(kMatMulAdd, "matmul-add-to-gemm");
}

TEST(MatMulAddToGemmPass, InfersTheRankOfAWhenNothingDeclaresIt) {
  // `f` has no declared type; inference says [4,3] from the Flatten.
  constexpr const char* kText = R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[4,3,1] a) => (float[4,2] y)
    <float[3,2] b = {1, 2, 3, 4, 5, 6}, float[1,2] c = {0.5, -0.5}> {
      f = Flatten(a)
      p = MatMul(f, b)
      y = Add(p, c)
    })";
  auto r = Rewrite(kText, "matmul-add-to-gemm");
  EXPECT_THAT(OpTypes(*r.model->graph), ElementsAre("Flatten", "Gemm"));
  // The pass adds no declarations of its own.
  EXPECT_THAT(r.model->graph->value_info(), IsEmpty());
  EXPECT_SAME_UNDER_ORT(kText, "matmul-add-to-gemm");
}

TEST(MatMulAddToGemmPass, RefusesNdMatMulsSharedProductsAndGrowingBiases) {
  auto r = Rewrite(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[2,3,2] a3, float[3,2] a, float[2] d) => (float[2,3,2] y1, float[3,2] y2,
                                                     float[3,2] y3, float[2,3,2] y4,
                                                     float[3,2] y5)
    <float[2,2] b = {1.0, 2.0, -1.0, 0.5}, float[2] c = {0.25, -4.0},
     float[2,1,1] c3 = {1, 2}> {
      p1 = MatMul(a3, b)
      y1 = Add(p1, c)
      p2 = MatMul(a, b)
      y2 = Add(p2, d)
      p3 = MatMul(a, b)
      y3 = Add(p3, c)
      y5 = Relu(p3)
      p4 = MatMul(a, b)
      y4 = Add(p4, c3)
    })",
                   "matmul-add-to-gemm");
  EXPECT_FALSE(r.result.changed);
  EXPECT_THAT(
      Skips(r.result),
      ElementsAre(HasSubstr("input A 'a3' is 3-D"), HasSubstr("other operand is not constant"),
                  HasSubstr("'p3' has other readers"), HasSubstr("constant is 3-D")));
}

TEST(MatMulAddToGemmPass, RefusesIntegerMatrices) {
  auto r = Rewrite(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int32[3,2] a) => (int32[3,2] y)
    <int32[2,2] b = {1, 2, 3, 4}, int32[2] c = {5, 6}> {
      p = MatMul(a, b)
      y = Add(p, c)
    })",
                   "matmul-add-to-gemm");
  EXPECT_THAT(Skips(r.result), ElementsAre(HasSubstr("element type int32")));
}

}  // namespace
}  // namespace onnxkit
