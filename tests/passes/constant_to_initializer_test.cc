// constant-to-initializer (passes/constant_to_initializer.h):
//  1. every form of Constant becomes an initializer of the same name, with that form's
//     type and dims (value, value_float(s), value_int(s), value_string(s), sparse_value);
//  2. a Constant that is a graph output becomes an initializer that is the output;
//  3. a sub-graph's Constant becomes that sub-graph's initializer;
//  refusals: a function body's Constant; the main graph of an IR 3 model.
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

constexpr char kPass[] = "constant-to-initializer";

const Value* Initializer(const Graph& g, std::string_view name) {
  for (const Value* v : g.initializers()) {
    if (v->name() == name) return v;
  }
  return nullptr;
}

TEST(ConstantToInitializerPass, EveryDenseForm) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, float fs, float[2] ffs, int64 i, int64[3] is, string s,
                      string[2] ss) {
      t = Constant <value = float[2] {1.0, 2.0}> ()
      fs = Constant <value_float = 1.5> ()
      ffs = Constant <value_floats = [0.5, 0.25]> ()
      i = Constant <value_int = 7> ()
      is = Constant <value_ints = [1, 2, 3]> ()
      s = Constant <value_string = "a"> ()
      ss = Constant <value_strings = ["b", "c"]> ()
      Y = Add(X, t)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("constants-converted"), 7);
  const Graph& g = *model->graph;
  EXPECT_THAT(Nodes(g), ElementsAre("Add(X,t)->Y"));
  EXPECT_THAT(Names(g.initializers()), ElementsAre("t", "fs", "ffs", "i", "is", "s", "ss"));
  EXPECT_THAT(Initializer(g, "t")->initializer()->dims, ElementsAre(2));
  EXPECT_THAT(Initializer(g, "fs")->initializer()->dims, IsEmpty());
  EXPECT_THAT(Initializer(g, "fs")->initializer()->float_data, ElementsAre(1.5f));
  EXPECT_THAT(Initializer(g, "ffs")->initializer()->float_data, ElementsAre(0.5f, 0.25f));
  EXPECT_THAT(Initializer(g, "i")->initializer()->int64_data, ElementsAre(7));
  EXPECT_THAT(Initializer(g, "is")->initializer()->dims, ElementsAre(3));
  EXPECT_THAT(Initializer(g, "s")->initializer()->string_data, ElementsAre("a"));
  EXPECT_THAT(Initializer(g, "ss")->initializer()->string_data, ElementsAre("b", "c"));
  EXPECT_THAT(Names(g.outputs()), ElementsAre("Y", "fs", "ffs", "i", "is", "s", "ss"));
  EXPECT_CLEAN(*model);
  // It saves and loads back with the same initializers.
  auto bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto again = ir_test::ParseBytes(*bytes);
  ASSERT_TRUE(again);
  EXPECT_THAT(Names(again->graph->initializers()),
              ElementsAre("t", "fs", "ffs", "i", "is", "s", "ss"));
}

TEST(ConstantToInitializerPass, SparseValueBecomesASparseInitializer) {
  auto model = ir_test::ParseBytes(
      testing::ReadFile(testing::CorpusDir() / "valid-edge" / "constant_variants.onnx"));
  ASSERT_TRUE(model);
  size_t constants = model->graph->node_count();
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("constants-converted"), static_cast<int64_t>(constants));
  EXPECT_EQ(model->graph->node_count(), 0u);
  ASSERT_EQ(model->graph->sparse_initializers().size(), 1u);
  EXPECT_TRUE(model->graph->sparse_initializers()[0]->sparse_initializer()->values);
  EXPECT_CLEAN(*model);
}

TEST(ConstantToInitializerPass, SubgraphConstantsBecomeTheSubgraphsInitializers) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      R = If(c) <
        then_branch = t () => (float[2] o) { k = Constant <value_floats = [1.0, 2.0]> () o = Add(X, k) },
        else_branch = e () => (float[2] o2) { o2 = Constant <value_floats = [3.0, 4.0]> () }
      >
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_EQ(result.Stat("constants-converted"), 2);
  const Node* branch = model->graph->last_node();
  EXPECT_THAT(Names(branch->GetGraph("then_branch")->initializers()), ElementsAre("k"));
  EXPECT_THAT(Names(branch->GetGraph("else_branch")->initializers()), ElementsAre("o2"));
  EXPECT_THAT(Names(branch->GetGraph("else_branch")->outputs()), ElementsAre("o2"));
  EXPECT_THAT(model->graph->initializers(), IsEmpty());
  EXPECT_CLEAN(*model);
}

TEST(ConstantToInitializerPass, FunctionBodiesKeepTheirConstants) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) { Y = local.F(X) }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) {
      k = Constant <value_float = 2.0> ()
      y = Mul(x, k)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre("fn:F/#0: a function body has no initializers"));
}

TEST(ConstantToInitializerPass, IrVersion3MainGraphIsRefused) {
  auto model = Parse(R"(
    <ir_version: 3, opset_import: ["" : 8]>
    g (float[2] X) => (float[2] Y) {
      k = Constant <value = float[2] {1.0, 2.0}> ()
      Y = Add(X, k)
    })");
  ASSERT_TRUE(model);
  RUN_PASS_OR_FAIL(result, kPass, *model);
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(Skips(result), ElementsAre(HasSubstr("IR version 3 requires every initializer")));
  EXPECT_CLEAN(*model);
}

TEST(ConstantToInitializerPass, SubgraphInitializersRunUnderOrt) {
  testing::TempDir dir;
  testing::WriteFile(dir / "m.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R, int64[3] S) {
      S = Constant <value_ints = [1, 2, 3]> ()
      R = If(c) <
        then_branch = t () => (float[2] o) { k = Constant <value_floats = [1.0, 2.0]> () o = Add(X, k) },
        else_branch = e () => (float[2] o2) { o2 = Constant <value_floats = [3.0, 4.0]> () }
      >
    })"));
  EXPECT_PASSES_KEEP_OUTPUTS(dir / "m.onnx", {"constant-to-initializer"}, testing::BothBranches());
}

}  // namespace
}  // namespace onnxkit
