// Extract (onnxkit/surgery.h): the sub-model between given tensors.
//  1. only the nodes the outputs need stay, in their order; unused initializers,
//     functions, opset imports and training_info go; inputs and outputs are as asked, in
//     order;
//  2. cut tensors without a declared type get the inferred one;
//  3. reads from sub-graphs (If bodies) count as uses, and so does a branch returning a
//     main-graph tensor as it is; a cut tensor is rewired inside branches too;
//  4. graph inputs with a default that the outputs need stay inputs;
//  5. errors: unknown names, sub-graph tensors, an initializer as input, an unreachable
//     output, a tensor defined nowhere, a cut whose producer must stay, names given twice, a
//     cyclic graph, an input without any type — each leaves the model unchanged;
//  6. a real model (resnet18) cut in the middle: both halves check clean, and under ONNX
//     Runtime the head computes what the whole model computes for the cut tensor, and the
//     tail computes the model's output from it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/io.h"
#include "onnxkit/surgery.h"
#include "passes/pass_test_util.h"
#include "support/corpus_rewrites.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using pass_test::Names;
using pass_test::Nodes;
using pass_test::Parse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> InitializerNames(const Graph& g) { return Names(g.initializers()); }

std::string TypeOf(const Graph& g, std::string_view name) {
  for (const Value* v : g.inputs()) {
    if (v->name() == name) return v->type() ? TypeToString(*v->type()) : "none";
  }
  for (const Value* v : g.outputs()) {
    if (v->name() == name) return v->type() ? TypeToString(*v->type()) : "none";
  }
  return "not an input or output";
}

// Expects `spec` to fail with `code` and a message containing `text`, leaving the model as
// it was (byte for byte).
void ExpectRefused(Model& model, const ExtractSpec& spec, absl::StatusCode code,
                   const std::string& text) {
  auto before = SaveBytes(model);
  ASSERT_TRUE(before.ok());
  auto result = Extract(model, spec);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), code) << result.status();
  EXPECT_THAT(std::string(StatusMessage(result.status())), HasSubstr(text));
  auto after = SaveBytes(model);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*before == *after) << "the model changed";
}

constexpr char kChain[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2,3] X, float[2,3] Z) => (float[2,3] Y)
    <float[3] B = {1.0, 2.0, 3.0}, float[3] C = {4.0, 5.0, 6.0}> {
    a = Add(X, B)
    r = Relu(a)
    n = Neg(r)
    m = Mul(n, Z)
    Y = Add(m, C)
  })";

TEST(Extract, KeepsOnlyTheNodesTheOutputsNeed) {
  auto model = Parse(kChain);
  ASSERT_TRUE(model);
  auto stats = Extract(*model, {{"a"}, {"n"}});
  ASSERT_TRUE(stats.ok()) << stats.status();
  const Graph& g = *model->graph;
  EXPECT_THAT(Nodes(g), ElementsAre("Relu(a)->r", "Neg(r)->n"));
  EXPECT_THAT(Names(g.inputs()), ElementsAre("a"));
  EXPECT_THAT(Names(g.outputs()), ElementsAre("n"));
  EXPECT_THAT(InitializerNames(g), IsEmpty());
  EXPECT_EQ(stats->nodes_removed, 3);
  EXPECT_EQ(stats->initializers_removed, 2);
  EXPECT_THAT(stats->typed_by_inference, ElementsAre("a", "n"));
  EXPECT_EQ(TypeOf(g, "a"), "float32[2,3]");
  EXPECT_EQ(TypeOf(g, "n"), "float32[2,3]");
  EXPECT_CLEAN(*model);
}

TEST(Extract, InputsAndOutputsComeInTheOrderAsked) {
  auto model = Parse(kChain);
  ASSERT_TRUE(model);
  auto stats = Extract(*model, {{"Z", "r"}, {"Y", "n"}});
  ASSERT_TRUE(stats.ok()) << stats.status();
  const Graph& g = *model->graph;
  EXPECT_THAT(Names(g.inputs()), ElementsAre("Z", "r"));
  EXPECT_THAT(Names(g.outputs()), ElementsAre("Y", "n"));
  EXPECT_THAT(Nodes(g), ElementsAre("Neg(r)->n", "Mul(n,Z)->m", "Add(m,C)->Y"));
  EXPECT_THAT(InitializerNames(g), ElementsAre("C"));
  EXPECT_EQ(TypeOf(g, "Z"), "float32[2,3]");  // declared
  EXPECT_THAT(stats->typed_by_inference, ElementsAre("r", "n"));
  EXPECT_CLEAN(*model);
  // What it saves reads back the same.
  auto bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok());
  auto again = LoadBytes(*bytes);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(Nodes(*(*again)->graph), ElementsAre("Neg(r)->n", "Mul(n,Z)->m", "Add(m,C)->Y"));
  EXPECT_EQ(TypeOf(*(*again)->graph, "r"), "float32[2,3]");
}

TEST(Extract, AnInputThatIsAlsoAnOutputPassesThrough) {
  auto model = Parse(kChain);
  ASSERT_TRUE(model);
  auto stats = Extract(*model, {{"r"}, {"r", "n"}});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("r"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("r", "n"));
  EXPECT_EQ(model->graph->inputs()[0], model->graph->outputs()[0]);
  EXPECT_CLEAN(*model);
}

TEST(Extract, AGivenInputNoOutputNeedsStaysAnInput) {
  auto model = Parse(kChain);
  ASSERT_TRUE(model);
  ASSERT_TRUE(Extract(*model, {{"X", "Z"}, {"a"}}).ok());
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("X", "Z"));
  EXPECT_THAT(Nodes(*model->graph), ElementsAre("Add(X,B)->a"));
  EXPECT_CLEAN(*model);
}

TEST(Extract, DeclaredTypesWinAndValueInfoOfNewOutputsGoes) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,3] X) => (float[N,3] Y)
    <float[N,3] a> {
      a = Relu(X)
      Y = Neg(a)
    })");
  ASSERT_TRUE(model);
  auto stats = Extract(*model, {{"X"}, {"a"}});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT(stats->typed_by_inference, IsEmpty());
  EXPECT_EQ(TypeOf(*model->graph, "a"), "float32[N,3]");
  EXPECT_THAT(model->graph->value_info(), IsEmpty());
  EXPECT_CLEAN(*model);
}

TEST(Extract, ReadsFromIfBranchesCount) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) <float[2] W = {1.0, 2.0}, float[2] U = {3.0, 4.0}> {
      t = Neg(X)
      s = Abs(X)
      unused = Mul(X, U)
      R = If(c) <
        then_branch = then_g () => (float[2] o) { o = Add(t, W) },
        else_branch = else_g () => (float[2] p) { p = Identity(s) }>
    })");
  ASSERT_TRUE(model);
  auto stats = Extract(*model, {{"c", "X"}, {"R"}});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT(pass_test::OpTypes(*model->graph), ElementsAre("Neg", "Abs", "If"));
  EXPECT_THAT(InitializerNames(*model->graph), ElementsAre("W"));
  EXPECT_CLEAN(*model);
}

TEST(Extract, ACutInsideTheFedPartOfAnIfIsRewiredInItsBranch) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      t = Neg(X)
      R = If(c) <
        then_branch = then_g () => (float[2] o) { o = Abs(t) },
        else_branch = else_g () => (float[2] p) { p = Identity(t) }>
    })");
  ASSERT_TRUE(model);
  ASSERT_TRUE(Extract(*model, {{"c", "t"}, {"R"}}).ok());
  EXPECT_THAT(pass_test::OpTypes(*model->graph), ElementsAre("If"));
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("c", "t"));
  EXPECT_CLEAN(*model);
}

TEST(Extract, ABranchReturningAnOuterTensorAsItIsCounts) {
  // The else branch returns the main graph's `s` itself: no node of it reads `s`.
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      t = Neg(X)
      s = Abs(X)
      R = If(c) <
        then_branch = then_g () => (float[2] t) { },
        else_branch = else_g () => (float[2] s) { }>
    })");
  ASSERT_TRUE(model);
  ASSERT_TRUE(Extract(*model, {{"c", "X"}, {"R"}}).ok());
  EXPECT_THAT(pass_test::OpTypes(*model->graph), ElementsAre("Neg", "Abs", "If"));
  EXPECT_CLEAN(*model);
}

TEST(Extract, ACutTensorABranchReturnsAsItIsBecomesTheNewInputThere) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      t = Neg(X)
      s = Abs(t)
      R = If(c) <
        then_branch = then_g () => (float[2] o) { o = Relu(s) },
        else_branch = else_g () => (float[2] s) { }>
    })");
  ASSERT_TRUE(model);
  auto stats = Extract(*model, {{"c", "s"}, {"R"}});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT(pass_test::OpTypes(*model->graph), ElementsAre("If"));
  EXPECT_EQ(stats->nodes_removed, 2);
  EXPECT_CLEAN(*model);
}

TEST(Extract, NeededInputsWithADefaultStayInputs) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X, float[2] S, float[2] D) => (float[2] Y) <float[2] S = {2.0, 2.0}, float[2] D = {1.0, 1.0}> {
      m = Mul(X, S)
      Y = Add(m, D)
    })");
  ASSERT_TRUE(model);
  ASSERT_TRUE(Extract(*model, {{"X"}, {"m"}}).ok());
  const Graph& g = *model->graph;
  EXPECT_THAT(Names(g.inputs()), ElementsAre("X", "S"));
  ASSERT_NE(g.inputs()[1]->initializer(), nullptr);  // the default stays
  EXPECT_THAT(InitializerNames(g), ElementsAre("S"));
  EXPECT_CLEAN(*model);
}

TEST(Extract, UncalledFunctionsAndUnusedImportsGo) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) <float[2] a> {
      a = local.Twice(X)
      Y = Relu(a)
    }
    <domain: "local", opset_import: ["" : 17]>
    Twice (x) => (y) { y = Add(x, x) }
  )");
  ASSERT_TRUE(model);
  auto stats = Extract(*model, {{"a"}, {"Y"}});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->functions_removed, 1);
  EXPECT_THAT(model->functions, IsEmpty());
  ASSERT_EQ(model->opset_import.size(), 1u);
  EXPECT_CLEAN(*model);
}

TEST(Extract, FunctionsTheSubModelCallsStay) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] X) => (float[2] Y) {
      a = Relu(X)
      Y = local.Twice(a)
    }
    <domain: "local", opset_import: ["" : 17]>
    Twice (x) => (y) { y = Add(x, x) }
  )");
  ASSERT_TRUE(model);
  ASSERT_TRUE(Extract(*model, {{"a"}, {"Y"}}).ok());
  EXPECT_EQ(model->functions.size(), 1u);
  EXPECT_CLEAN(*model);
}

TEST(Extract, TrainingInfoGoesWithTheMainGraphItReads) {
  auto model = LoadFile((testing::CorpusDir() / "valid-edge/training_info.onnx").string());
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_FALSE((*model)->training_info.empty());
  // The training algorithm reads W and B by name; the sub-model keeps only W.
  auto stats = Extract(**model, {{"X"}, {"H"}});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT((*model)->training_info, IsEmpty());
  EXPECT_THAT(InitializerNames(*(*model)->graph), ElementsAre("W"));
  EXPECT_CLEAN(**model);
}

// --- Errors -------------------------------------------------------------------------------

TEST(ExtractErrors, AnUnknownNameSuggestsTheClosest) {
  auto model = Parse(kChain);
  ASSERT_TRUE(model);
  ExpectRefused(*model, {{"X"}, {"relu"}}, absl::StatusCode::kNotFound, "output 'relu'");
  ExpectRefused(*model, {{"r_"}, {"n"}}, absl::StatusCode::kNotFound, "did you mean 'r'?");
}

TEST(ExtractErrors, ASubGraphTensorIsNamedAsSuch) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      R = If(c) <
        then_branch = then_g () => (float[2] o) { o = Abs(X) },
        else_branch = else_g () => (float[2] p) { p = Neg(X) }>
    })");
  ASSERT_TRUE(model);
  ExpectRefused(*model, {{"c", "X"}, {"o"}}, absl::StatusCode::kNotFound,
                "'o' is a tensor of the sub-graph 'then_branch' of an unnamed If node");
}

TEST(ExtractErrors, AnInitializerIsNoInput) {
  auto model = Parse(kChain);
  ASSERT_TRUE(model);
  ExpectRefused(*model, {{"X", "B"}, {"a"}}, absl::StatusCode::kInvalidArgument,
                "input 'B' is an initializer");
}

TEST(ExtractErrors, AnOutputThatNeedsAMissingInputNamesIt) {
  auto model = Parse(kChain);
  ASSERT_TRUE(model);
  ExpectRefused(*model, {{"r"}, {"Y"}}, absl::StatusCode::kInvalidArgument,
                "output 'Y' cannot be computed from the given inputs ('r'): it needs graph "
                "input 'Z', which is not among them");
}

TEST(ExtractErrors, AnOutputThatNeedsAnUndefinedTensorNamesIt) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      Y = Add(X, ghost)
    })");
  ASSERT_TRUE(model);
  ExpectRefused(*model, {{"X"}, {"Y"}}, absl::StatusCode::kInvalidArgument,
                "it needs 'ghost', which nothing in the model defines");
}

TEST(ExtractErrors, ACutWhoseProducerMustStayIsRefused) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g (float[4] X) => (float[2] P, float[2] Q) {
      P, Q = Split<num_outputs = 2>(X)
    })");
  ASSERT_TRUE(model);
  ExpectRefused(
      *model, {{"X", "P"}, {"P", "Q"}}, absl::StatusCode::kInvalidArgument,
      "input 'P' cannot be cut: an unnamed Split node, which computes it, is needed for output "
      "'Q'");
}

TEST(ExtractErrors, NamesGivenTwiceAndNoOutputs) {
  auto model = Parse(kChain);
  ASSERT_TRUE(model);
  ExpectRefused(*model, {{"X", "X"}, {"a"}}, absl::StatusCode::kInvalidArgument,
                "input 'X' is given twice");
  ExpectRefused(*model, {{"X"}, {"a", "a"}}, absl::StatusCode::kInvalidArgument,
                "output 'a' is given twice");
  ExpectRefused(*model, {{"X"}, {}}, absl::StatusCode::kInvalidArgument, "no outputs given");
}

TEST(ExtractErrors, ACycleIsAProblemOfTheModel) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      p = Add(X, q)
      q = Neg(p)
      Y = Relu(X)
    })");
  ASSERT_TRUE(model);
  ExpectRefused(*model, {{"X"}, {"Y"}}, absl::StatusCode::kFailedPrecondition, "cycle");
}

TEST(ExtractErrors, AnInputWithoutAnyTypeIsAProblemOfTheModel) {
  // Nothing says what `u` is: its producer is a custom op inference knows nothing of.
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "vendor" : 1]>
    g (float[2] X) => (float[2] Y) {
      u = vendor.Mystery(X)
      Y = Neg(u)
    })");
  ASSERT_TRUE(model);
  ExpectRefused(*model, {{"u"}, {"Y"}}, absl::StatusCode::kFailedPrecondition,
                "input 'u' would become a graph input without a type");
}

// --- A real model ---------------------------------------------------------------------------

// resnet18's tensors around its third residual stage: the output of layer2 feeds layer3.
constexpr char kResnetCut[] = "/layer2/layer2.1/relu_1/Relu_output_0";

TEST(ExtractResnet18, BothHalvesCheckCleanAndComputeWhatTheModelComputes) {
  const auto original = testing::ReadableCorpusModel(testing::CorpusDir() / "models/resnet18.onnx");
  auto load = [&] {
    auto m = LoadFile(original.string());
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? std::move(*m) : nullptr;
  };
  auto head = load();
  auto tail = load();
  auto full = load();
  ASSERT_TRUE(head && tail && full);
  const std::string input = head->graph->inputs()[0]->name();
  const std::string output = head->graph->outputs()[0]->name();
  auto head_stats = Extract(*head, {{input}, {kResnetCut}});
  ASSERT_TRUE(head_stats.ok()) << head_stats.status();
  auto tail_stats = Extract(*tail, {{kResnetCut}, {output}});
  ASSERT_TRUE(tail_stats.ok()) << tail_stats.status();
  ASSERT_TRUE(AddOutputs(*full, {kResnetCut}).ok());
  EXPECT_CLEAN(*head);
  EXPECT_CLEAN(*tail);
  // Every node is in exactly one half; each half keeps only its weights.
  EXPECT_EQ(head->graph->node_count() + tail->graph->node_count(), full->graph->node_count());
  EXPECT_EQ(head->graph->initializers().size() + tail->graph->initializers().size(),
            full->graph->initializers().size());
  EXPECT_GT(head_stats->initializers_removed, 0);
  EXPECT_EQ(TypeOf(*tail->graph, kResnetCut), "float32[1,128,28,28]");

  testing::TempDir dir;
  SaveOptions options;
  options.external_data = SaveOptions::ExternalData::kExternal;
  for (auto [model, name] : {std::pair{head.get(), "head.onnx"}, std::pair{tail.get(), "tail.onnx"},
                             std::pair{full.get(), "full.onnx"}}) {
    Status saved = SaveFile(*model, (dir / name).string(), options);
    ASSERT_TRUE(saved.ok()) << saved;
  }
  // Each half, fed the whole model's values of its inputs, computes the whole model's values
  // of its outputs: the head the cut tensor, the tail the model's output.
  for (const char* half : {"head.onnx", "tail.onnx"}) {
    testing::CliResult oracle =
        testing::RunProgram(ONNXKIT_PYTHON, {ONNXKIT_SOURCE_DIR "/tests/surgery/cut_oracle.py",
                                             (dir / "full.onnx").string(), (dir / half).string()});
    EXPECT_EQ(oracle.exit_code, 0) << half << ":\n" << oracle.out << oracle.err;
  }
}

}  // namespace
}  // namespace onnxkit
