// The shape and data-movement kernels (src/eval/shape_ops.cc) through EvaluateModel:
// attribute→input moves by opset, every evaluated element type through one body, and the
// errors for values the specs forbid.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/eval.h"
#include "onnxkit/tensor.h"

namespace onnxkit {
namespace {

using ir_test::Parse;

// The outputs of a model that needs no feeds (its data are initializers).
StatusOr<std::vector<Tensor>> EvalText(const char* text, const EvalOptions& options = {}) {
  auto model = Parse(text);
  if (model == nullptr) return absl::InvalidArgumentError("model does not parse");
  return EvaluateModel(*model, {}, options);
}

std::vector<int64_t> Ints(const Tensor& t) { return *ToInt64s(t); }
std::vector<double> Reals(const Tensor& t) { return *ToDoubles(t); }
using I = std::vector<int64_t>;
using D = std::vector<double>;

TEST(ShapeOps, ShapeHonoursStartAndEndFromOpset15) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    g () => (int64[2] a, int64 b, int64[4] c) <float[1] one = {1}, int64[4] s = {2, 3, 4, 5}> {
      x = Expand(one, s)
      a = Shape<start = 1, end = -1>(x)
      b = Size(x)
      c = Shape<start = -10>(x)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Ints((*out)[0]), (I{3, 4}));
  EXPECT_EQ(Ints((*out)[1]), (I{120}));
  EXPECT_EQ(Ints((*out)[2]), (I{2, 3, 4, 5}));
}

TEST(ShapeOps, ReshapeCopiesZerosUnlessAllowzero) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (float[a,b] y, float[c] z) <float[2,3] x = {1, 2, 3, 4, 5, 6}, int64[2] s = {0, -1},
                                      int64[1] e = {0}, float[0] empty = {}> {
      y = Reshape(x, s)
      z = Reshape<allowzero = 1>(empty, e)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (I{2, 3}));
  EXPECT_EQ((*out)[1].dims, (I{0}));
  auto bad = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (float[a,b] y) <float[2,3] x = {1, 2, 3, 4, 5, 6}, int64[2] s = {-1, -1}> {
      y = Reshape(x, s)
    })");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("more than one -1"), std::string::npos) << bad.status();
}

TEST(ShapeOps, SqueezeAxesMoveFromAttributeToInputAtOpset13) {
  auto out11 = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g () => (float[a] y, float[b,c,d] z) <float[1,3,1] x = {1, 2, 3}> {
      y = Squeeze<axes = [0, -1]>(x)
      z = Unsqueeze<axes = [-1]>(y)
    })");
  ASSERT_TRUE(out11.ok()) << out11.status();
  EXPECT_EQ((*out11)[0].dims, (I{3}));
  EXPECT_EQ((*out11)[1].dims, (I{3, 1}));
  auto out13 = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[a,b] y, float[c] z) <float[1,3,1] x = {1, 2, 3}, int64[1] ax = {2}> {
      y = Squeeze(x, ax)
      z = Squeeze(x)
    })");
  ASSERT_TRUE(out13.ok()) << out13.status();
  EXPECT_EQ((*out13)[0].dims, (I{1, 3}));
  EXPECT_EQ((*out13)[1].dims, (I{3}));
  auto bad = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[a,b] y) <float[1,3,1] x = {1, 2, 3}, int64[1] ax = {1}> {
      y = Squeeze(x, ax)
    })");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("cannot squeeze axis 1"), std::string::npos);
}

TEST(ShapeOps, SliceFromAttributesAndWithNegativeSteps) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 9]>
    g () => (int32[a,b] y) <int32[2,4] x = {1, 2, 3, 4, 5, 6, 7, 8}> {
      y = Slice<starts = [1, -3], ends = [1000, -1]>(x)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (I{1, 2}));
  EXPECT_EQ(Ints((*out)[0]), (I{6, 7}));
  out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (string[a] y) <string[5] x = {"a", "b", "c", "d", "e"}, int64[1] s = {-1},
                           int64[1] e = {-9223372036854775807}, int64[1] ax = {0},
                           int64[1] st = {-2}> {
      y = Slice(x, s, e, ax, st)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].string_data, (std::vector<std::string>{"e", "c", "a"}));
  auto zero_step = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[a] y) <float[2] x = {1, 2}, int64[1] s = {0}, int64[1] e = {2},
                          int64[1] ax = {0}, int64[1] st = {0}> {
      y = Slice(x, s, e, ax, st)
    })");
  ASSERT_FALSE(zero_step.ok());
  EXPECT_NE(zero_step.status().message().find("step"), std::string::npos);
}

TEST(ShapeOps, SplitBySizesAttributeInputAndNumOutputs) {
  ONNXKIT_SKIP_WITHOUT_OPSET(18);
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g () => (int64[a] p, int64[b] q) <int64[5] x = {1, 2, 3, 4, 5}> {
      p, q = Split<split = [2, 3]>(x)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Ints((*out)[1]), (I{3, 4, 5}));
  out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (int64[a] p, int64[b] q, int64[c] r) <int64[5] x = {1, 2, 3, 4, 5}> {
      p, q, r = Split<num_outputs = 3>(x)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Ints((*out)[0]), (I{1, 2}));
  EXPECT_EQ(Ints((*out)[2]), (I{5}));
  auto bad = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int64[a] p, int64[b] q) <int64[5] x = {1, 2, 3, 4, 5}, int64[2] s = {1, 1}> {
      p, q = Split(x, s)
    })");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("add up to 2"), std::string::npos) << bad.status();
}

TEST(ShapeOps, PadModesAndWrapOnlyFromOpset19) {
  ONNXKIT_SKIP_WITHOUT_OPSET(19);
  const char* text = R"(
    <ir_version: 8, opset_import: ["" : %d]>
    g () => (float[a,b] c, float[d,e] r, float[f,g] e, float[h,i] w)
        <float[2,3] x = {1, 2, 3, 4, 5, 6}, int64[4] p = {0, 2, 0, 1}, float v = {9}> {
      c = Pad<mode = "constant">(x, p, v)
      r = Pad<mode = "reflect">(x, p)
      e = Pad<mode = "edge">(x, p)
      w = Pad<mode = "wrap">(x, p)
    })";
  char buffer[1024];
  std::snprintf(buffer, sizeof buffer, text, 19);
  auto out = EvalText(buffer);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (I{2, 6}));
  EXPECT_EQ(Reals((*out)[0]), (D{9, 9, 1, 2, 3, 9, 9, 9, 4, 5, 6, 9}));
  EXPECT_EQ(Reals((*out)[1]), (D{3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5}));
  EXPECT_EQ(Reals((*out)[2]), (D{1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 6, 6}));
  EXPECT_EQ(Reals((*out)[3]), (D{2, 3, 1, 2, 3, 1, 5, 6, 4, 5, 6, 4}));
  std::snprintf(buffer, sizeof buffer, text, 18);
  auto old = EvalText(buffer);
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.status().message().find("'wrap'"), std::string::npos) << old.status();
}

TEST(ShapeOps, PadAttributesBeforeOpset11AndAxesFrom18) {
  ONNXKIT_SKIP_WITHOUT_OPSET(18);
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 10]>
    g () => (float[a] y) <float[2] x = {1, 2}> {
      y = Pad<pads = [1, -1], value = 7.0>(x)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Reals((*out)[0]), (std::vector<double>{7, 1}));
  out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (bool[a,b] y) <bool[2,2] x = {1, 0, 0, 1}, int64[2] p = {1, 0}, int64[1] ax = {-1}> {
      y = Pad(x, p, , ax)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (I{2, 3}));
  EXPECT_EQ(Ints((*out)[0]), (I{0, 1, 0, 0, 0, 1}));
}

TEST(ShapeOps, ConcatTransposeTileExpandOnStringsAndBools) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (string[a,b] c, string[d,e] t, bool[f,g] r, bool[h,i] x)
        <string[1,2] p = {"a", "b"}, string[1,2] q = {"c", "d"}, bool[1,2] m = {1, 0},
         int64[2] reps = {2, 1}, int64[2] shape = {3, 1}> {
      c = Concat<axis = -2>(p, q)
      t = Transpose(c)
      r = Tile(m, reps)
      x = Expand(m, shape)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].string_data, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ((*out)[1].string_data, (std::vector<std::string>{"a", "c", "b", "d"}));
  EXPECT_EQ(Ints((*out)[2]), (I{1, 0, 1, 0}));
  EXPECT_EQ((*out)[3].dims, (I{3, 2}));
}

TEST(ShapeOps, DepthToSpaceInvertsSpaceToDepthInBothModes) {
  ONNXKIT_SKIP_WITHOUT_OPSET(28);
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 28]>
    g () => (int64[a,b,c,d] dcr, int64[e,f,g,h] crd, int64[i,j,k,l] s_crd, int64[m,n,o,p] back)
        <int64[1,8,1,1] x = {0, 1, 2, 3, 4, 5, 6, 7}> {
      dcr = DepthToSpace<blocksize = 2>(x)
      crd = DepthToSpace<blocksize = 2, mode = "CRD">(x)
      s_crd = SpaceToDepth<blocksize = 2, mode = "CRD">(crd)
      back = SpaceToDepth<blocksize = 2>(dcr)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (I{1, 2, 2, 2}));
  EXPECT_EQ(Ints((*out)[0]), (I{0, 2, 4, 6, 1, 3, 5, 7}));
  EXPECT_EQ(Ints((*out)[1]), (I{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(Ints((*out)[2]), (I{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(Ints((*out)[3]), (I{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(ShapeOps, TriluKeepsTheBandAndZeroesTheRest) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 14]>
    g () => (int64[a,b] u, int64[c,d] l) <int64[3,3] x = {1, 2, 3, 4, 5, 6, 7, 8, 9}, int64 k = {1}> {
      u = Trilu(x, k)
      l = Trilu<upper = 0>(x)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Ints((*out)[0]), (I{0, 2, 3, 0, 0, 6, 0, 0, 0}));
  EXPECT_EQ(Ints((*out)[1]), (I{1, 0, 0, 4, 5, 0, 7, 8, 9}));
}

TEST(ShapeOps, RangeOneHotConstantOfShapeAndConstant) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int32[a] r, float[b] f, float[c,d] h, int32[e,f] z, int64[g] k)
        <int32 s = {10}, int32 l = {4}, int32 d = {-3}, float fs = {0.5}, float fl = {1.5},
         float fd = {0.25}, int64[3] idx = {1, -1, 5}, int64 depth = {3}, float[2] v = {0, 1},
         int64[2] shape = {1, 2}> {
      r = Range(s, l, d)
      f = Range(fs, fl, fd)
      h = OneHot<axis = 0>(idx, depth, v)
      z = ConstantOfShape<value = int32[1] {7}>(shape)
      k = Constant<value_ints = [4, 5]>()
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Ints((*out)[0]), (I{10, 7}));
  EXPECT_EQ(Reals((*out)[1]), (D{0.5, 0.75, 1.0, 1.25}));
  EXPECT_EQ((*out)[2].dims, (I{3, 3}));
  EXPECT_EQ(Reals((*out)[2]), (D{0, 0, 0, 1, 0, 0, 0, 1, 0}));
  EXPECT_EQ((*out)[3].data_type, static_cast<int32_t>(DataType::kInt32));
  EXPECT_EQ(Ints((*out)[3]), (I{7, 7}));
  EXPECT_EQ(Ints((*out)[4]), (I{4, 5}));
}

TEST(ShapeOps, HugeOutputsAreRefusedBeforeAllocating) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[a,b] z) <int64[2] shape = {100000, 100000}> {
      z = ConstantOfShape(shape)
    })");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted) << out.status();
}

}  // namespace
}  // namespace onnxkit
