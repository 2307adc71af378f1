// Merge (onnxkit/merge.h): two models as one, as onnx.compose.merge_models.
//  1. a connection replaces the second model's input by the first model's output: inputs are
//     the first's and the second's unconnected ones, outputs the first's unconnected ones and
//     the second's; initializers, defaults and value_info come along; the result checks clean
//     and computes under ONNX Runtime what one hand-written model computes;
//  2. a connected pair may share its name; an output may feed several inputs;
//  3. prefixes reach every name: tensors, nodes, initializers, value_info, sub-graphs,
//     functions and their calls; connections use the unprefixed names;
//  4. functions of both models are kept; opset imports are combined, ir_version is the max;
//  5. errors, each leaving the first model unchanged: a name both models define (tensor,
//     node, function) without prefixes, a connected pair of different types, unknown names,
//     an input connected twice, different versions of one domain (ai.onnx is the default
//     domain), a second model out of topological order; a bad connection text.
#include "onnxkit/merge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/io.h"
#include "passes/pass_test_util.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Names;
using pass_test::Parse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// First model: two outputs, one initializer.
constexpr char kFirst[] = R"(
  <ir_version: 7, opset_import: ["" : 15]>
  first (float[2,3] X) => (float[2,3] H, float[2,3] K) <float[3] B = {1.0, 2.0, 3.0}> {
    H = Add(X, B)
    K = Neg(X)
  })";

// Second model: reads I (to connect) and J (stays an input), has its own initializer.
constexpr char kSecond[] = R"(
  <ir_version: 8, opset_import: ["" : 15]>
  second (float[2,3] I, float[2,3] J) => (float[2,3] Z) <float[3] C = {0.5, 0.5, 0.5}> {
    m = Mul(I, C)
    Z = Sub(m, J)
  })";

std::vector<std::string> OpTypes(const Graph& g) {
  std::vector<std::string> out;
  for (const Node* n : g.nodes()) out.push_back(n->op_type);
  return out;
}

void ExpectRefused(const char* first, const char* second, const MergeSpec& spec,
                   absl::StatusCode code, const std::string& text) {
  auto a = Parse(first);
  auto b = Parse(second);
  ASSERT_TRUE(a && b);
  auto before = SaveBytes(*a);
  ASSERT_TRUE(before.ok());
  auto merged = Merge(*a, *b, spec);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().code(), code) << merged.status();
  EXPECT_THAT(std::string(StatusMessage(merged.status())), HasSubstr(text));
  auto after = SaveBytes(*a);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*before == *after) << "the first model changed";
}

// --- 1. Connections ------------------------------------------------------------------------

TEST(Merge, AConnectionReplacesTheInputByTheOutput) {
  auto a = Parse(kFirst);
  auto b = Parse(kSecond);
  ASSERT_TRUE(a && b);
  auto stats = Merge(*a, *b, {{{"H", "I"}}});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->nodes_from_a, 2);
  EXPECT_EQ(stats->nodes_from_b, 2);
  EXPECT_EQ(stats->connections, 1);
  const Graph& g = *a->graph;
  EXPECT_THAT(Names(g.inputs()), ElementsAre("X", "J"));
  EXPECT_THAT(Names(g.outputs()), ElementsAre("K", "Z"));
  EXPECT_THAT(Names(g.initializers()), ElementsAre("B", "C"));
  EXPECT_THAT(OpTypes(g), ElementsAre("Add", "Neg", "Mul", "Sub"));
  // The Mul reads the first model's H.
  const Node* mul = g.first_node()->next()->next();
  EXPECT_EQ(mul->input(0)->name(), "H");
  EXPECT_EQ(mul->input(0)->producer(), g.first_node());
  EXPECT_EQ(a->ir_version, 8);
  EXPECT_CLEAN(*a);
}

TEST(Merge, ComputesWhatOneModelComputesUnderOnnxRuntime) {
  auto a = Parse(kFirst);
  auto b = Parse(kSecond);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(Merge(*a, *b, {{{"H", "I"}}}).ok());
  testing::TempDir dir;
  testing::WriteFile(dir / "reference.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    reference (float[2,3] X, float[2,3] J) => (float[2,3] K, float[2,3] Z)
        <float[3] B = {1.0, 2.0, 3.0}, float[3] C = {0.5, 0.5, 0.5}> {
      H = Add(X, B)
      K = Neg(X)
      m = Mul(H, C)
      Z = Sub(m, J)
    })"));
  ASSERT_TRUE(SaveFile(*a, (dir / "merged.onnx").string()).ok());
  testing::OrtVerdict verdict =
      testing::CompareUnderOrt(dir / "reference.onnx", {dir / "merged.onnx"});
  if (verdict.kind == testing::OrtVerdict::Kind::kSkipped) GTEST_SKIP() << verdict.report;
  EXPECT_EQ(verdict.kind, testing::OrtVerdict::Kind::kMatch) << verdict.report;
}

TEST(Merge, DefaultsAndValueInfoComeAlong) {
  auto a = Parse(kFirst);
  auto b = Parse(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    second (float[2,3] I, float[3] D) => (float[2,3] Z) <float[3] D = {1.0, 1.0, 1.0},
                                                         float[3] E = {2.0, 2.0, 2.0}> {
      m = Mul(I, D)
      Z = Add(m, E)
    })");
  ASSERT_TRUE(a && b);
  b->graph->AddValueInfo(b->graph->first_node()->output(0));
  // A connected input with a default loses it; an unconnected one keeps it.
  ASSERT_TRUE(Merge(*a, *b, {{{"H", "I"}}}).ok());
  const Graph& g = *a->graph;
  EXPECT_THAT(Names(g.inputs()), ElementsAre("X", "D"));
  EXPECT_NE(g.inputs()[1]->initializer(), nullptr);
  EXPECT_THAT(Names(g.initializers()), ElementsAre("B", "D", "E"));
  EXPECT_THAT(Names(g.value_info()), ElementsAre("m"));
  EXPECT_CLEAN(*a);
}

// --- 2. Same names, fan-out ------------------------------------------------------------------

TEST(Merge, AConnectedPairMayShareItsName) {
  // What `onnxkit extract` gives for the two halves of a model.
  auto a = Parse(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    head (float[2] X) => (float[2] cut) { cut = Relu(X) })");
  auto b = Parse(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    tail (float[2] cut) => (float[2] Y) { Y = Neg(cut) })");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(Merge(*a, *b, {{{"cut", "cut"}}}).ok());
  EXPECT_THAT(Names(a->graph->inputs()), ElementsAre("X"));
  EXPECT_THAT(Names(a->graph->outputs()), ElementsAre("Y"));
  EXPECT_CLEAN(*a);
}

TEST(Merge, AnOutputMayFeedSeveralInputs) {
  auto a = Parse(kFirst);
  auto b = Parse(kSecond);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(Merge(*a, *b, {{{"H", "I"}, {"H", "J"}}}).ok());
  EXPECT_THAT(Names(a->graph->inputs()), ElementsAre("X"));
  EXPECT_THAT(Names(a->graph->outputs()), ElementsAre("K", "Z"));
  EXPECT_CLEAN(*a);
}

// --- 3. Prefixes ---------------------------------------------------------------------------------

constexpr char kWithBranches[] = R"(
  <ir_version: 8, opset_import: ["" : 15, "local" : 1]>
  g (bool c, float[2] X) => (float[2] Y) {
    t = local.Twice(X)
    Y = If(c) <
      then_branch = th () => (float[2] r) { r = Relu(t) },
      else_branch = el () => (float[2] n) { n = Neg(t) }>
  }
  <domain: "local", opset_import: ["" : 15]>
  Twice (x) => (y) {
    y = Add(x, x)
  })";

TEST(Merge, PrefixesReachEveryName) {
  auto a = Parse(kWithBranches);
  auto b = Parse(kWithBranches);
  ASSERT_TRUE(a && b);
  for (Model* m : {a.get(), b.get()}) {
    m->graph->first_node()->name = "twice";
    m->graph->AddValueInfo(m->graph->first_node()->output(0));
  }
  MergeSpec spec{{{"Y", "X"}}, "a/", "b/"};
  auto stats = Merge(*a, *b, spec);
  ASSERT_TRUE(stats.ok()) << stats.status();
  const Graph& g = *a->graph;
  EXPECT_THAT(Names(g.inputs()), ElementsAre("a/c", "a/X", "b/c"));
  EXPECT_THAT(Names(g.outputs()), ElementsAre("b/Y"));
  EXPECT_THAT(Names(g.value_info()), ElementsAre("a/t", "b/t"));
  std::vector<std::string> node_names;
  std::vector<std::string> calls;
  for (const Node* n : g.nodes()) {
    node_names.push_back(n->name);
    if (n->domain == "local") calls.push_back(n->op_type);
  }
  EXPECT_THAT(node_names, ElementsAre("a/twice", "", "b/twice", ""));
  EXPECT_THAT(calls, ElementsAre("a/Twice", "b/Twice"));
  // Inside the second model's branches too.
  const Node* second_if = g.last_node();
  EXPECT_EQ(second_if->GetGraph("then_branch")->outputs()[0]->name(), "b/r");
  EXPECT_EQ(second_if->GetGraph("then_branch")->first_node()->input(0)->name(), "b/t");
  ASSERT_EQ(a->functions.size(), 2u);
  EXPECT_EQ(a->functions[0]->name, "a/Twice");
  EXPECT_EQ(a->functions[1]->name, "b/Twice");
  EXPECT_CLEAN(*a);
}

// --- 4. Functions, opsets, IR -------------------------------------------------------------------

TEST(Merge, FunctionsOfBothModelsAndTheirOpsetsAreKept) {
  auto a = Parse(kFirst);
  auto b = Parse(R"(
    <ir_version: 8, opset_import: ["ai.onnx" : 15, "local" : 1, "vendor" : 2]>
    second (float[2,3] I) => (float[2,3] Z) {
      t = local.Twice(I)
      Z = vendor.Thing(t)
    }
    <domain: "local", opset_import: ["" : 15]>
    Twice (x) => (y) {
      y = Add(x, x)
    })");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(Merge(*a, *b, {{{"H", "I"}}}).ok());
  ASSERT_EQ(a->functions.size(), 1u);
  EXPECT_EQ(a->functions[0]->name, "Twice");
  EXPECT_EQ(a->OpsetVersion(""), 15);
  EXPECT_EQ(a->OpsetVersion("local"), 1);
  EXPECT_EQ(a->OpsetVersion("vendor"), 2);
  EXPECT_EQ(a->opset_import.size(), 3u);  // ai.onnx is the default domain: listed once
  EXPECT_NE(a->FindFunction(*a->graph->first_node()->next()->next()), nullptr);
}

// --- 5. Errors
// ------------------------------------------------------------------------------------

TEST(Merge, ATensorBothModelsDefineIsAClashUnlessPrefixed) {
  // Both have an input X.
  ExpectRefused(kFirst, R"(
    <ir_version: 8, opset_import: ["" : 15]>
    second (float[2,3] I, float[2,3] X) => (float[2,3] Z) { Z = Sub(I, X) })",
                {{{"H", "I"}}}, absl::StatusCode::kInvalidArgument,
                "both models define a tensor named 'X'");
  auto a = Parse(kFirst);
  auto b = Parse(R"(
    <ir_version: 8, opset_import: ["" : 15]>
    second (float[2,3] I, float[2,3] X) => (float[2,3] Z) { Z = Sub(I, X) })");
  ASSERT_TRUE(a && b);
  auto merged = Merge(*a, *b, {{{"H", "I"}}, "", "s_"});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_THAT(Names(a->graph->inputs()), ElementsAre("X", "s_X"));
}

TEST(Merge, ANodeNameBothModelsUseIsAClash) {
  auto a = Parse(kFirst);
  auto b = Parse(kSecond);
  ASSERT_TRUE(a && b);
  a->graph->first_node()->name = "n0";
  b->graph->first_node()->name = "n0";
  auto merged = Merge(*a, *b, {{{"H", "I"}}});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(StatusMessage(merged.status())),
              HasSubstr("both models have a node named 'n0'"));
}

TEST(Merge, AFunctionBothModelsDefineIsAClash) {
  ExpectRefused(kWithBranches, R"(
    <ir_version: 8, opset_import: ["" : 15, "local" : 1]>
    g2 (float[2] P) => (float[2] Q) { Q = local.Twice(P) }
    <domain: "local", opset_import: ["" : 15]>
    Twice (x) => (y) { y = Add(x, x) })",
                {{{"Y", "P"}}}, absl::StatusCode::kInvalidArgument,
                "both models define the function 'Twice' of domain 'local'");
}

TEST(Merge, AConnectedPairOfDifferentTypesIsAnError) {
  ExpectRefused(kFirst, R"(
    <ir_version: 8, opset_import: ["" : 15]>
    second (int64[2,3] I) => (int64[2,3] Z) { Z = Neg(I) })",
                {{{"H", "I"}}}, absl::StatusCode::kInvalidArgument,
                "output 'H' is float32[2,3] but input 'I' is int64[2,3] (different element "
                "types)");
  ExpectRefused(kFirst, R"(
    <ir_version: 8, opset_import: ["" : 15]>
    second (float[2,4] I) => (float[2,4] Z) { Z = Neg(I) })",
                {{{"H", "I"}}}, absl::StatusCode::kInvalidArgument, "dimension 1 differs");
}

TEST(Merge, UnknownNamesAreNotFound) {
  ExpectRefused(kFirst, kSecond, {{{"nope", "I"}}}, absl::StatusCode::kNotFound,
                "the first model has no output 'nope' (its outputs: 'H', 'K')");
  ExpectRefused(kFirst, kSecond, {{{"H", "nope"}}}, absl::StatusCode::kNotFound,
                "the second model has no input 'nope' (its inputs: 'I', 'J')");
}

TEST(Merge, AnInputConnectedTwiceIsAnError) {
  ExpectRefused(kFirst, kSecond, {{{"H", "I"}, {"K", "I"}}}, absl::StatusCode::kInvalidArgument,
                "connected more than once");
}

TEST(Merge, DifferentVersionsOfOneDomainAreAnError) {
  ExpectRefused(kFirst, R"(
    <ir_version: 8, opset_import: ["ai.onnx" : 17]>
    second (float[2,3] I) => (float[2,3] Z) { Z = Neg(I) })",
                {{{"H", "I"}}}, absl::StatusCode::kFailedPrecondition,
                "different versions of the default domain: the first 15, the second 17");
}

TEST(Merge, ASecondModelOutOfOrderIsRefused) {
  auto b = Parse(kSecond);
  ASSERT_TRUE(b);
  // Move the Sub before the Mul whose output it reads.
  b->graph->last_node()->MoveBefore(b->graph->first_node());
  auto a = Parse(kFirst);
  ASSERT_TRUE(a);
  auto merged = Merge(*a, *b, {{{"H", "I"}}});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(StatusMessage(merged.status())), HasSubstr("reads 'm' before"));
}

TEST(Merge, ParsesConnections) {
  auto plain = ParseConnection("out:in");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, (std::pair<std::string, std::string>{"out", "in"}));
  auto colons = ParseConnection("a:0:b");
  ASSERT_TRUE(colons.ok());
  EXPECT_EQ(colons->first, "a:0");
  EXPECT_EQ(colons->second, "b");
  for (const char* bad : {"out", ":in", "out:"}) {
    EXPECT_EQ(ParseConnection(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace onnxkit
