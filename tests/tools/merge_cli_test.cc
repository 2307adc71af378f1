// onnxkit merge: resnet18 cut in two by `onnxkit extract` and merged back computes the
// original's output under ONNX Runtime; either model may come from stdin (not both);
// --connect repeated or comma-separated; prefixes; exit codes (a clash, an unknown name or a
// bad connection is a usage error, 2; disagreeing opsets are a problem of the models, 1) and
// nothing written on an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "onnxkit/io.h"
#include "support/corpus_rewrites.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kFirst[] = R"(
  <ir_version: 8, opset_import: ["" : 15]>
  first (float[2] X) => (float[2] H, float[2] K) {
    H = Relu(X)
    K = Neg(X)
  })";

constexpr char kSecond[] = R"(
  <ir_version: 8, opset_import: ["" : 15]>
  second (float[2] I, float[2] J) => (float[2] Z) {
    Z = Add(I, J)
  })";

std::unique_ptr<Model> LoadOrFail(const std::string& path_or_bytes, bool bytes = false) {
  auto m = bytes ? LoadBytes(path_or_bytes) : LoadFile(path_or_bytes);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *std::move(m) : nullptr;
}

std::vector<std::string> Names(const std::vector<Value*>& values) {
  std::vector<std::string> out;
  for (const Value* v : values) out.push_back(v->name());
  return out;
}

TEST(MergeCli, TwoHalvesOfResnet18MergeBackIntoTheModel) {
  const fs::path original =
      testing::ReadableCorpusModel(testing::CorpusDir() / "models/resnet18.onnx");
  const std::string cut = "/layer2/layer2.1/relu_1/Relu_output_0";
  TempDir dir;
  const std::string head = (dir / "head.onnx").string();
  const std::string tail = (dir / "tail.onnx").string();
  const std::string merged = (dir / "merged.onnx").string();
  auto r =
      RunCli({"extract", original.string(), "-o", head, "--inputs", "input", "--outputs", cut});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"extract", original.string(), "-o", tail, "--inputs", cut, "--outputs", "output"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"merge", head, tail, "-o", merged, "--connect", cut + ":" + cut});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("onnxkit merge: 32 node(s) of the first model, 33 of the second, "
                               "1 connection(s)"));
  auto model = LoadOrFail(merged);
  auto whole = LoadOrFail(original.string());
  ASSERT_TRUE(model && whole);
  EXPECT_EQ(model->graph->node_count(), whole->graph->node_count());
  EXPECT_EQ(model->graph->initializers().size(), whole->graph->initializers().size());
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("input"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("output"));
  auto check = RunCli({"check", merged});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  testing::OrtVerdict verdict = testing::CompareUnderOrt(original, {fs::path(merged)});
  if (verdict.kind == testing::OrtVerdict::Kind::kSkipped) GTEST_SKIP() << verdict.report;
  EXPECT_EQ(verdict.kind, testing::OrtVerdict::Kind::kMatch) << verdict.report;
}

TEST(MergeCli, EitherModelMayComeFromStdin) {
  TempDir dir;
  WriteFile(dir / "first.onnx", testing::ModelFromText(kFirst));
  WriteFile(dir / "second.onnx", testing::ModelFromText(kSecond));
  auto r = RunCli({"merge", (dir / "first.onnx").string(), "-", "-o", "-", "-c", "H:I,K:J"},
                  testing::ModelFromText(kSecond));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto model = LoadOrFail(r.out, true);
  ASSERT_TRUE(model);
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("X"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("Z"));
  r = RunCli({"merge", "-", (dir / "second.onnx").string(), "-o", "-", "-c", "H:I", "-c", "K:J"},
             testing::ModelFromText(kFirst));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto again = LoadOrFail(r.out, true);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->graph->node_count(), 3u);
  auto both = RunCli({"merge", "-", "-", "-o", "-"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("only one of the two models can come from stdin"));
}

TEST(MergeCli, PrefixesTellTheModelsApart) {
  TempDir dir;
  WriteFile(dir / "first.onnx", testing::ModelFromText(kFirst));
  const std::string first = (dir / "first.onnx").string();
  const std::string out = (dir / "out.onnx").string();
  // The model with itself: every name is defined twice.
  auto clash = RunCli({"merge", first, first, "-o", out, "-c", "H:X"});
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_THAT(clash.err, HasSubstr("both models define a tensor named 'H'"));
  EXPECT_THAT(clash.err, HasSubstr("nothing written"));
  EXPECT_FALSE(fs::exists(out));
  auto r = RunCli(
      {"merge", first, first, "-o", out, "-c", "H:X", "--prefix-a", "a_", "--prefix-b", "b_"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto model = LoadOrFail(out);
  ASSERT_TRUE(model);
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("a_X"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("a_K", "b_H", "b_K"));
}

TEST(MergeCli, ErrorsAndExitCodes) {
  TempDir dir;
  WriteFile(dir / "first.onnx", testing::ModelFromText(kFirst));
  WriteFile(dir / "second.onnx", testing::ModelFromText(kSecond));
  WriteFile(dir / "newer.onnx", testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    newer (float[2] I) => (float[2] Z) { Z = Neg(I) })"));
  const std::string first = (dir / "first.onnx").string();
  const std::string out = (dir / "out.onnx").string();
  auto syntax = RunCli({"merge", first, (dir / "second.onnx").string(), "-o", out, "-c", "H"});
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_THAT(syntax.err, HasSubstr("connection 'H' is not OUTPUT:INPUT"));
  auto unknown =
      RunCli({"merge", first, (dir / "second.onnx").string(), "-o", out, "-c", "H:nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("the second model has no input 'nope'"));
  auto opsets = RunCli({"merge", first, (dir / "newer.onnx").string(), "-o", out, "-c", "H:I"});
  EXPECT_EQ(opsets.exit_code, 1);
  EXPECT_THAT(opsets.err, HasSubstr("the first 15, the second 16"));
  const std::string second = (dir / "second.onnx").string();
  auto over = RunCli({"merge", first, second, "-o", second, "-c", "H:I"});
  EXPECT_EQ(over.exit_code, 2);
  EXPECT_THAT(over.err, HasSubstr("is the second model; give --in-place"));
  EXPECT_EQ(testing::ReadFile(second), testing::ModelFromText(kSecond));
  auto missing = RunCli({"merge", first, (dir / "absent.onnx").string(), "-o", out});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("absent.onnx"));
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace onnxkit
