// InferShapes writes the same bytes on every run (the model is updated in the order the
// types were found, never in a hash map's order, which changes from process to process),
// declares new values in node order, writes what the engine's InferModel writes, and types
// every value of a long chain.
#include <gtest/gtest.h>

#include "onnxkit/check.h"
#include "onnxkit/infer.h"
#include "onnxkit/io.h"
#include "support/chain_model.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using testing::CorpusDir;
using testing::TempDir;

TEST(InferShapes, SameBytesOnEveryRun) {
  TempDir dir;
  const std::string model = (CorpusDir() / "models/focus_yolov5.onnx").string();
  std::string first;
  for (int run = 0; run < 4; ++run) {
    const std::string out = (dir / ("out" + std::to_string(run) + ".onnx")).string();
    auto r = testing::RunCli({"infer-shapes", model, "-o", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string bytes = testing::ReadFile(out);
    if (run == 0) {
      first = bytes;
    } else {
      EXPECT_TRUE(bytes == first) << "run " << run << " wrote different bytes";
    }
  }
}

// The names of `g`'s node outputs in node order, keeping those in `subset`.
std::vector<std::string> NodeOrder(const Graph& g, const std::vector<Value*>& subset) {
  std::vector<std::string> out;
  for (const Node* n : g.nodes()) {
    for (const Value* v : n->outputs()) {
      if (v && std::find(subset.begin(), subset.end(), v) != subset.end()) {
        out.push_back(v->name());
      }
    }
  }
  return out;
}

TEST(InferShapes, DeclaresNewValuesInNodeOrder) {
  auto model = LoadFile((CorpusDir() / "models/focus_yolov5.onnx").string());
  ASSERT_TRUE(model.ok()) << model.status();
  const Graph& g = *(*model)->graph;
  const size_t declared_before = g.value_info().size();
  Diagnostics diagnostics;
  InferStats stats = InferShapes(**model, diagnostics);
  EXPECT_FALSE(diagnostics.has_errors());
  ASSERT_GT(g.value_info().size(), declared_before + 10);
  EXPECT_GE(stats.values_typed, g.value_info().size() - declared_before);
  std::vector<Value*> added(g.value_info().begin() + declared_before, g.value_info().end());
  std::vector<std::string> names;
  for (const Value* v : added) names.push_back(v->name());
  EXPECT_EQ(names, NodeOrder(g, added));
}

TEST(InferShapes, WritesWhatTheEngineWrites) {
  // InferShapes is the engine (InferModel) reported with the checker's codes: on a model
  // without problems both leave the same bytes.
  const std::string path = (CorpusDir() / "models/focus_yolov5.onnx").string();
  auto reported = LoadFile(path);
  auto plain = LoadFile(path);
  ASSERT_TRUE(reported.ok() && plain.ok());
  Diagnostics diagnostics;
  InferStats stats = InferShapes(**reported, diagnostics);
  InferResult result = InferModel(**plain);
  EXPECT_FALSE(diagnostics.has_errors());
  EXPECT_TRUE(result.ok());
  EXPECT_GT(result.values_typed, 10u);
  EXPECT_EQ(stats.values_typed, result.values_typed);
  auto a = SaveBytes(**reported);
  auto b = SaveBytes(**plain);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a == *b);
}

TEST(InferShapes, TypesEveryValueOfALongChain) {
  constexpr int kLength = 20000;
  auto chain = testing::UnaryChain(
      kLength, "v", Type::Tensor(DataType::kFloat, {Dim::Value(3), Dim::Param("N")}));
  Model& m = *chain;
  Diagnostics diagnostics;
  InferStats stats = InferShapes(m, diagnostics);
  EXPECT_FALSE(diagnostics.has_errors());
  EXPECT_EQ(stats.values_typed, static_cast<size_t>(kLength));
  ASSERT_EQ(m.graph->value_info().size(), static_cast<size_t>(kLength - 1));
  EXPECT_EQ(m.graph->value_info().front()->name(), "v0");
  EXPECT_EQ(m.graph->value_info().back()->name(), "v" + std::to_string(kLength - 2));
  const Value* last = m.graph->outputs().back();
  ASSERT_NE(last->type(), nullptr);
  EXPECT_EQ(TypeToString(*last->type()), "float32[3,N]");
}

}  // namespace
}  // namespace onnxkit
