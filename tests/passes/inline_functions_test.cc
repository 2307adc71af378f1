// inline-functions:
//  1. a call becomes the body's nodes; the graph output keeps the call's output name, and
//     the function and its domain's import go;
//  2. attributes follow `ref_attr_name`: the call's value, else the function's default,
//     else the attribute is dropped;
//  3. nested calls (a function calling another) and calls inside sub-graphs are inlined;
//  4. a function returning its input as it is keeps the call's output name (an Identity);
//  5. opset imports: a missing one is added, another version refuses with a reason;
//  6. recursion is an error naming the cycle, and the model is unchanged;
//  7. options: only some functions; keep-definitions;
//  8. the corpus exports with local functions come out with no function and check clean.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "passes/pass_test_util.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using ir_test::Parse;
using pass_test::OpTypes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

StatusOr<PassResult> Inline(Model& model,
                            const std::vector<std::pair<std::string, std::string>>& options = {}) {
  return pass_test::RunPass("inline-functions", model, options);
}

constexpr const char* kAddRelu = R"(
  <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
  g (float[2] a, float[2] b) => (float[2] out) {
    out = local.AddRelu(a, b)
  }
  <domain: "local", opset_import: ["" : 17]>
  AddRelu (x, y) => (z) {
    s = Add(x, y)
    z = Relu(s)
  })";

TEST(InlineFunctions, ACallBecomesTheBodyAndTheOutputKeepsItsName) {
  auto model = Parse(kAddRelu);
  auto result = Inline(*model);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->changed);
  EXPECT_EQ(result->Stat("calls-inlined"), 1);
  EXPECT_EQ(result->Stat("functions-removed"), 1);
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Add", "Relu"));
  EXPECT_EQ(model->graph->outputs()[0]->name(), "out");
  EXPECT_EQ(model->graph->outputs()[0]->producer()->op_type, "Relu");
  EXPECT_TRUE(model->functions.empty());
  EXPECT_FALSE(model->OpsetVersion("local"));
  EXPECT_EQ(model->graph->first_node()->input(0)->name(), "a");
  EXPECT_CLEAN(*model);
}

TEST(InlineFunctions, ADeclaredCallResultStaysDeclared) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] a, float[2] b) => (float[2] out) <float[2] h> {
      h = local.AddRelu(a, b)
      out = Neg(h)
    }
    <domain: "local", opset_import: ["" : 17]>
    AddRelu (x, y) => (z) {
      s = Add(x, y)
      z = Relu(s)
    })");
  ASSERT_TRUE(model);
  ASSERT_EQ(model->graph->value_info().size(), 1u);
  ASSERT_TRUE(Inline(*model).ok());
  ASSERT_EQ(model->graph->value_info().size(), 1u);
  const Value* h = model->graph->value_info()[0];
  EXPECT_EQ(h->name(), "h");
  EXPECT_EQ(h->producer()->op_type, "Relu");
  EXPECT_EQ(TypeToString(*h->type()), "float32[2]");
  EXPECT_CLEAN(*model);
}

TEST(InlineFunctions, NodeNamesSayWhereTheyCameFrom) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] a) => (float[2] out) {
      out = local.F(a)
    }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (z) {
      z = Relu(x)
    })");
  model->graph->first_node()->name = "call0";
  model->functions[0]->body->first_node()->name = "inner";
  ASSERT_TRUE(Inline(*model).ok());
  EXPECT_EQ(model->graph->first_node()->name, "call0/inner");
}

constexpr const char* kAttributes = R"(
  <ir_version: 9, opset_import: ["" : 17, "local" : 1]>
  g (float[2] a) => (float[2] given, float[2] defaulted, float[2] unset) {
    given = local.Leaky<alpha = 0.25>(a)
    defaulted = local.LeakyDefault(a)
    unset = local.Leaky(a)
  }
  <domain: "local", opset_import: ["" : 17]>
  Leaky <alpha> (x) => (y) {
    y = LeakyRelu<alpha: float = @alpha>(x)
  }
  <domain: "local", opset_import: ["" : 17]>
  LeakyDefault <alpha> (x) => (y) {
    y = LeakyRelu<alpha: float = @alpha>(x)
  })";

// Gives LeakyDefault's `alpha` the default 0.5 (IR 9's attribute_proto), in code: the text
// parser of ONNX 1.12 has no syntax for attribute defaults.
void GiveAlphaADefault(Model& model) {
  for (auto& fn : model.functions) {
    if (fn->name != "LeakyDefault") continue;
    fn->attributes.clear();
    fn->attribute_defaults.push_back(Attribute::Float("alpha", 0.5f));
  }
}

TEST(InlineFunctions, AttributesFollowTheCallThenTheDefaultElseAreDropped) {
  auto model = Parse(kAttributes);
  ASSERT_TRUE(model);
  GiveAlphaADefault(*model);
  ASSERT_TRUE(Inline(*model).ok());
  ASSERT_EQ(model->graph->node_count(), 3u);
  const Node* given = model->graph->outputs()[0]->producer();
  const Node* defaulted = model->graph->outputs()[1]->producer();
  const Node* unset = model->graph->outputs()[2]->producer();
  EXPECT_EQ(given->GetFloat("alpha"), 0.25f);
  EXPECT_EQ(defaulted->GetFloat("alpha"), 0.5f);
  EXPECT_EQ(unset->FindAttribute("alpha"), nullptr);
  for (const Node* n : model->graph->nodes()) {
    for (const Attribute& a : n->attributes) EXPECT_TRUE(a.ref_attr_name.empty());
  }
  EXPECT_CLEAN(*model);
}

TEST(InlineFunctions, NestedCallsAndCallsInSubgraphsAreInlined) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (bool c, float[2] a) => (float[2] out, float[2] branch) {
      out = local.Outer(a)
      branch = If(c) <
        then_branch = t () => (float[2] p) { p = local.Outer(a) },
        else_branch = e () => (float[2] q) { q = Neg(a) }>
    }
    <domain: "local", opset_import: ["" : 17, "local" : 1]>
    Outer (x) => (y) {
      h = local.Inner(x)
      y = Abs(h)
    }
    <domain: "local", opset_import: ["" : 17]>
    Inner (x) => (y) {
      y = Relu(x)
    })");
  auto result = Inline(*model);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Relu", "Abs", "If"));
  const Graph* then_branch = model->graph->last_node()->GetGraph("then_branch");
  EXPECT_THAT(OpTypes(*then_branch), ElementsAre("Relu", "Abs"));
  EXPECT_EQ(then_branch->outputs()[0]->name(), "p");
  EXPECT_TRUE(model->functions.empty());
  EXPECT_CLEAN(*model);
}

TEST(InlineFunctions, AFunctionReturningItsInputKeepsTheCallsOutputName) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] a) => (float[2] out, float[2] twice) {
      out, twice = local.Pass(a)
    }
    <domain: "local", opset_import: ["" : 17]>
    Pass (x) => (x, r) {
      r = Relu(x)
    })");
  ASSERT_TRUE(model);
  ASSERT_TRUE(Inline(*model).ok());
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Relu", "Identity"));
  EXPECT_EQ(model->graph->outputs()[0]->name(), "out");
  EXPECT_EQ(model->graph->outputs()[1]->name(), "twice");
  EXPECT_CLEAN(*model);
}

TEST(InlineFunctions, AMissingImportIsAddedAnotherVersionRefuses) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] a) => (float[2] out, float[2] other) {
      out = local.UsesCustom(a)
      other = local.OldOpset(a)
    }
    <domain: "local", opset_import: ["" : 17, "com.example" : 2]>
    UsesCustom (x) => (y) {
      y = com.example.Frob(x)
    }
    <domain: "local", opset_import: ["" : 13]>
    OldOpset (x) => (y) {
      y = Relu(x)
    })");
  auto result = Inline(*model);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(model->OpsetVersion("com.example"), 2);
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Frob", "OldOpset"));
  ASSERT_EQ(result->skipped.size(), 1u);
  EXPECT_THAT(result->skipped[0].reason,
              HasSubstr("version 13, where it is called version 17, and Relu differs"));
  // The refused function is still called, so it stays; so does its domain's import.
  ASSERT_EQ(model->functions.size(), 1u);
  EXPECT_EQ(model->functions[0]->name, "OldOpset");
  EXPECT_EQ(model->OpsetVersion("local"), 1);
}

TEST(InlineFunctions, AnotherVersionWhoseOpsAreTheSameIsReconciled) {
  // Add and Mul have the same schema at opsets 14 and 17 (Add-14, Mul-14).
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] a) => (float[2] out) {
      out = local.AddMul(a)
    }
    <domain: "local", opset_import: ["" : 14]>
    AddMul (x) => (y) {
      s = Add(x, x)
      y = Mul(s, x)
    })");
  auto result = Inline(*model);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->skipped.empty());
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Add", "Mul"));
  EXPECT_CLEAN(*model);
}

TEST(InlineFunctions, RecursionIsAnErrorNamingTheCycleAndChangesNothing) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] a) => (float[2] out) {
      out = local.A(a)
    }
    <domain: "local", opset_import: ["" : 17, "local" : 1]>
    A (x) => (y) {
      y = local.B(x)
    }
    <domain: "local", opset_import: ["" : 17, "local" : 1]>
    B (x) => (y) {
      y = local.A(x)
    })");
  std::string before = *SaveBytes(*model);
  auto result = Inline(*model);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("local.A -> local.B -> local.A"));
  EXPECT_EQ(*SaveBytes(*model), before);
}

TEST(InlineFunctions, OnlyTheNamedFunctionsAndKeepDefinitions) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] a) => (float[2] out) {
      h = local.F(a)
      out = local.G(h)
    }
    <domain: "local", opset_import: ["" : 17]>
    F (x) => (y) { y = Relu(x) }
    <domain: "local", opset_import: ["" : 17]>
    G (x) => (y) { y = Abs(x) })");
  ASSERT_TRUE(Inline(*model, {{"functions", "G"}}).ok());
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("F", "Abs"));
  ASSERT_EQ(model->functions.size(), 1u);
  EXPECT_EQ(model->functions[0]->name, "F");

  ASSERT_TRUE(Inline(*model, {{"keep-definitions", "true"}}).ok());
  EXPECT_THAT(OpTypes(*model->graph), ElementsAre("Relu", "Abs"));
  EXPECT_EQ(model->functions.size(), 1u);
  EXPECT_CLEAN(*model);
}

TEST(InlineFunctions, NothingToInlineChangesNothing) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] a) => (float[2] out) { out = Relu(a) })");
  auto result = Inline(*model);
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->changed);
}

TEST(InlineFunctions, CorpusExportsComeOutWithoutFunctionsAndCheckClean) {
  int inlined = 0;
  for (const char* name : {"funcs_mlp.onnx", "funcs_nested.onnx", "funcs_all_modules.onnx"}) {
    SCOPED_TRACE(name);
    auto model = LoadFile((testing::CorpusDir() / "models" / name).string());
    ASSERT_TRUE(model.ok()) << model.status();
    auto result = Inline(**model);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE((*model)->functions.empty());
    for (const Node* n : (*model)->graph->nodes()) {
      EXPECT_EQ((*model)->FindFunction(n->domain, n->op_type), nullptr) << n->op_type;
    }
    EXPECT_CLEAN(**model);
    inlined += static_cast<int>(result->Stat("calls-inlined"));
  }
  EXPECT_GT(inlined, 0);
}

}  // namespace
}  // namespace onnxkit

namespace onnxkit {
namespace {

// The valid-edge function cases: every call is inlined or refused with a reason, and the
// result checks clean.
TEST(InlineFunctions, ValidEdgeFunctionCases) {
  for (const auto& path : testing::OnnxFilesUnder(testing::CorpusDir() / "valid-edge")) {
    if (path.filename().string().rfind("function_", 0) != 0) continue;
    SCOPED_TRACE(path.filename().string());
    auto model = LoadFile(path.string());
    ASSERT_TRUE(model.ok()) << model.status();
    auto result = Inline(**model);
    ASSERT_TRUE(result.ok()) << result.status();
    for (const SkippedCandidate& s : result->skipped) {
      std::cout << path.filename().string() << ": " << s.where << ": " << s.reason << "\n";
    }
    size_t calls = 0;
    ForEachGraph(**model, [&](const Graph& g) {
      for (const Node* n : g.nodes())
        calls += (*model)->FindFunction(n->domain, n->op_type) != nullptr;
    });
    EXPECT_EQ(calls, result->skipped.size());
    EXPECT_CLEAN(**model);
  }
}

}  // namespace
}  // namespace onnxkit
