// simplify (onnxkit/simplify.h) on the corpus's small classifiers: the result verifies and
// checks clean, computes what the original computes under ONNX Runtime, and has no more
// nodes than ONNX Runtime's own basic-level optimisation leaves (measured here, by
// onnxruntime writing its optimised model: never a number written into the test).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "onnxkit/simplify.h"
#include "support/corpus_rewrites.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// Writes ONNX Runtime's basic-level optimisation of argv[1] to argv[2] and prints its node
// count (every graph, sub-graphs included).
constexpr char kOrtBasicCount[] = R"(
import sys
import onnx
import onnxruntime as ort
options = ort.SessionOptions()
options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
options.optimized_model_filepath = sys.argv[2]
ort.InferenceSession(sys.argv[1], options, providers=["CPUExecutionProvider"])
model = onnx.load(sys.argv[2], load_external_data=False)
def count(graph):
    total = 0
    for node in graph.node:
        total += 1
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                total += count(a.g)
            for g in a.graphs:
                total += count(g)
    return total
print(count(model.graph))
)";

int64_t NodeCount(const Model& model) {
  int64_t total = 0;
  ForEachGraph(model, [&](const Graph& g) { total += static_cast<int64_t>(g.node_count()); });
  return total;
}

class SimplifyCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(SimplifyCorpus, FewerNodesThanOrtBasicAndTheSameOutputs) {
  const fs::path original =
      testing::ReadableCorpusModel(testing::CorpusDir() / "models" / (GetParam() + ".onnx"));
  TempDir dir;
  auto ort = testing::RunProgram(
      ONNXKIT_PYTHON, {"-c", kOrtBasicCount, original.string(), (dir / "ort.onnx").string()});
  ASSERT_EQ(ort.exit_code, 0) << ort.err;
  const int64_t ort_nodes = std::stoll(ort.out);

  auto model = LoadFile(original.string());
  ASSERT_TRUE(model.ok()) << model.status();
  auto report = Simplify(**model, SimplifyOptions{});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(testing::ModelProblems(**model), "");
  const int64_t nodes = NodeCount(**model);
  std::cout << fmt::format("{}: simplify {} nodes, ONNX Runtime basic {}\n", GetParam(), nodes,
                           ort_nodes);
  EXPECT_LE(nodes, ort_nodes);

  const fs::path simplified = dir / "simplified.onnx";
  SaveOptions save;
  save.external_data = SaveOptions::ExternalData::kExternal;
  ASSERT_TRUE(SaveFile(**model, simplified.string(), save).ok());
  testing::OrtVerdict verdict = testing::CompareUnderOrt(original, {simplified});
  if (verdict.kind == testing::OrtVerdict::Kind::kSkipped) GTEST_SKIP() << verdict.report;
  EXPECT_EQ(verdict.kind, testing::OrtVerdict::Kind::kMatch) << verdict.report;
}

INSTANTIATE_TEST_SUITE_P(Models, SimplifyCorpus,
                         ::testing::Values("resnet18", "mobilenet_v2", "squeezenet1_1",
                                           "shufflenet_v2_x1_0", "mobilenet_v3_small",
                                           "efficientnet_b0"));

}  // namespace
}  // namespace onnxkit
