// eliminate-nop (passes/eliminate_nop.h), one test per numbered case of its header, each
// with the nodes that must stay (they do something) and the skips (the pass cannot tell);
// then graph outputs, opset forms, sub-graphs and ONNX Runtime on a model of every case.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/pass_test_util.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Names;
using pass_test::Nodes;
using pass_test::OpTypes;
using pass_test::Parse;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPass[] = "eliminate-nop";

// Runs the pass on `text` and returns the op types left in the main graph.
std::vector<std::string> OpsAfter(const char* text, PassResult* out = nullptr) {
  auto model = Parse(text);
  EXPECT_TRUE(model);
  if (!model) return {};
  auto result = pass_test::RunPass(kPass, *model);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return {};
  EXPECT_CLEAN(*model);
  if (out) *out = *result;
  return OpTypes(*model->graph);
}

// 1.
TEST(EliminateNopPass, DropoutInInference) {
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) { d = Dropout(X) Y = Neg(d) })"),
              ElementsAre("Neg"));
  // training_mode false, and true with ratio 0 (nothing is dropped).
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <bool f = {0}, bool t = {1}, float r = {0.0}> {
      d = Dropout(X, r, f)
      e = Dropout(d, r, t)
      Y = Neg(e)
    })"),
              ElementsAre("Neg"));
  // Opset 10 (no training mode) and opset 6 with is_test.
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 5, opset_import: ["" : 10]>
    g (float[2] X) => (float[2] Y) { d = Dropout <ratio = 0.3> (X) Y = Neg(d) })"),
              ElementsAre("Neg"));
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 3, opset_import: ["" : 6]>
    g (float[2] X) => (float[2] Y) { d = Dropout <is_test = 1> (X) Y = Neg(d) })"),
              ElementsAre("Neg"));
}

TEST(EliminateNopPass, DropoutThatDropsOrWhoseMaskIsReadStays) {
  PassResult result;
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X, bool m) => (float[2] Y, bool[2] M) <bool t = {1}, float r = {0.5}> {
      a = Dropout(X, r, t)
      b = Dropout(a, r, m)
      c, M = Dropout(b)
      Y = Neg(c)
    })",
                       &result),
              ElementsAre("Dropout", "Dropout", "Dropout", "Neg"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("training mode with a ratio"),
                                         HasSubstr("training_mode is computed"),
                                         HasSubstr("its output 'M' is read")));
}

// 2.
TEST(EliminateNopPass, CastToTheSameType) {
  PassResult result;
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X, int64[2] I) => (float[2] Y, int32[2] Z) {
      a = Cast <to = 1> (X)
      b = CastLike(a, X)
      c = Cast <to = 1> (I)
      Y = Add(b, c)
      Z = Cast <to = 6> (I)
    })",
                       &result),
              ElementsAre("Cast", "Add", "Cast"));
  EXPECT_THAT(result.skipped, IsEmpty());
}

TEST(EliminateNopPass, CastOfAnUnknownTypeIsSkipped) {
  PassResult result;
  OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17, "com.vendor" : 1]>
    g (float[2] X) => (float[2] Y) { u = com.vendor.Op(X) Y = Cast <to = 1> (u) })",
           &result);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("its input's element type is unknown")));
}

// 3.
TEST(EliminateNopPass, ExpandToTheInputsShape) {
  PassResult result;
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,3] X) => (float[N,3] Y, float[2,N,3] Z, float[?,?] W)
      <int64[2] same = {1, 3}, int64[1] one = {1}, int64[3] more = {2, 1, 3}, int64[2] wide = {4, 3}> {
      a = Expand(X, same)
      b = Expand(a, one)
      Y = Neg(b)
      Z = Expand(X, more)
      W = Expand(X, wide)
    })",
                       &result),
              ElementsAre("Neg", "Expand", "Expand"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("its input's dim 0 is unknown")));
}

// 4.
TEST(EliminateNopPass, ReshapeToTheInputsShape) {
  PassResult result;
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,3,4] X) => (float[N,3,4] Y, float[N,12] Z, float[?,?,?] W)
      <int64[3] copy = {0, 3, 4}, int64[3] infer = {-1, 3, 4}, int64[3] other = {0, 4, 3},
       int64[2] flat = {0, 12}, int64[3] fixed = {2, 3, 4}> {
      a = Reshape(X, copy)
      b = Reshape(a, infer)
      Y = Neg(b)
      Z = Reshape(X, flat)
      u = Reshape(X, other)
      W = Reshape(X, fixed)
    })",
                       &result),
              ElementsAre("Neg", "Reshape", "Reshape", "Reshape"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("its input's dim 0 is unknown")));
}

TEST(EliminateNopPass, ReshapeWithAllowzeroTakesZeroLiterally) {
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[?,?] Y) <int64[2] s = {0, 3}> {
      a = Reshape <allowzero = 1> (X, s)
      Y = Neg(a)
    })"),
              ElementsAre("Reshape", "Neg"));
}

TEST(EliminateNopPass, ReshapeOfAComputedShapeIsSkipped) {
  PassResult result;
  OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X, int64[2] s) => (float[?,?] Y) { Y = Reshape(X, s) })",
           &result);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("its shape is computed at run time")));
}

// 5, 6.
TEST(EliminateNopPass, FlattenSqueezeAndUnsqueeze) {
  PassResult result;
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X, float[2,1] V, float[N,3] U) => (float[2,3] Y, float[6,1] Z, float[2] W,
                                                     float[?] T)
      <int64[0] none = {}> {
      a = Flatten <axis = 1> (X)
      b = Squeeze(a)
      c = Unsqueeze(b, none)
      Y = Neg(c)
      Z = Flatten <axis = 2> (X)
      W = Squeeze(V)
      T = Squeeze(U)
    })",
                       &result),
              ElementsAre("Neg", "Flatten", "Squeeze", "Squeeze"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("dim 0 is unknown (it may be 1)")));
}

// 7.
TEST(EliminateNopPass, FullRangeSlice) {
  PassResult result;
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,4] X) => (float[N,4] Y, float[N,2] Z, float[?,?] W)
      <int64[2] s = {0, -9}, int64[2] e = {9223372036854775807, 4}, int64[2] ax = {0, -1},
       int64[1] s1 = {1}, int64[1] e1 = {3}, int64[1] a1 = {1},
       int64[1] s0 = {0}, int64[1] e0 = {100}, int64[1] a0 = {0}> {
      a = Slice(X, s, e, ax)
      Y = Neg(a)
      Z = Slice(X, s1, e1, a1)
      W = Slice(X, s0, e0, a0)
    })",
                       &result),
              ElementsAre("Neg", "Slice", "Slice"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("the dim of axis 0 is unknown")));
}

TEST(EliminateNopPass, FullRangeSliceWithAttributesBeforeOpset10) {
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 4, opset_import: ["" : 9]>
    g (float[2,4] X) => (float[2,4] Y) {
      a = Slice <starts = [0], ends = [4], axes = [1]> (X)
      Y = Neg(a)
    })"),
              ElementsAre("Neg"));
}

// 8.
TEST(EliminateNopPass, IdentityTranspose) {
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X, float[5] V) => (float[2,3] Y, float[3,2] Z, float[5] W) {
      a = Transpose <perm = [0, 1]> (X)
      Y = Neg(a)
      Z = Transpose(X)
      b = Transpose(V)
      W = Neg(b)
    })"),
              ElementsAre("Neg", "Transpose", "Neg"));
}

// 9.
TEST(EliminateNopPass, ZeroPadAtEveryOpsetForm) {
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[2,3] Y, float[?,?] Z) <int64[4] zero = {0, 0, 0, 0},
                                                      int64[4] one = {0, 1, 0, 0}> {
      a = Pad <mode = "reflect"> (X, zero)
      Y = Neg(a)
      Z = Pad(X, one)
    })"),
              ElementsAre("Neg", "Pad"));
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 4, opset_import: ["" : 9]>
    g (float[2,3] X) => (float[2,3] Y) { a = Pad <pads = [0, 0, 0, 0]> (X) Y = Neg(a) })"),
              ElementsAre("Neg"));
}

// 10.
TEST(EliminateNopPass, ConcatOfOneAndSplitIntoOne) {
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[2,3] Y, float[4,3] Z) {
      a = Concat <axis = 0> (X)
      b = Split <axis = 1> (a)
      Y = Neg(b)
      Z = Concat <axis = 0> (X, X)
    })"),
              ElementsAre("Neg", "Concat"));
}

// 11.
TEST(EliminateNopPass, AddZeroSubZeroMulOneDivOne) {
  PassResult result;
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,3] X) => (float[N,3] Y, float[N,3] Z, float[N,3] W, float[?,?] V)
      <float zero = {0.0}, float[3] ones = {1.0, 1.0, 1.0}, float[1,1] nzero = {-0.0},
       float[2,3] big = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0}, float two = {2.0}> {
      a = Add(zero, X)
      b = Sub(a, nzero)
      c = Mul(b, ones)
      d = Div(c, ones)
      Y = Neg(d)
      Z = Sub(zero, X)
      W = Div(ones, X)
      u = Mul(X, two)
      V = Add(X, big)
    })",
                       &result),
              ElementsAre("Neg", "Sub", "Div", "Mul", "Add"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("the other input's dim 0 is unknown")));
}

TEST(EliminateNopPass, ArithmeticWithAnInputOfUnknownShapeIsSkipped) {
  PassResult result;
  OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17, "com.vendor" : 1]>
    g (float[2] X) => (float[2] Y) <float zero = {0.0}> {
      u = com.vendor.Op(X)
      Y = Add(u, zero)
    })",
           &result);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("the other input's shape is unknown")));
}

// 12.
TEST(EliminateNopPass, TileByOnes) {
  EXPECT_THAT(OpsAfter(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[2,3] Y, float[2,6] Z) <int64[2] ones = {1, 1},
                                                      int64[2] twice = {1, 2}> {
      a = Tile(X, ones)
      Y = Neg(a)
      Z = Tile(X, twice)
    })"),
              ElementsAre("Neg", "Tile"));
}

TEST(EliminateNopPass, AGraphOutputKeepsItsName) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, float[2] Z) {
      a = Neg(X)
      Y = Cast <to = 1> (a)
      Z = Cast <to = 1> (X)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("outputs-renamed"), 1);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->Y", "Cast(X)->Z"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("Y", "Z"));
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("its output 'Z' is a graph output and its "
                                                   "input 'X' is a graph input")));
  EXPECT_CLEAN(*model);
}

TEST(EliminateNopPass, SubgraphsAndFunctionBodies) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (bool c, float[2] X) => (float[2] R, float[2] S) {
      T = Neg(X)
      S = local.F(X)
      R = If(c) <
        then_branch = t () => (float[2] o) { u = Cast <to = 1> (T) o = Abs(u) },
        else_branch = e () => (float[2] o2) { o2 = Neg(T) }
      >
    }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) { a = Concat <axis = 0> (x) y = Neg(a) })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-removed"), 2);
  EXPECT_THAT(Nodes(*model->graph->last_node()->GetGraph("then_branch")), ElementsAre("Abs(T)->o"));
  EXPECT_THAT(Nodes(*model->functions[0]->body), ElementsAre("Neg(x)->y"));
  EXPECT_CLEAN(*model);
}

constexpr char kEveryCase[] = R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3,4] X) => (float[2,3,4] Y, float[2,3,4] Z)
      <bool f = {0}, int64[3] copy = {0, -1, 4}, int64[3] one = {1, 1, 4},
       int64[3] s = {0, 0, 0}, int64[3] e = {2, 9223372036854775807, 4},
       int64[6] zero = {0, 0, 0, 0, 0, 0}, int64[3] ones = {1, 1, 1},
       float[4] fone = {1.0, 1.0, 1.0, 1.0}, float fzero = {0.0}, int64[0] none = {}> {
      a = Dropout(X, fzero, f)
      b = Cast <to = 1> (a)
      c = Reshape(b, copy)
      d = Expand(c, one)
      g = Slice(d, s, e)
      h = Transpose <perm = [0, 1, 2]> (g)
      i = Pad(h, zero)
      j = Concat <axis = 1> (i)
      k = Split <axis = 2> (j)
      l = Tile(k, ones)
      m = Mul(l, fone)
      n = Add(fzero, m)
      o = Unsqueeze(n, none)
      Y = Relu(o)
      p = Abs(o)
      Z = Div(p, fone)
    })";

TEST(EliminateNopPass, EveryCaseRunsUnderOrt) {
  EXPECT_THAT(OpsAfter(kEveryCase), ElementsAre("Relu", "Abs"));
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(kEveryCase));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {kPass});
}

}  // namespace
}  // namespace onnxkit
