// The ONNX Runtime oracle (support/ort_oracle.{h,py}) must tell a model that computes the
// same from one that does not, or no pass test proves anything:
//  1. a model against itself and against an equivalent rewrite: a match;
//  2. another computation, a missing or renamed output, another shape, a model that does
//     not run: a mismatch naming the output;
//  3. differences within the tolerance match, beyond it they do not;
//  4. an original ONNX Runtime cannot run (unknown operator, random operator) is skipped with
//     the reason;
//  5. integer inputs are valid indices and symbolic dims get one size per symbol;
//  6. RewriteAndCompareUnderOrt runs built-in passes and compares.
#include "support/ort_oracle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace onnxkit::testing {
namespace {

using ::testing::HasSubstr;
using Kind = OrtVerdict::Kind;

// Writes the model in ONNX text to `dir`/`name`.
std::filesystem::path Write(const TempDir& dir, const char* name, const char* text) {
  std::filesystem::path path = dir / name;
  WriteFile(path, ModelFromText(text));
  return path;
}

constexpr char kNeg[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[N, 3] X) => (float[N, 3] Y) { Y = Neg(X) })";

TEST(OrtOracle, AModelMatchesItselfAndAnEquivalentRewrite) {
  TempDir dir;
  auto a = Write(dir, "a.onnx", kNeg);
  auto b = Write(dir, "b.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N, 3] X) => (float[N, 3] Y) { t = Identity(X) Y = Neg(t) })");
  OrtVerdict v = CompareUnderOrt(a, {a, b});
  EXPECT_EQ(v.kind, Kind::kMatch) << v.report;
  EXPECT_THAT(v.report, HasSubstr("2 of 2 rewritten models match"));
}

TEST(OrtOracle, AnotherComputationIsAMismatchNamingTheOutput) {
  TempDir dir;
  auto a = Write(dir, "a.onnx", kNeg);
  auto b = Write(dir, "b.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N, 3] X) => (float[N, 3] Y) { Y = Abs(X) })");
  OrtVerdict v = CompareUnderOrt(a, {a, b});
  EXPECT_EQ(v.kind, Kind::kMismatch) << v.report;
  EXPECT_THAT(v.report, HasSubstr("output 'Y': values differ"));
  EXPECT_THAT(v.report, HasSubstr("1 of 2 rewritten models match"));
}

TEST(OrtOracle, RenamedOrReshapedOutputsAndBrokenModelsAreMismatches) {
  TempDir dir;
  auto a = Write(dir, "a.onnx", kNeg);
  auto renamed = Write(dir, "renamed.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N, 3] X) => (float[N, 3] Z) { Z = Neg(X) })");
  auto reshaped = Write(dir, "reshaped.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N, 3] X) => (float[3, N] Y) { t = Neg(X) Y = Transpose(t) })");
  auto broken = dir / "broken.onnx";
  WriteFile(broken, "not a model");
  OrtVerdict v = CompareUnderOrt(a, {renamed, reshaped, broken});
  EXPECT_EQ(v.kind, Kind::kMismatch) << v.report;
  EXPECT_THAT(v.report, HasSubstr("output 'Y' is missing"));
  EXPECT_THAT(v.report, HasSubstr("output 'Z' is new"));
  EXPECT_THAT(v.report, HasSubstr("shape [2, 3] became [3, 2]"));
  EXPECT_THAT(v.report, HasSubstr("ONNX Runtime cannot run it"));
  EXPECT_THAT(v.report, HasSubstr("0 of 3 rewritten models match"));
}

TEST(OrtOracle, TheToleranceDecides) {
  TempDir dir;
  auto a = Write(dir, "a.onnx", kNeg);
  auto nudged = Write(dir, "nudged.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N, 3] X) => (float[N, 3] Y) <float eps = {0.000001}> {
      t = Neg(X)
      Y = Add(t, eps)
    })");
  EXPECT_EQ(CompareUnderOrt(a, {nudged}).kind, Kind::kMatch);
  OrtOracleOptions exact;
  exact.rtol = 0;
  exact.atol = 0;
  OrtVerdict v = CompareUnderOrt(a, {nudged}, exact);
  EXPECT_EQ(v.kind, Kind::kMismatch) << v.report;
}

TEST(OrtOracle, AnOriginalOrtCannotRunIsSkippedWithTheReason) {
  TempDir dir;
  auto custom = Write(dir, "custom.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17, "com.example" : 1]>
    g (float[2] X) => (float[2] Y) { Y = com.example.Op(X) })");
  OrtVerdict v = CompareUnderOrt(custom, {custom});
  EXPECT_EQ(v.kind, Kind::kSkipped) << v.report;
  EXPECT_THAT(v.report, HasSubstr("ONNX Runtime cannot load it"));

  auto random = Write(dir, "random.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) { r = RandomUniformLike(X) Y = Add(X, r) })");
  v = CompareUnderOrt(random, {random});
  EXPECT_EQ(v.kind, Kind::kSkipped) << v.report;
  EXPECT_THAT(v.report, HasSubstr("random operators (RandomUniformLike)"));

  // Dropout draws only in training mode with a ratio other than 0 (swin_t's has ratio 0).
  auto dropout = Write(dir, "dropout.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float r0 = {0.0}, float r5 = {0.5}, bool on = {1}> {
      a = Dropout(X, r0, on)
      b = Dropout(a)
      Y = Dropout(b, r5, on)
    })");
  v = CompareUnderOrt(dropout, {dropout});
  EXPECT_EQ(v.kind, Kind::kSkipped) << v.report;
  EXPECT_THAT(v.report, HasSubstr("random operators (Dropout)"));
  auto identity_dropout = Write(dir, "identity_dropout.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float r0 = {0.0}, float r5 = {0.5}, bool on = {1},
                                    bool off = {0}> {
      a = Dropout(X, r0, on)
      b = Dropout(a)
      Y = Dropout(b, r5, off)
    })");
  v = CompareUnderOrt(identity_dropout, {identity_dropout});
  EXPECT_EQ(v.kind, Kind::kMatch) << v.report;
}

TEST(OrtOracle, BothBranchesRunsBothBranchesOfAnIf) {
  TempDir dir;
  auto a = Write(dir, "a.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      R = If(c) < then_branch = t () => (float[2] o) { o = Neg(X) },
                  else_branch = e () => (float[2] o2) { o2 = Abs(X) } >
    })");
  auto b = Write(dir, "b.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      R = If(c) < then_branch = t () => (float[2] o) { o = Relu(X) },
                  else_branch = e () => (float[2] o2) { o2 = Abs(X) } >
    })");
  // Seed 0 alone takes the else branch, where the two agree.
  EXPECT_EQ(CompareUnderOrt(a, {b}).kind, Kind::kMatch);
  OrtVerdict v = CompareUnderOrt(a, {b}, BothBranches());
  EXPECT_EQ(v.kind, Kind::kMismatch) << v.report;
  EXPECT_THAT(v.report, HasSubstr("(run 2, seed 2)"));
}

TEST(OrtOracle, IntegerInputsAreValidIndicesAndSymbolsHaveOneSize) {
  TempDir dir;
  // Gather from a 4-row table needs indices in [0, 4); Add needs both N to be equal.
  auto a = Write(dir, "a.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[4, 3] T, int64[N] I, float[N, 3] B) => (float[N, 3] Y) {
      g = Gather(T, I)
      Y = Add(g, B)
    })");
  OrtOracleOptions options;
  options.dims = {{"N", 5}};
  OrtVerdict v = CompareUnderOrt(a, {a}, options);
  EXPECT_EQ(v.kind, Kind::kMatch) << v.report;
  EXPECT_THAT(v.report, HasSubstr("I[5]"));
}

TEST(OrtOracle, RewriteAndCompareRunsBuiltinPasses) {
  TempDir dir;
  auto a = Write(dir, "a.onnx", R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N, 3] X) => (float[N, 3] Y) {
      k = Constant <value_floats = [1.0, 2.0, 3.0]> ()
      t = Identity(X)
      dead = Abs(t)
      Y = Add(t, k)
    })");
  EXPECT_PASSES_KEEP_OUTPUTS(
      a, {"constant-to-initializer", "eliminate-identity", "eliminate-dead-code"});
  OrtVerdict unknown = RewriteAndCompareUnderOrt(a, {"no-such-pass"});
  EXPECT_EQ(unknown.kind, Kind::kError);
  EXPECT_THAT(unknown.report, HasSubstr("no-such-pass"));
}

}  // namespace
}  // namespace onnxkit::testing
