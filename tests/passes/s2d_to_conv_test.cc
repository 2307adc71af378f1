// s2d-to-conv and d2s-to-convtranspose (passes/block_reorg.h):
//  1. every form becomes one (transposed) convolution whose one-hot weights reproduce the
//     chain exactly: the chain is evaluated on element indices before the rewrite, the
//     convolution computed from the new weights after, and the two must be equal —
//     SpaceToDepth, PixelUnshuffle's reshape chain, Focus's slices, a Concat run beside a
//     foreign input (FFDNet), DepthToSpace DCR and CRD, PixelShuffle's chain;
//  2. what must not fire does not, with the reason: a reshape that is no block
//     reorganisation, a chain whose intermediate is read elsewhere, an integer tensor;
//  3. the corpus exports: which fire, and the result checks clean.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "eval/array.h"
#include "eval/kernel.h"
#include "ir/ir_test_util.h"
#include "onnxkit/check.h"
#include "onnxkit/constant.h"
#include "onnxkit/io.h"
#include "passes/pass_test_util.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using eval::Array;

// The index tensor a test compares: dims and int64 elements.
struct IntTensor {
  std::vector<int64_t> dims;
  std::vector<int64_t> data;

  static IntTensor Iota(std::vector<int64_t> dims) {
    int64_t count = 1;
    for (int64_t d : dims) count *= d;
    IntTensor t{std::move(dims), std::vector<int64_t>(static_cast<size_t>(count))};
    for (int64_t i = 0; i < count; ++i) t.data[static_cast<size_t>(i)] = i;
    return t;
  }
};
using ir_test::Parse;
using pass_test::OpTypes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

PassResult RunNamed(std::string_view pass, Model& model) {
  auto result = pass_test::RunPass(pass, model);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : PassResult{};
}

std::vector<int64_t> StaticDims(const Value& v) {
  std::vector<int64_t> dims;
  for (const Dim& d : v.type()->shape->dims) dims.push_back(d.value);
  return dims;
}

// The graph's first output evaluated on the element indices of its first input: the
// evaluator runs every node whose inputs are the indices, values it computed or constants
// (the data-movement chain); the others are skipped.
IntTensor EvaluateChain(const Model& model) {
  const Graph& g = *model.graph;
  absl::flat_hash_map<const Value*, Array> values;
  // The indices as float32 (exact below 2^24), so that a chain mixing the input with float
  // constants (ScatterND into zeros) runs as typed.
  IntTensor iota = IntTensor::Iota(StaticDims(*g.inputs()[0]));
  values.emplace(g.inputs()[0],
                 Array::Reals(static_cast<int32_t>(DataType::kFloat), iota.dims,
                              std::vector<double>(iota.data.begin(), iota.data.end())));
  for (const Node* n : g.nodes()) {
    std::vector<Array> params;
    params.reserve(n->inputs().size());
    std::vector<const Array*> inputs;
    bool known = true;
    for (const Value* in : n->inputs()) {
      if (in && values.contains(in)) {
        inputs.push_back(&values.at(in));
      } else if (in && IsConstant(in)) {
        auto t = ConstantTensor(in);
        auto a = t.ok() ? eval::FromTensor(*t, 1 << 24) : StatusOr<Array>(t.status());
        known = known && a.ok();
        params.push_back(a.ok() ? *std::move(a) : Array{});
        inputs.push_back(&params.back());
      } else if (in) {
        known = false;
      } else {
        inputs.push_back(nullptr);
      }
    }
    if (!known) continue;
    auto outs =
        eval::RunNode(*n, *model.OpsetVersionOf(*n), inputs, EvalOptions{.max_elements = 1 << 24});
    if (!outs.ok() && outs.status().code() == absl::StatusCode::kUnimplemented) continue;
    EXPECT_TRUE(outs.ok()) << outs.status();
    if (!outs.ok()) return {};
    for (size_t i = 0; i < outs->size(); ++i) values.emplace(n->output(i), (*outs)[i]);
  }
  const Array& out = values.at(g.outputs()[0]);
  return IntTensor{out.dims, std::vector<int64_t>(out.reals.begin(), out.reals.end())};
}

std::vector<float> WeightOf(const Node& conv) {
  const Tensor* w = conv.input(1)->initializer();
  EXPECT_NE(w, nullptr);
  auto data = w->Data();
  std::vector<float> out(data->size() / 4);
  std::memcpy(out.data(), data->data(), data->size());
  return out;
}

// The rewritten graph's (transposed) convolution applied to the element indices of X:
// each output takes the index its one-hot weight selects (-1 where no weight is 1).
IntTensor ApplyConvolution(const Node& conv, const std::vector<int64_t>& x) {
  const std::vector<int64_t>& wd = conv.input(1)->initializer()->dims;  // [K, C, b, b]
  std::vector<float> w = WeightOf(conv);
  const int64_t k = wd[0], c = wd[1], b = wd[2];
  const bool transpose = conv.op_type == "ConvTranspose";
  IntTensor y;
  y.dims = transpose ? std::vector<int64_t>{x[0], c, x[2] * b, x[3] * b}
                     : std::vector<int64_t>{x[0], k, x[2] / b, x[3] / b};
  y.data.assign(static_cast<size_t>(y.dims[0] * y.dims[1] * y.dims[2] * y.dims[3]), -1);
  auto at = [](const std::vector<int64_t>& d, int64_t n, int64_t ch, int64_t h, int64_t v) {
    return ((n * d[1] + ch) * d[2] + h) * d[3] + v;
  };
  for (int64_t n = 0; n < x[0]; ++n) {
    for (int64_t kk = 0; kk < k; ++kk) {
      for (int64_t cc = 0; cc < c; ++cc) {
        for (int64_t dy = 0; dy < b; ++dy) {
          for (int64_t dx = 0; dx < b; ++dx) {
            if (w[static_cast<size_t>(((kk * c + cc) * b + dy) * b + dx)] != 1.0f) continue;
            if (!transpose) {
              for (int64_t i = 0; i < y.dims[2]; ++i) {
                for (int64_t j = 0; j < y.dims[3]; ++j) {
                  y.data[static_cast<size_t>(at(y.dims, n, kk, i, j))] =
                      at(x, n, cc, i * b + dy, j * b + dx);
                }
              }
            } else {
              for (int64_t i = 0; i < x[2]; ++i) {
                for (int64_t j = 0; j < x[3]; ++j) {
                  y.data[static_cast<size_t>(at(y.dims, n, cc, i * b + dy, j * b + dx))] =
                      at(x, n, kk, i, j);
                }
              }
            }
          }
        }
      }
    }
  }
  return y;
}

// Rewrites `text` with pass P and checks that the convolution reproduces the chain.
std::unique_ptr<Model> ExpectExactRewrite(std::string_view pass, const char* text, const char* op) {
  auto model = Parse(text);
  if (!model) return nullptr;
  IntTensor expected = EvaluateChain(*model);
  std::vector<int64_t> x = StaticDims(*model->graph->inputs()[0]);
  PassResult result = RunNamed(pass, *model);
  EXPECT_EQ(result.Stat("chains-rewritten"), 1);
  const Node* conv = nullptr;
  for (const Node* n : model->graph->nodes()) {
    if (n->op_type == op) conv = n;
  }
  EXPECT_NE(conv, nullptr) << "no " << op;
  if (!conv) return model;
  IntTensor actual = ApplyConvolution(*conv, x);
  EXPECT_EQ(actual.dims, expected.dims);
  EXPECT_EQ(actual.data, expected.data);
  EXPECT_THAT(
      conv->GetInts("strides").value_or(std::span<const int64_t>{}),
      ElementsAre(conv->input(1)->initializer()->dims[2], conv->input(1)->initializer()->dims[2]));
  EXPECT_CLEAN(*model);
  return model;
}

TEST(S2dToConv, TheSpaceToDepthOp) {
  auto model = ExpectExactRewrite("s2d-to-conv", R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,3,6,6] x) => (float[1,27,2,2] y) {
      y = SpaceToDepth<blocksize = 3>(x)
    })",
                                  "Conv");
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Conv"));
  EXPECT_EQ(model->graph->outputs()[0]->name(), "y");
}

TEST(S2dToConv, PixelUnshufflesReshapeChain) {
  auto model = ExpectExactRewrite("s2d-to-conv", R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[2,3,4,6] x) => (float[2,12,2,3] y) <int64[6] s6 = {2, 3, 2, 2, 3, 2}, int64[4] s4 = {2, 12, 2, 3}> {
      r = Reshape(x, s6)
      t = Transpose<perm = [0, 1, 3, 5, 2, 4]>(r)
      y = Reshape(t, s4)
    })",
                                  "Conv");
  // The chain's constants went with it.
  EXPECT_EQ(model->graph->initializers().size(), 1u);
}

TEST(S2dToConv, FocusSlicesJoinedByAConcat) {
  ExpectExactRewrite("s2d-to-conv", R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,3,4,4] x) => (float[1,12,2,2] y) <int64[1] z = {0}, int64[1] o = {1}, int64[1] e = {9223372036854775807}, int64[1] a2 = {2}, int64[1] a3 = {3}, int64[1] s = {2}> {
      r0 = Slice(x, z, e, a2, s)
      r1 = Slice(x, o, e, a2, s)
      p00 = Slice(r0, z, e, a3, s)
      p10 = Slice(r1, z, e, a3, s)
      p01 = Slice(r0, o, e, a3, s)
      p11 = Slice(r1, o, e, a3, s)
      y = Concat<axis = 1>(p00, p10, p01, p11)
    })",
                     "Conv");
}

TEST(S2dToConv, AConcatRunBesideAForeignInput) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,2,4,4] x, float[1,1,2,2] noise) => (float[1,9,2,2] y) <int64[6] s6 = {1, 1, 2, 2, 2, 2}, int64[4] s4 = {1, 4, 2, 2}, int64[2] split = {1, 1}> {
      a, b = Split<axis = 1>(x, split)
      ra = Reshape(a, s6)
      ta = Transpose<perm = [0, 1, 3, 5, 2, 4]>(ra)
      ya = Reshape(ta, s4)
      rb = Reshape(b, s6)
      tb = Transpose<perm = [0, 1, 3, 5, 2, 4]>(rb)
      yb = Reshape(tb, s4)
      y = Concat<axis = 1>(noise, ya, yb)
    })");
  ASSERT_TRUE(model);
  PassResult result = RunNamed("s2d-to-conv", *model);
  EXPECT_EQ(result.Stat("chains-rewritten"), 1);
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Conv", "Concat"));
  const Node* conv = model->graph->first_node();
  EXPECT_EQ(conv->input(0)->name(), "x");
  EXPECT_EQ(conv->input(1)->initializer()->dims, (std::vector<int64_t>{8, 2, 2, 2}));
  // Split then per-channel PixelUnshuffle: channel k of the run is x's channel k / 4, block
  // position k % 4.
  IntTensor y = ApplyConvolution(*conv, {1, 2, 4, 4});
  IntTensor direct = IntTensor::Iota({1, 2, 4, 4});
  for (int64_t k = 0; k < 8; ++k) {
    int64_t c = k / 4, dy = k % 4 / 2, dx = k % 2;
    EXPECT_EQ(y.data[static_cast<size_t>(k * 4)],
              direct.data[static_cast<size_t>(c * 16 + dy * 4 + dx)]);
  }
  EXPECT_EQ(model->graph->last_node()->input(0)->name(), "noise");
  EXPECT_CLEAN(*model);
}

// PyTorch's slice assignment into zeros (FFDNet) once constant folding has made the
// ScatterND indices and the Expand shape constants: the zeros are all overwritten.
constexpr const char* kScatterIntoZeros = R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,1,4,4] x) => (float[1,4,2,2] y)
        <float[1,4,2,2] z = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
         int64[1,1,2] i0 = {0, 0}, int64[1,1,2] i1 = {0, 1}, int64[1,1,2] i2 = {0, 2},
         int64[1,1,2] i3 = {0, %d}, int64[2] s00 = {0, 0}, int64[2] s01 = {0, 1},
         int64[2] s10 = {1, 0}, int64[2] s11 = {1, 1}, int64[2] e = {4, 4},
         int64[2] ax = {2, 3}, int64[2] st = {2, 2}, int64[4] shape = {1, 1, 2, 2}> {
      a = Slice(x, s00, e, ax, st)
      ae = Expand(a, shape)
      y0 = ScatterND(z, i0, ae)
      b = Slice(x, s01, e, ax, st)
      y1 = ScatterND(y0, i1, b)
      c = Slice(x, s10, e, ax, st)
      y2 = ScatterND(y1, i2, c)
      d = Slice(x, s11, e, ax, st)
      y = ScatterND(y2, i3, d)
    })";

TEST(S2dToConv, ScatterNDIntoZerosWithConstantIndices) {
  char text[2048];
  std::snprintf(text, sizeof text, kScatterIntoZeros, 3);
  auto model = ExpectExactRewrite("s2d-to-conv", text, "Conv");
  ASSERT_NE(model, nullptr);
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Conv"));
  // The zeros and the indices went with the chain.
  EXPECT_EQ(model->graph->initializers().size(), 1u);
}

TEST(S2dToConv, ScatterNDThatLeavesZerosIsRefused) {
  // The last slice overwrites channel 2 again: channel 3 keeps its zeros.
  char text[2048];
  std::snprintf(text, sizeof text, kScatterIntoZeros, 2);
  auto model = Parse(text);
  ASSERT_NE(model, nullptr);
  PassResult result = RunNamed("s2d-to-conv", *model);
  EXPECT_FALSE(result.changed);
  ASSERT_FALSE(result.skipped.empty());
  EXPECT_THAT(result.skipped[0].reason, HasSubstr("comes from a constant"));
}

TEST(S2dToConv, AReshapeThatIsNoBlockReorganisationIsRefused) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,3,4,4] x) => (float[1,12,2,2] y) <int64[4] s = {1, 12, 2, 2}> {
      y = Reshape(x, s)
    })");
  PassResult result = RunNamed("s2d-to-conv", *model);
  EXPECT_FALSE(result.changed);
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_THAT(result.skipped[0].reason, HasSubstr("not a block reorganisation"));
}

TEST(S2dToConv, AnIntermediateReadElsewhereIsRefused) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,1,4,4] x) => (float[1,4,2,2] y, float[1,1,2,2,2,2] side) <int64[6] s6 = {1, 1, 2, 2, 2, 2}, int64[4] s4 = {1, 4, 2, 2}> {
      r = Reshape(x, s6)
      t = Transpose<perm = [0, 1, 3, 5, 2, 4]>(r)
      y = Reshape(t, s4)
      side = Identity(r)
    })");
  PassResult result = RunNamed("s2d-to-conv", *model);
  EXPECT_FALSE(result.changed);
  ASSERT_FALSE(result.skipped.empty());
  EXPECT_THAT(result.skipped[0].reason, HasSubstr("'r' is also read by Identity"));
}

TEST(S2dToConv, IntegerTensorsAreRefused) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int32[1,1,4,4] x) => (int32[1,4,2,2] y) {
      y = SpaceToDepth<blocksize = 2>(x)
    })");
  PassResult result = RunNamed("s2d-to-conv", *model);
  EXPECT_FALSE(result.changed);
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_THAT(result.skipped[0].reason, HasSubstr("int32"));
}

TEST(D2sToConvTranspose, DepthToSpaceInBothModes) {
  for (const char* text : {R"(
      <ir_version: 8, opset_import: ["" : 13]>
      g (float[1,8,2,3] x) => (float[1,2,4,6] y) {
        y = DepthToSpace<blocksize = 2>(x)
      })",
                           R"(
      <ir_version: 8, opset_import: ["" : 13]>
      g (float[1,8,2,3] x) => (float[1,2,4,6] y) {
        y = DepthToSpace<blocksize = 2, mode = "CRD">(x)
      })"}) {
    auto model = ExpectExactRewrite("d2s-to-convtranspose", text, "ConvTranspose");
    EXPECT_THAT(OpTypes(*model->graph), ElementsAre("ConvTranspose"));
  }
}

TEST(D2sToConvTranspose, PixelShufflesReshapeChain) {
  ExpectExactRewrite("d2s-to-convtranspose", R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,18,2,2] x) => (float[1,2,6,6] y) <int64[6] s6 = {1, 2, 3, 3, 2, 2}, int64[4] s4 = {1, 2, 6, 6}> {
      r = Reshape(x, s6)
      t = Transpose<perm = [0, 1, 4, 2, 5, 3]>(r)
      y = Reshape(t, s4)
    })",
                     "ConvTranspose");
}

TEST(D2sToConvTranspose, SpaceToDepthIsNotItsBusiness) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,3,4,4] x) => (float[1,12,2,2] y) {
      y = SpaceToDepth<blocksize = 2>(x)
    })");
  PassResult result = RunNamed("d2s-to-convtranspose", *model);
  EXPECT_FALSE(result.changed);
  EXPECT_TRUE(result.skipped.empty());
}

// Movement whose parameters are computed at run time cannot be decided; the reason says so
// and names the remedy, once per run-time value (PyTorch's slice assignments before folding).
TEST(S2dToConv, RunTimeParametersAreNamedWithTheRemedy) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,3,4,4] x, int64[4] shape) => (float[1,12,2,2] y) {
      r = Reshape(x, shape)
      y = Identity(r)
    })");
  PassResult result = RunNamed("s2d-to-conv", *model);
  EXPECT_FALSE(result.changed);
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_THAT(result.skipped[0].reason, HasSubstr("reads 'shape', computed at run time"));
  EXPECT_THAT(result.skipped[0].reason, HasSubstr("fold-constants"));
}

// Which corpus exports each pass rewrites; the results check clean.
TEST(BlockReorganisation, CorpusExports) {
  struct Case {
    const char* model;
    int s2d, d2s;
  };
  for (Case c :
       {Case{"focus_yolov5.onnx", 1, 0}, Case{"ffdnet_s2d_reshape.onnx", 1, 0},
        Case{"pixel_unshuffle_shuffle.onnx", 1, 1}, Case{"super_resolution_opset10.onnx", 0, 1},
        Case{"super_resolution_opset11.onnx", 0, 1},
        // PyTorch writes FFDNet's slice assignments as ScatterND into zeros, whose
        // indices are computed from shapes: a candidate only after constant folding.
        Case{"ffdnet_s2d_slices.onnx", 0, 0},
        // Channel shuffles and attention reshapes are no block reorganisations.
        Case{"shufflenet_v2_x1_0.onnx", 0, 0}, Case{"swin_t.onnx", 0, 0}}) {
    SCOPED_TRACE(c.model);
    // The models with external weights are copied beside them by the corpus_weights fixture.
    auto path = testing::WeightsDir() / c.model;
    if (!std::filesystem::exists(path)) path = testing::CorpusDir() / "models" / c.model;
    auto s2d = LoadFile(path.string());
    ASSERT_TRUE(s2d.ok()) << s2d.status();
    PassResult r = RunNamed("s2d-to-conv", **s2d);
    EXPECT_EQ(r.Stat("chains-rewritten"), c.s2d);
    for (const auto& s : r.skipped)
      std::cout << c.model << " s2d: " << s.where << ": " << s.reason << "\n";
    EXPECT_CLEAN(**s2d);
    auto d2s = LoadFile(path.string());
    ASSERT_TRUE(d2s.ok()) << d2s.status();
    r = RunNamed("d2s-to-convtranspose", **d2s);
    EXPECT_EQ(r.Stat("chains-rewritten"), c.d2s);
    for (const auto& s : r.skipped)
      std::cout << c.model << " d2s: " << s.where << ": " << s.reason << "\n";
    EXPECT_CLEAN(**d2s);
  }
}

}  // namespace
}  // namespace onnxkit
