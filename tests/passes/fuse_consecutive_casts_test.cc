// fuse-consecutive-casts (passes/fuse_consecutive_casts.h): a Cast of a lossless Cast reads
// the first one's input (and goes when it casts back to the input's type); lossy first
// Casts (float→int→float, narrowing, float32→float16), casts to string and unknown input
// types are skipped with the reason; the first stays for other readers; ONNX Runtime on
// values where a wrong merge would show.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/pass_test_util.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Nodes;
using pass_test::Parse;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPass[] = "fuse-consecutive-casts";

TEST(FuseConsecutiveCastsPass, AWideningFirstCastIsBypassed) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float16[2] X, int8[2] I) => (int32[2] Y, float[2] Z) {
      a = Cast <to = 1> (X)
      Y = Cast <to = 6> (a)
      b = Cast <to = 6> (I)
      Z = Cast <to = 1> (b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("casts-fused"), 2);
  EXPECT_EQ(result.Stat("nodes-removed"), 2);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Cast(X)->Y", "Cast(I)->Z"));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveCastsPass, CastingBackAfterAWideningRemovesBoth) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      n = Neg(X)
      a = Cast <to = 11> (n)
      b = Cast <to = 1> (a)
      Y = Abs(b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("nodes-removed"), 2);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Neg(X)->n", "Abs(n)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveCastsPass, LossyFirstCastsStay) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X, int32[2] I, int16[2] S) => (float[2] Y, int32[2] Z, float[2] W, float[2] V) {
      a = Cast <to = 7> (X)
      Y = Cast <to = 1> (a)
      b = Cast <to = 3> (I)
      Z = Cast <to = 6> (b)
      c = Cast <to = 10> (X)
      W = Cast <to = 1> (c)
      d = Cast <to = 10> (S)
      V = Cast <to = 1> (d)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result),
              ElementsAre(HasSubstr("the first Cast (float32 to int64) may change values"),
                          HasSubstr("the first Cast (int32 to int8) may change values"),
                          HasSubstr("the first Cast (float32 to float16) may change values"),
                          HasSubstr("the first Cast (int16 to float16) may change values")));
}

TEST(FuseConsecutiveCastsPass, CastsToStringAndUnknownTypesAreSkipped) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "com.vendor" : 1]>
    g (float[2] X) => (string[2] Y, float[2] Z) {
      a = Cast <to = 11> (X)
      Y = Cast <to = 8> (a)
      u = com.vendor.Op(X)
      b = Cast <to = 11> (u)
      Z = Cast <to = 1> (b)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("casts to string are not handled"),
                                         HasSubstr("the first Cast's input type is unknown")));
}

TEST(FuseConsecutiveCastsPass, TheFirstStaysForItsOtherReaders) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (uint8[2] X) => (float[2] Y, int32[2] Z) {
      a = Cast <to = 6> (X)
      Y = Cast <to = 1> (a)
      Z = Neg(a)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Cast(X)->a", "Cast(X)->Y", "Neg(a)->Z"));
  EXPECT_CLEAN(*model);
}

TEST(FuseConsecutiveCastsPass, FusedModelsRunUnderOrt) {
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float16[4] X, int8[4] I, float[4] F) => (int32[4] Y, double[4] Z, float[4] W, uint8[4] V) {
      a = Cast <to = 1> (X)
      Y = Cast <to = 6> (a)
      b = Cast <to = 6> (I)
      Z = Cast <to = 11> (b)
      c = Cast <to = 7> (F)
      W = Cast <to = 1> (c)
      d = Cast <to = 11> (F)
      e = Cast <to = 10> (d)
      V = Cast <to = 2> (e)
    })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {kPass});
}

}  // namespace
}  // namespace onnxkit
