// dedupe-initializers (passes/dedupe_initializers.h):
//  1. equal type, dims and bytes merge into the first; readers follow;
//  2. never across element types or dims, never when a byte differs;
//  3. strings compare element by element;
//  4. graph inputs with defaults and graph outputs are kept (reported);
//  5. only within one graph: a sub-graph's initializer never merges with the main graph's;
//  6. external tensors are compared by their data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/io.h"
#include "passes/pass_test_util.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Names;
using pass_test::Nodes;
using pass_test::Parse;
using pass_test::Skips;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPass[] = "dedupe-initializers";

TEST(DedupeInitializersPass, EqualTensorsMergeIntoTheFirst) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float[2] A = {1.0, 2.0}, float[2] B = {1.0, 2.0},
                                    float[2] C = {1.0, 2.0}> {
      a = Add(X, A)
      b = Add(a, B)
      Y = Add(b, C)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("initializers-merged"), 2);
  EXPECT_EQ(result.Stat("bytes-saved"), 16);
  EXPECT_THAT(Names(model->graph->initializers()), ElementsAre("A"));
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Add(X,A)->a", "Add(a,A)->b", "Add(b,A)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(DedupeInitializersPass, NeverAcrossTypesDimsOrDifferentBytes) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, int32[2] I, float[2,1] R) <float[2] A = {1.0, 2.0},
        float[2] D = {1.0, 3.0}, int32[2] I = {1, 2}, float[2,1] R = {1.0, 2.0}> {
      Y = Add(X, A)
      Z = Add(X, D)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Names(model->graph->initializers()), ElementsAre("A", "D", "I", "R"));
}

TEST(DedupeInitializersPass, StringsCompareByElements) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (string[2] X) => (string[2] Y, string[2] Z, string[2] W)
        <string[2] A = {"ab", "c"}, string[2] B = {"a", "bc"}, string[2] C = {"ab", "c"}> {
      Y = Identity(A)
      Z = Identity(B)
      W = Identity(C)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("initializers-merged"), 1);
  EXPECT_THAT(Names(model->graph->initializers()), ElementsAre("A", "B"));
  EXPECT_CLEAN(*model);
}

TEST(DedupeInitializersPass, InputDefaultsAndOutputsAreKept) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X, float[2] D) => (float[2] Y, float[2] O)
        <float[2] A = {1.0, 2.0}, float[2] D = {1.0, 2.0}, float[2] O = {1.0, 2.0}> {
      a = Add(X, A)
      Y = Add(a, D)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result),
              ElementsAre("main/D: equal to 'A' but kept: it is a graph input's default, which "
                          "callers may override",
                          "main/O: equal to 'A' but kept: it is a graph output"));
}

TEST(DedupeInitializersPass, OnlyWithinOneGraph) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) <float[2] A = {1.0, 2.0}> {
      T = Add(X, A)
      R = If(c) <
        then_branch = t () => (float[2] o) <float[2] B = {1.0, 2.0}, float[2] C = {1.0, 2.0}> {
          p = Add(T, B)
          o = Add(p, C)
        },
        else_branch = e () => (float[2] o2) { o2 = Abs(T) }
      >
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("initializers-merged"), 1);
  EXPECT_THAT(Names(model->graph->initializers()), ElementsAre("A"));
  const Graph& then_branch = *model->graph->last_node()->GetGraph("then_branch");
  EXPECT_THAT(Names(then_branch.initializers()), ElementsAre("B"));
  EXPECT_THAT(Nodes(then_branch), ElementsAre("Add(T,B)->p", "Add(p,B)->o"));
  EXPECT_CLEAN(*model);
}

TEST(DedupeInitializersPass, ExternalTensorsAreComparedByTheirData) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[4] X) => (float[4] Y) <float[4] A = {1.0, 2.0, 3.0, 4.0},
        float[4] B = {1.0, 2.0, 3.0, 4.0}, float[4] C = {1.0, 2.0, 3.0, 5.0}> {
      a = Add(X, A)
      b = Add(a, B)
      Y = Add(b, C)
    })");
  ASSERT_TRUE(model);
  testing::TempDir dir;
  SaveOptions options;
  options.external_data = SaveOptions::ExternalData::kExternal;
  options.size_threshold = 0;
  ASSERT_TRUE(SaveFile(*model, dir / "m.onnx", options).ok());
  auto external = LoadFile(dir / "m.onnx");
  ASSERT_TRUE(external.ok()) << external.status();
  ASSERT_TRUE((*external)->graph->initializers()[1]->initializer()->is_external());

  RUN_PASS_OR_FAIL(result, kPass, **external);
  EXPECT_EQ(result.Stat("initializers-merged"), 1);
  EXPECT_THAT(Names((*external)->graph->initializers()), ElementsAre("A", "C"));
  EXPECT_CLEAN(**external);
}

TEST(DedupeInitializersPass, MergedSubgraphInitializersRunUnderOrt) {
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) <float[2] A = {1.0, 2.0}, float[2] A2 = {1.0, 2.0}> {
      T = Add(X, A)
      U = Mul(T, A2)
      R = If(c) <
        then_branch = t () => (float[2] o) <float[2] B = {5.0, 6.0}, float[2] C = {5.0, 6.0}> {
          p = Add(U, B)
          o = Add(p, C)
        },
        else_branch = e () => (float[2] o2) { o2 = Abs(U) }
      >
    })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {"dedupe-initializers"}, testing::BothBranches());
}

}  // namespace
}  // namespace onnxkit
