// AddOutputs and RemoveOutputs (onnxkit/surgery.h):
//  1. any main-graph tensor becomes an output, in order, with its declared or inferred type;
//     one whose type nothing knows becomes an output without a type;
//  2. adding: unknown names, sub-graph tensors, tensors that already are outputs and names
//     given twice are errors that change nothing;
//  3. removing keeps the nodes by default; --prune removes what only the removed outputs
//     needed (nodes, initializers, functions) and nothing that was unused before;
//  4. removing: an unknown output (the message lists the outputs), a name given twice, and every
//     output are errors that change nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/io.h"
#include "onnxkit/surgery.h"
#include "passes/pass_test_util.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Names;
using pass_test::Nodes;
using pass_test::Parse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string OutputType(const Graph& g, size_t i) {
  const Value* v = g.outputs().at(i);
  return v->type() ? TypeToString(*v->type()) : "none";
}

constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
  g (float[2,3] X) => (float[2,3] Y, float[2,3] Z)
    <float[3] B = {1.0, 2.0, 3.0}, float[3] C = {4.0, 5.0, 6.0}, float[3] Unused = {0.0, 0.0, 0.0}> {
    a = Add(X, B)
    Y = Relu(a)
    b = local.Twice(X)
    c = Mul(b, C)
    Z = Neg(c)
    dead = Abs(X)
  }
  <domain: "local", opset_import: ["" : 17]>
  Twice (x) => (y) { y = Add(x, x) }
  <domain: "local", opset_import: ["" : 17]>
  NeverCalled (x) => (y) { y = Neg(x) }
)";

// Runs `edit`, expecting it to fail with `code` and `text` and to leave the model unchanged.
template <typename Edit>
void ExpectRefused(Model& model, Edit edit, absl::StatusCode code, const std::string& text) {
  auto before = SaveBytes(model);
  ASSERT_TRUE(before.ok());
  auto result = edit(model);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), code) << result.status();
  EXPECT_THAT(std::string(StatusMessage(result.status())), HasSubstr(text));
  auto after = SaveBytes(model);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*before == *after) << "the model changed";
}

TEST(AddOutputs, IntermediateTensorsBecomeOutputsWithInferredTypes) {
  auto model = Parse(kModel);
  ASSERT_TRUE(model);
  auto stats = AddOutputs(*model, {"a", "c", "B", "X"});
  ASSERT_TRUE(stats.ok()) << stats.status();
  const Graph& g = *model->graph;
  EXPECT_THAT(Names(g.outputs()), ElementsAre("Y", "Z", "a", "c", "B", "X"));
  // Inference does not look into model-local functions, so `c` (after a call) stays untyped.
  EXPECT_THAT(stats->typed_by_inference, ElementsAre("a", "B"));
  EXPECT_EQ(OutputType(g, 2), "float32[2,3]");
  EXPECT_EQ(OutputType(g, 3), "none");
  EXPECT_EQ(OutputType(g, 4), "float32[3]");    // the initializer's own type
  EXPECT_EQ(OutputType(g, 5), "float32[2,3]");  // declared
  EXPECT_EQ(stats->nodes_removed, 0);
  EXPECT_EQ(g.node_count(), 6u);
  EXPECT_CLEAN(*model);
}

TEST(AddOutputs, ADeclaredTypeIsKeptAndItsValueInfoEntryGoes) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N] X) => (float[N] Y) <float[N] a> {
      a = Relu(X)
      Y = Neg(a)
    })");
  ASSERT_TRUE(model);
  auto stats = AddOutputs(*model, {"a"});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT(stats->typed_by_inference, IsEmpty());
  EXPECT_EQ(OutputType(*model->graph, 1), "float32[N]");
  EXPECT_THAT(model->graph->value_info(), IsEmpty());
  EXPECT_CLEAN(*model);
}

TEST(AddOutputs, ATensorOfUnknownTypeBecomesAnUntypedOutput) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "vendor" : 1]>
    g (float[2] X) => (float[2] Y) {
      u = vendor.Mystery(X)
      Y = Neg(u)
    })");
  ASSERT_TRUE(model);
  auto stats = AddOutputs(*model, {"u"});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT(stats->typed_by_inference, IsEmpty());
  EXPECT_EQ(OutputType(*model->graph, 1), "none");
}

TEST(AddOutputs, ErrorsChangeNothing) {
  auto model = Parse(kModel);
  ASSERT_TRUE(model);
  auto add = [](std::vector<std::string> names) {
    return [names](Model& m) { return AddOutputs(m, names); };
  };
  ExpectRefused(*model, add({"a", "nope"}), absl::StatusCode::kNotFound,
                "tensor 'nope': the main graph has no tensor of that name");
  ExpectRefused(*model, add({"a", "Y"}), absl::StatusCode::kInvalidArgument,
                "tensor 'Y' already is an output");
  ExpectRefused(*model, add({"a", "a"}), absl::StatusCode::kInvalidArgument,
                "output 'a' is given twice");
  ExpectRefused(*model, add({"x"}), absl::StatusCode::kNotFound,
                "is a tensor of the body of function 'Twice'");
}

TEST(RemoveOutputs, KeepsTheNodesByDefault) {
  auto model = Parse(kModel);
  ASSERT_TRUE(model);
  auto stats = RemoveOutputs(*model, {"Z"});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("Y"));
  EXPECT_EQ(model->graph->node_count(), 6u);
  EXPECT_EQ(model->functions.size(), 2u);
  EXPECT_EQ(stats->nodes_removed, 0);
  EXPECT_CLEAN(*model);
}

TEST(RemoveOutputs, PruneRemovesWhatOnlyThoseOutputsNeeded) {
  auto model = Parse(kModel);
  ASSERT_TRUE(model);
  auto stats = RemoveOutputs(*model, {"Z"}, {.prune = true});
  ASSERT_TRUE(stats.ok()) << stats.status();
  const Graph& g = *model->graph;
  // Abs (dead before), Unused and NeverCalled (unused before) stay.
  EXPECT_THAT(Nodes(g), ElementsAre("Add(X,B)->a", "Relu(a)->Y", "Abs(X)->dead"));
  EXPECT_THAT(Names(g.initializers()), ElementsAre("B", "Unused"));
  ASSERT_EQ(model->functions.size(), 1u);
  EXPECT_EQ(model->functions[0]->name, "NeverCalled");
  EXPECT_EQ(stats->nodes_removed, 3);
  EXPECT_EQ(stats->initializers_removed, 1);
  EXPECT_EQ(stats->functions_removed, 1);
  EXPECT_THAT(Names(g.inputs()), ElementsAre("X"));  // the interface's inputs stay
  EXPECT_CLEAN(*model);
}

TEST(RemoveOutputs, PruneKeepsWhatOtherOutputsStillNeed) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y, float[2] Z) {
      a = Relu(X)
      Y = Neg(a)
      Z = Abs(a)
    })");
  ASSERT_TRUE(model);
  auto stats = RemoveOutputs(*model, {"Z"}, {.prune = true});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Relu(X)->a", "Neg(a)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(RemoveOutputs, PruneFollowsReadsFromSubGraphs) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] Y, float[2] R) {
      t = Neg(X)
      Y = Relu(X)
      R = If(c) <
        then_branch = then_g () => (float[2] o) { o = Abs(t) },
        else_branch = else_g () => (float[2] p) { p = Identity(t) }>
    })");
  ASSERT_TRUE(model);
  ASSERT_TRUE(RemoveOutputs(*model, {"R"}, {.prune = true}).ok());
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Relu(X)->Y"));
  EXPECT_CLEAN(*model);
}

TEST(RemoveOutputs, ErrorsChangeNothing) {
  auto model = Parse(kModel);
  ASSERT_TRUE(model);
  auto remove = [](std::vector<std::string> names) {
    return [names](Model& m) { return RemoveOutputs(m, names, {.prune = true}); };
  };
  ExpectRefused(*model, remove({"a"}), absl::StatusCode::kNotFound,
                "'a' is not an output of the model (its outputs: 'Y', 'Z')");
  ExpectRefused(*model, remove({"Y", "Y"}), absl::StatusCode::kInvalidArgument,
                "output 'Y' is given twice");
  ExpectRefused(*model, remove({"Y", "Z"}), absl::StatusCode::kInvalidArgument,
                "removing every output would leave a model that computes nothing");
}

}  // namespace
}  // namespace onnxkit
