// Diff (onnxkit/diff.h): what it compares, how it pairs nodes, and how it renders.
#include "onnxkit/diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <nlohmann/json.hpp>

#include "ir/ir_test_util.h"
#include "onnxkit/io.h"

namespace onnxkit {
namespace {

using ir_test::Parse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// The diff's entries as the text renderer's lines (without the header and count).
std::vector<std::string> Lines(const Model& a, const Model& b, const DiffOptions& options = {}) {
  auto diff = Diff(a, b, options);
  EXPECT_TRUE(diff.ok()) << diff.status();
  if (!diff.ok()) return {};
  std::vector<std::string> lines;
  std::string text = DiffText(*diff, "a", "b");
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (lines.size() < 3) return {};  // header, header, count: a non-empty diff has all three
  return {lines.begin() + 2, lines.end() - 1};
}

std::vector<std::string> LinesOf(const char* a_text, const char* b_text,
                                 const DiffOptions& options = {}) {
  auto a = Parse(a_text);
  auto b = Parse(b_text);
  if (!a || !b) return {"<parse error>"};
  return Lines(*a, *b, options);
}

constexpr char kChain[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2,3] X) => (float[2,3] Y) <float[3] B = {1.0, 2.0, 3.0}> {
    a = Add(X, B)
    r = Relu(a)
    Y = Neg(r)
  })";

TEST(Diff, AModelEqualsItself) {
  auto a = Parse(kChain);
  auto b = Parse(kChain);
  ASSERT_TRUE(a && b);
  auto diff = Diff(*a, *b);
  ASSERT_TRUE(diff.ok()) << diff.status();
  EXPECT_TRUE(diff->equal());
  EXPECT_EQ(DiffText(*diff, "a", "b"), "");
  auto json = nlohmann::json::parse(DiffJson(*diff, "a", "b"));
  EXPECT_EQ(json["equal"], true);
  EXPECT_TRUE(json["differences"].empty());
}

TEST(Diff, ModelFieldsOpsetsAndMetadata) {
  EXPECT_THAT(
      LinesOf(R"(
      <ir_version: 8, opset_import: ["" : 17, "old" : 1], producer_name: "torch",
       metadata_props: ["k" : "1", "gone" : "x"]>
      g (float[2] X) => (float[2] Y) { Y = Neg(X) })",
              R"(
      <ir_version: 9, opset_import: ["" : 18, "new" : 2], producer_name: "onnxkit",
       metadata_props: ["k" : "2", "fresh" : "y"]>
      g (float[2] X) => (float[2] Y) { Y = Neg(X) })"),
      ElementsAre("~ model ir_version: 8 -> 9", "~ model producer_name: 'torch' -> 'onnxkit'",
                  "~ opset 'ai.onnx': 17 -> 18", "- opset 'old': 1", "+ opset 'new': 2",
                  "~ metadata 'k': 1 -> 2", "- metadata 'gone': x", "+ metadata 'fresh': y"));
}

TEST(Diff, GraphInputsAndOutputsByName) {
  EXPECT_THAT(LinesOf(R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X, float[2] Z, int64[1] gone) => (float[2] Y, float[2] W) {
        Y = Neg(X)
        W = Abs(Z)
      })",
                      R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] Z, float[N] X, float[2] fresh) => (float[2] Y, float[2] W) {
        Y = Neg(X)
        W = Abs(Z)
      })"),
              ElementsAre("~ main: input 'X': type float32[2] -> float32[N]",
                          "- main: input 'gone': int64[1]", "+ main: input 'fresh': float32[2]",
                          "~ main: inputs: order X, Z, gone -> Z, X, fresh"));
}

TEST(Diff, InitializersByNameTypeDimsAndContent) {
  constexpr char kA[] = R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y)
      <float[2] same = {1.0, 2.0}, float[2] changed = {1.0, 2.0}, float[2] reshaped = {1.0, 2.0},
       float[2] gone = {0.0, 0.0}> {
      a = Add(X, same)
      b = Add(a, changed)
      c = Add(b, reshaped)
      Y = Add(c, gone)
    })";
  constexpr char kB[] = R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y)
      <float[2] same = {1.0, 2.0}, float[2] changed = {1.0, 5.0}, float[1,2] reshaped = {1.0, 2.0},
       float[2] fresh = {0.0, 0.0}> {
      a = Add(X, same)
      b = Add(a, changed)
      c = Add(b, reshaped)
      Y = Add(c, fresh)
    })";
  std::vector<std::string> lines = LinesOf(kA, kB);
  ASSERT_EQ(lines.size(), 5u) << ::testing::PrintToString(lines);
  // Small tensors show their values and the hash of their bytes.
  EXPECT_THAT(lines[0], StartsWith("~ main: initializer 'changed': content float32[2] [1,2]"));
  EXPECT_THAT(lines[0], HasSubstr("(fnv1a64:"));
  EXPECT_THAT(lines[0], HasSubstr("-> float32[2] [1,5]"));
  EXPECT_EQ(lines[1], "~ main: initializer 'reshaped': dims [2] -> [1,2]");
  EXPECT_EQ(lines[2], "- main: initializer 'gone': float32[2]");
  EXPECT_EQ(lines[3], "+ main: initializer 'fresh': float32[2]");
  // The node reading the renamed initializer keeps its pairing (same op, same output name).
  EXPECT_EQ(lines[4], "~ main: node '#3' (Add): input 1 'gone' -> 'fresh'");

  DiffOptions no_contents;
  no_contents.tensor_contents = false;
  EXPECT_THAT(LinesOf(kA, kB, no_contents),
              ElementsAre("~ main: initializer 'reshaped': dims [2] -> [1,2]",
                          "- main: initializer 'gone': float32[2]",
                          "+ main: initializer 'fresh': float32[2]",
                          "~ main: node '#3' (Add): input 1 'gone' -> 'fresh'"));
}

TEST(Diff, LargeTensorsAreShownByAStableHash) {
  auto a = Parse(kChain);
  auto b = Parse(kChain);
  ASSERT_TRUE(a && b);
  auto set = [](Model& m, float first) {
    std::vector<float> values(100, 0.5f);
    values[0] = first;
    m.graph->initializers()[0]->mutable_initializer()->dims = {100};
    m.graph->initializers()[0]->mutable_initializer()->SetRawData(Bytes::Copy(
        std::string_view(reinterpret_cast<const char*>(values.data()), values.size() * 4)));
  };
  set(*a, 1.0f);
  set(*b, 2.0f);
  auto first = Diff(*a, *b);
  auto second = Diff(*a, *b);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->entries.size(), 1u);
  const DiffEntry& e = first->entries[0];
  EXPECT_EQ(e.field, "content");
  EXPECT_THAT(e.before, StartsWith("fnv1a64:"));
  EXPECT_EQ(e.before.size(), std::string("fnv1a64:").size() + 16);
  EXPECT_NE(e.before, e.after);
  EXPECT_EQ(e.before, second->entries[0].before);
}

TEST(Diff, ExternalDataIsReadAndCompared) {
  testing::TempDir dir;
  auto write = [&](const std::string& name, float value) {
    auto m = Parse(kChain);
    std::vector<float> values(512, value);
    m->graph->initializers()[0]->mutable_initializer()->dims = {512};
    m->graph->initializers()[0]->mutable_initializer()->SetRawData(Bytes::Copy(
        std::string_view(reinterpret_cast<const char*>(values.data()), values.size() * 4)));
    SaveOptions options;
    options.external_data = SaveOptions::ExternalData::kExternal;
    ASSERT_TRUE(SaveFile(*m, (dir / name).string(), options).ok());
  };
  write("a.onnx", 1.0f);
  write("b.onnx", 1.0f);
  write("c.onnx", 3.0f);
  auto a = LoadFile((dir / "a.onnx").string());
  auto b = LoadFile((dir / "b.onnx").string());
  auto c = LoadFile((dir / "c.onnx").string());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_TRUE((*a)->graph->initializers()[0]->initializer()->is_external());
  auto same = Diff(**a, **b);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_TRUE(same->equal());
  auto differ = Diff(**a, **c);
  ASSERT_TRUE(differ.ok()) << differ.status();
  ASSERT_EQ(differ->entries.size(), 1u);
  EXPECT_EQ(differ->entries[0].field, "content");

  // Data that cannot be read is an error naming the tensor and the model. (A model loaded
  // without checking its references, as `check` loads, may reach the read with one.)
  std::filesystem::remove(dir / "c.onnx.data");
  auto gone = LoadFile((dir / "c.onnx").string(), {.base_dir = "", .check_external_data = false});
  ASSERT_TRUE(gone.ok()) << gone.status();
  auto failed = Diff(**a, **gone);
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.status().message(), HasSubstr("initializer 'B' of the second model"));
}

TEST(Diff, NodesPairedByNameReportAttributeChanges) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("node names");
  EXPECT_THAT(LinesOf(R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[1,1,4,4] X, float[1,1,3,3] W) => (float[1,1,2,2] Y) {
        [conv1] Y = Conv <pads = [0, 0, 0, 0], group = 1> (X, W)
      })",
                      R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[1,1,4,4] X, float[1,1,3,3] W) => (float[1,1,2,2] Y) {
        [conv1] Y = Conv <pads = [1, 1, 1, 1], strides = [2, 2]> (X, W)
      })"),
              ElementsAre("~ main: node 'conv1' (Conv): attribute pads [0,0,0,0] -> [1,1,1,1]",
                          "~ main: node 'conv1' (Conv): attribute group 1 -> (none)",
                          "~ main: node 'conv1' (Conv): attribute strides (none) -> [2,2]"));
}

TEST(Diff, RemovedIdentityAndTheRewiredConsumer) {
  // What eliminate-identity does: the Identity goes, its consumer reads X directly. The
  // consumer is unnamed and its input changed, so it pairs by its output name.
  EXPECT_THAT(LinesOf(R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X) => (float[2] Y) {
        i = Identity(X)
        Y = Relu(i)
      })",
                      R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X) => (float[2] Y) {
        Y = Relu(X)
      })"),
              ElementsAre("- main: node '#0' (Identity): Identity(X) -> i",
                          "~ main: node '#1' (Relu): input 0 'i' -> 'X'"));
}

TEST(Diff, UnnamedNodesPairByStructureWhenOutputsAreRenamed) {
  // Every value renamed (as a re-export would): nodes pair by op and paired inputs, so the
  // report is the renamed outputs and the inserted node, not every node removed and added.
  EXPECT_THAT(LinesOf(R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X) => (float[2] Y) {
        a = Abs(X)
        b = Neg(a)
        Y = Relu(b)
      })",
                      R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X) => (float[2] Y) {
        t0 = Abs(X)
        t1 = Neg(t0)
        t2 = Sigmoid(t1)
        Y = Relu(t1)
      })"),
              ElementsAre("~ main: node '#0' (Abs): output 0 'a' -> 't0'",
                          "~ main: node '#1' (Neg): input 0 'a' -> 't0'",
                          "~ main: node '#1' (Neg): output 0 'b' -> 't1'",
                          "~ main: node '#2' (Relu): input 0 'b' -> 't1'",
                          "+ main: node '#2' (Sigmoid): Sigmoid(t1) -> t2"));
}

TEST(Diff, ARenamedNodePairsByStructureAndReportsItsName) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("node names");
  EXPECT_THAT(LinesOf(R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X) => (float[2] Y) {
        [old] a = Abs(X)
        [r] Y = Relu(a)
      })",
                      R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X) => (float[2] Y) {
        [new] a = Abs(X)
        [r] Y = Relu(a)
      })"),
              ElementsAre("~ main: node 'old' (Abs): name 'old' -> 'new'"));
}

TEST(Diff, AmongEqualCandidatesTheOneWithEqualAttributesPairs) {
  // Two Casts of X; B dropped the first. Pairing by structure prefers equal attributes, so
  // the int64 Cast is the one reported removed, not a changed `to` and a removal.
  EXPECT_THAT(
      LinesOf(R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X) => (int64[2] P, int32[2] Q) {
        P = Cast <to = 7> (X)
        Q = Cast <to = 6> (X)
      })",
              R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X) => (int32[2] Q) {
        Q = Cast <to = 6> (X)
      })"),
      ElementsAre("- main: output 'P': int64[2]", "- main: node '#0' (Cast): Cast(X) -> P"));
}

TEST(Diff, ConstantsPairByTheirValue) {
  // Unnamed Constants all share one structural key (no inputs); their values decide, so a
  // re-export that renamed and reordered them shows the renames, not changed values.
  EXPECT_THAT(LinesOf(R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[1] X) => (float[1] Y) {
        c1 = Constant <value = float[1] {1.0}> ()
        c2 = Constant <value = float[1] {2.0}> ()
        s = Add(X, c1)
        Y = Mul(s, c2)
      })",
                      R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[1] X) => (float[1] Y) {
        k2 = Constant <value = float[1] {2.0}> ()
        k1 = Constant <value = float[1] {1.0}> ()
        s = Add(X, k1)
        Y = Mul(s, k2)
      })"),
              ElementsAre("~ main: node '#0' (Constant): output 0 'c1' -> 'k1'",
                          "~ main: node '#1' (Constant): output 0 'c2' -> 'k2'",
                          "~ main: node '#2' (Add): input 1 'c1' -> 'k1'",
                          "~ main: node '#3' (Mul): input 1 'c2' -> 'k2'"));
}

TEST(Diff, SubGraphsAreComparedWithTheirPath) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("node names");
  constexpr char kIf[] = R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool c, float[2] X) => (float[2] R) {
      [if0] R = If(c) <
        then_branch = then_g () => (float[2] o) { [lr] o = LeakyRelu <alpha = %s> (X) },
        else_branch = else_g () => (float[2] p) { p = Neg(X) }>
    })";
  std::string a = kIf, b = kIf;
  a.replace(a.find("%s"), 2, "0.1");
  b.replace(b.find("%s"), 2, "0.2");
  EXPECT_THAT(LinesOf(a.c_str(), b.c_str()),
              ElementsAre("~ main/if0.then_branch: node 'lr' (LeakyRelu): attribute alpha "
                          "0.1 -> 0.2"));
}

TEST(Diff, TensorAttributesCompareByContent) {
  EXPECT_THAT(LinesOf(R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (int64[1] X) => (int64[1] Y) {
        k = Constant <value = int64[1] {3}> ()
        Y = Add(X, k)
      })",
                      R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (int64[1] X) => (int64[1] Y) {
        k = Constant <value = int64[1] {4}> ()
        Y = Add(X, k)
      })"),
              ElementsAre(::testing::AllOf(
                  StartsWith("~ main: node '#0' (Constant): attribute value content int64[1] [3]"),
                  HasSubstr("-> int64[1] [4]"))));
}

TEST(Diff, FloatAttributesCompareByBits) {
  auto lines = LinesOf(R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X) => (float[2] Y) { Y = LeakyRelu <alpha = 0.0> (X) })",
                       R"(
      <ir_version: 8, opset_import: ["" : 17]>
      g (float[2] X) => (float[2] Y) { Y = LeakyRelu <alpha = -0.0> (X) })");
  EXPECT_THAT(lines, ElementsAre("~ main: node '#0' (LeakyRelu): attribute alpha 0 -> -0"));
}

TEST(Diff, NaNsThatPrintAlikeButDifferInTheirBitsAreReported) {
  constexpr char kLeaky[] = R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) { Y = LeakyRelu <alpha = 0.5> (X) })";
  auto a = Parse(kLeaky);
  auto b = Parse(kLeaky);
  ASSERT_TRUE(a && b);
  a->graph->first_node()->FindAttribute("alpha")->f = std::bit_cast<float>(0x7fc00000u);
  b->graph->first_node()->FindAttribute("alpha")->f = std::bit_cast<float>(0x7fc00001u);
  EXPECT_THAT(Lines(*a, *b), ElementsAre("~ main: node '#0' (LeakyRelu): attribute alpha nan "
                                         "(bits differ) -> nan"));
  b->graph->first_node()->FindAttribute("alpha")->f = std::bit_cast<float>(0x7fc00000u);
  EXPECT_THAT(Lines(*a, *b), IsEmpty());
}

TEST(Diff, StringsCompareByValueNotByTheirText) {
  constexpr char kVendor[] = R"(
    <ir_version: 8, opset_import: ["" : 17, "vendor" : 1]>
    g (float[2] X) => (float[2] Y) { Y = vendor.Op <names = ["a", "b"]> (X) })";
  auto a = Parse(kVendor);
  auto b = Parse(kVendor);
  ASSERT_TRUE(a && b);
  EXPECT_THAT(Lines(*a, *b), IsEmpty());
  // One string whose text, quoted and joined, reads like the two strings of A.
  b->graph->first_node()->FindAttribute("names")->strings = {"a\",\"b"};
  EXPECT_THAT(Lines(*a, *b),
              ElementsAre("~ main: node '#0' (vendor.Op): attribute names [\"a\",\"b\"] "
                          "(differs) -> [\"a\",\"b\"]"));
}

constexpr char kWithFunction[] = R"(
  <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
  g (float[2] a, float[2] b) => (float[2] out) {
    out = local.AddRelu(a, b)
  }
  <domain: "local", opset_import: ["" : 17]>
  AddRelu (x, y) => (z) {
    s = Add(x, y)
    z = %s(s)
  })";

TEST(Diff, FunctionsByPresenceSignatureAndBody) {
  std::string a = kWithFunction, b = kWithFunction;
  a.replace(a.find("%s"), 2, "Relu");
  b.replace(b.find("%s"), 2, "Sigmoid");
  EXPECT_THAT(LinesOf(a.c_str(), b.c_str()),
              ElementsAre("- fn:AddRelu: node '#1' (Relu): Relu(s) -> z",
                          "+ fn:AddRelu: node '#1' (Sigmoid): Sigmoid(s) -> z"));
  std::string none = R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] a, float[2] b) => (float[2] out) {
      out = Add(a, b)
    })";
  EXPECT_THAT(LinesOf(a.c_str(), none.c_str()),
              ElementsAre("- function 'local.AddRelu': local.AddRelu(x, y) -> z",
                          "- main: node '#0' (local.AddRelu): local.AddRelu(a, b) -> out",
                          "+ main: node '#0' (Add): Add(a, b) -> out"));
}

TEST(Diff, JsonListsEveryEntryWithItsFields) {
  auto a = Parse(kChain);
  auto b = Parse(kChain);
  ASSERT_TRUE(a && b);
  b->ir_version = 9;
  auto diff = Diff(*a, *b);
  ASSERT_TRUE(diff.ok());
  auto json = nlohmann::json::parse(DiffJson(*diff, "a.onnx", "b.onnx"));
  EXPECT_EQ(json["a"], "a.onnx");
  EXPECT_EQ(json["equal"], false);
  EXPECT_EQ(json["summary"]["changed"], 1);
  ASSERT_EQ(json["differences"].size(), 1u);
  EXPECT_EQ(json["differences"][0]["kind"], "changed");
  EXPECT_EQ(json["differences"][0]["element"], "model");
  EXPECT_EQ(json["differences"][0]["name"], "ir_version");
  EXPECT_EQ(json["differences"][0]["before"], "8");
  EXPECT_EQ(json["differences"][0]["after"], "9");
  EXPECT_EQ(DiffText(*diff, "a.onnx", "b.onnx"),
            "--- a.onnx\n+++ b.onnx\n~ model ir_version: 8 -> 9\n"
            "1 difference(s): 0 added, 0 removed, 1 changed\n");
}

TEST(Diff, TextEscapesModelStrings) {
  auto a = Parse(kChain);
  auto b = Parse(kChain);
  ASSERT_TRUE(a && b);
  b->producer_name = "evil\n~ forged line";
  auto diff = Diff(*a, *b);
  ASSERT_TRUE(diff.ok());
  EXPECT_THAT(DiffText(*diff, "a", "b"), HasSubstr("'evil\\n~ forged line'"));
}

}  // namespace
}  // namespace onnxkit
