// Nodes that crashed (SIGSEGV, SIGFPE) or hung `check` and `infer-shapes` inside libonnx's
// inference functions, one per class the single-node sweep found: each is now reported at
// the node with a `types.` code and not inferred. Every model above the last group crashed or
// hung with libonnx 1.12 before (checked by disabling the guard).
#include <gtest/gtest.h>

#include "onnxkit/check.h"
#include "onnxkit/infer.h"
#include "onnxkit/io.h"
#include "onnxkit/version.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

// "code@path slot" of every "types" diagnostic of `text`, after checking it and inferring
// its shapes (both must come back).
std::vector<std::string> TypeFindings(const char* text) {
  auto model = LoadBytes(testing::ModelFromText(text));
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return {};
  CheckOptions options;
  options.rules = {"types"};
  std::vector<std::string> out;
  for (const Diagnostic& d : Check(**model, options).items) {
    out.push_back(d.code + "@" + d.location.Path() + " " + d.location.slot);
  }
  Diagnostics inferred;
  InferShapes(**model, inferred);
  EXPECT_EQ(inferred.items.size(), out.size());
  return out;
}

using Findings = std::vector<std::string>;

TEST(InferencePreconditions, ConvOverRankTwoDataIsAnInputRankError) {
  EXPECT_EQ(
      TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,3] X, float[2,3,3,3] W) => (float[1,2] Y) {
      Y = Conv(X, W)
    })"),
      (Findings{"types.input-rank@main/#0 input 0 (X)", "types.input-rank@main/#0 input 1 (W)"}));
}

TEST(InferencePreconditions, ConvTransposeWithWeightsOfAnotherRank) {
  EXPECT_EQ(
      TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[3,3] X, float[4] W) => (float Y) {
      Y = ConvTranspose(X, W)
    })"),
      (Findings{"types.input-rank@main/#0 input 0 (X)", "types.input-rank@main/#0 input 1 (W)"}));
}

TEST(InferencePreconditions, MaxUnpoolIndicesOfAnotherRank) {
  // I has X's shape; libonnx reads its dim 1 as the channels.
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g (float[4,3,2] X, int64[3] I) => (float Y) {
      Y = MaxUnpool<kernel_shape = [2]>(X, I)
    })"),
            (Findings{"types.input-rank@main/#0 input 1 (I)"}));
}

TEST(InferencePreconditions, RecurrentLayersOfScalars) {
  // Opset 6: RNN-1, GRU-3 and LSTM-1, whose inference functions crashed on these.
  for (const char* op : {"RNN", "GRU", "LSTM"}) {
    std::string text = std::string(R"(
    <ir_version: 8, opset_import: ["" : 6]>
    g (float X, float W, float R, float B, int32 L, float H) => (float Y, float Z) {
      Y, Z = )") + op + R"((X, W, R, B, L, H)
    })";
    auto findings = TypeFindings(text.c_str());
    EXPECT_EQ(findings.size(), 6u) << op;
    for (const auto& f : findings) EXPECT_EQ(f.rfind("types.input-rank@", 0), 0u) << f;
  }
}

TEST(InferencePreconditions, GemmOfScalars) {
  EXPECT_EQ(
      TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 6]>
    g (float A, float B, float C) => (float Y) {
      Y = Gemm(A, B, C)
    })"),
      (Findings{"types.input-rank@main/#0 input 0 (A)", "types.input-rank@main/#0 input 1 (B)"}));
}

TEST(InferencePreconditions, StftOfAScalarSignal) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float S, int64 step) => (float Y) {
      Y = STFT(S, step)
    })"),
            (Findings{"types.input-rank@main/#0 input 0 (signal)"}));
}

TEST(InferencePreconditions, LayerNormalizationAxisPastTheRank) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X, float[3] S) => (float[2,3] Y, float M) {
      Y, M = LayerNormalization<axis = -3>(X, S)
    })"),
            (Findings{"types.attr-range@main/#0 attribute 'axis'"}));
}

TEST(InferencePreconditions, LayerNormalizationOfAScalar) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float X, float S, float B) => (float Y, float M) {
      Y, M = LayerNormalization(X, S, B)
    })"),
            (Findings{"types.input-rank@main/#0 input 0 (X)",
                      "types.attr-range@main/#0 attribute 'axis'"}));
}

TEST(InferencePreconditions, GatherNdNegativeBatchDims) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[3,3,3,3] D, int64[3,3,3,3] I) => (float Y) {
      Y = GatherND<batch_dims = -6>(D, I)
    })"),
            (Findings{"types.attr-range@main/#0 attribute 'batch_dims'"}));
}

TEST(InferencePreconditions, ZeroStrideOfEveryPool) {
  for (const char* op : {"MaxPool", "AveragePool", "LpPool"}) {
    std::string text = std::string(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,3,8] X) => (float Y) {
      Y = )") + op + R"(<kernel_shape = [2], strides = [0]>(X)
    })";
    EXPECT_EQ(TypeFindings(text.c_str()),
              (Findings{"types.attr-range@main/#0 attribute 'strides'"}))
        << op;
  }
}

TEST(InferencePreconditions, SameUpperPoolOverAHugeDimensionIsInferredAsUnknown) {
  // Legal, and inferred with that dim unknown; libonnx 1.12 looped over it 2^61 times.
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,1,4611686018427387904] X) => (float[1,1,N] Y) {
      Y = MaxPool<kernel_shape = [3], strides = [2], auto_pad = "SAME_UPPER">(X)
    })"),
            Findings{});
}

TEST(InferencePreconditions, DepthToSpaceBlocksizeTwoToThe32) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,16,2,2] X) => (float Y) {
      Y = DepthToSpace<blocksize = 4294967296>(X)
    })"),
            (Findings{"types.too-large@main/#0 attribute 'blocksize'"}));
}

TEST(InferencePreconditions, ShapeInputOfAHugeDimensionIsInferredAsUnknown) {
  // The output's rank would be 2^62.
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int64[4611686018427387904] S) => (float Z) {
      Z = ConstantOfShape(S)
    })"),
            Findings{});
}

TEST(InferencePreconditions, ShapeInputsThatListTooManyDims) {
  // The outputs would have rank 2^31: libonnx builds that shape dim by dim.
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[2] X, int64[2147483648] S) => (float Y, float Z) {
      Y = Expand(X, S)
      Z = ConstantOfShape(S)
    })"),
            (Findings{"types.too-large@main/#0 input 1 (shape)",
                      "types.too-large@main/#1 input 0 (input)"}));
}

TEST(InferencePreconditions, ScanCountingMoreInputsThanItHas) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    g (float[3,3] A, float[3,3] B) => (float Y, float Z) {
      Y, Z = Scan<num_scan_inputs = 2147483648, body = body (b0, b1) => (c0, c1) {
        c0 = Identity(b0)
        c1 = Identity(b1)
      }>(A, B)
    })"),
            (Findings{"types.attr-range@main/#0 attribute 'num_scan_inputs'"}));
}

TEST(InferencePreconditions, SplitIntoMoreOutputsThanItHas) {
  // Split-18's inference builds num_outputs output shapes: 2^31 of them took all the memory
  // (found by the whole sweep on ONNX 1.23).
  if (LinkedOnnxLibrary().max_opset < 18) GTEST_SKIP() << "no Split-18 in the linked library";
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g (float[1] X) => (float Y) {
      Y = Split<num_outputs = 2147483648>(X)
    })"),
            (Findings{"types.attr-range@main/#0 attribute 'num_outputs'"}));
}

TEST(InferencePreconditions, EinsumEquationOutsideTheSyntax) {
  // libonnx counts letters in a table indexed by `letter - 'a'`.
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 12]>
    g (int32[N,4,4] X) => (int32 Y) {
      Y = Einsum<equation = "SUM">(X)
    })"),
            (Findings{"types.attr-range@main/#0 attribute 'equation'"}));
}

TEST(InferencePreconditions, SplitToSequenceIntoChunksOfZero) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 11]>
    g (float[4] X) => (float Z) {
      s = Constant<value = int64 {0}>()
      Y = SplitToSequence(X, s)
      Z = SequenceAt(Y, s)
    })"),
            (Findings{"types.input-value@main/#1 input 1 (split)"}));
}

// The same classes where libonnx 1.12 happens to fail cleanly: the guard reports them
// whatever the library does.

TEST(InferencePreconditions, ConvStridesOfTheWrongLength) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,3,8,8] X, float[2,3,3,3] W) => (float Y) {
      Y = Conv<strides = [1, 1, 1], pads = [-1, 0, 0, 0]>(X, W)
    })"),
            (Findings{"types.attr-length@main/#0 attribute 'strides'",
                      "types.attr-range@main/#0 attribute 'pads'"}));
}

TEST(InferencePreconditions, NegativeDimension) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,-1] X) => (float Y) {
      Y = Relu(X)
    })"),
            (Findings{"types.negative-dim@main/#0 input 0 (X)"}));
}

TEST(InferencePreconditions, CountsBelowOne) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,3,8,8] X) => (float[1,3,8,8] Y) {
      Y = LRN<size = 0>(X)
    })"),
            (Findings{"types.attr-range@main/#0 attribute 'size'"}));
}

TEST(InferencePreconditions, ValidNodesStillInfer) {
  EXPECT_EQ(TypeFindings(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,3,8,8] X, float[2,3,3,3] W) => (float[1,2,4,4] Y) {
      Y = Conv<strides = [2, 2], pads = [1, 1, 1, 1]>(X, W)
    })"),
            Findings{});
}

}  // namespace
}  // namespace onnxkit
