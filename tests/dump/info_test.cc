// What `onnxkit info` promises: counts over the main graph and its sub-graphs, the op
// histogram's order, parameter and byte counts without reading weights, and the CLI.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "onnxkit/dump.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit::testing {
namespace {

using ::testing::HasSubstr;

ModelInfo InfoOf(const std::string& path) {
  auto model = LoadFile(path);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? GetModelInfo(**model) : ModelInfo{};
}

std::string Corpus(const std::string& relative) { return (CorpusDir() / relative).string(); }

TEST(Info, CountsNodesOfSubgraphsAndSaysSo) {
  ModelInfo info = InfoOf(Corpus("valid-edge/if_outer_scope.onnx"));
  EXPECT_EQ(info.node_count, 4);  // If + Sub + Add + Mul
  EXPECT_EQ(info.subgraph_node_count, 3);
  EXPECT_THAT(InfoText(info), HasSubstr("4 (incl. 3 in sub-graphs)"));
}

TEST(Info, SortsTheOpHistogramByCountThenName) {
  ModelInfo info = InfoOf(Corpus("models/srcnn_x3.onnx"));
  ASSERT_EQ(info.op_histogram.size(), 4u);
  EXPECT_EQ(info.op_histogram[0].op, "Conv");
  EXPECT_EQ(info.op_histogram[0].count, 3);
  EXPECT_EQ(info.op_histogram[1].op, "Constant");  // 2, before Relu (2) by name
  EXPECT_EQ(info.op_histogram[2].op, "Relu");
  EXPECT_EQ(info.op_histogram[3].op, "Resize");
}

TEST(Info, QualifiesOpsOutsideTheDefaultDomain) {
  ModelInfo info = InfoOf(Corpus("valid-edge/function_local.onnx"));
  ASSERT_EQ(info.op_histogram.size(), 1u);
  EXPECT_EQ(info.op_histogram[0].op, "local.AddRelu");
  EXPECT_EQ(info.function_count, 1);
  EXPECT_EQ(info.function_node_count, 2);
}

TEST(Info, CountsParametersAndSplitsBytesInlineAndExternal) {
  ModelInfo srcnn = InfoOf(Corpus("models/srcnn_x3.onnx"));
  EXPECT_EQ(srcnn.parameter_count, 64 * 3 * 81 + 64 + 32 * 64 + 32 + 3 * 32 * 25 + 3);
  EXPECT_EQ(srcnn.external_bytes, 0u);

  ModelInfo external = InfoOf(Corpus("valid-edge/external_data/model.onnx"));
  EXPECT_EQ(external.external_bytes, 64u + 16u);
  EXPECT_EQ(external.inline_bytes, 16u);
  EXPECT_EQ(external.external_files, std::vector<std::string>{"weights.bin"});
}

TEST(Info, SetsInitializerBackedInputsApart) {
  ModelInfo info = InfoOf(Corpus("valid-edge/ir3_initializers_as_inputs.onnx"));
  EXPECT_GT(info.initializer_inputs, 0);
  for (const auto& input : info.inputs) EXPECT_NE(input.name, "");
}

TEST(Info, JsonHasTheSameFigures) {
  ModelInfo info = InfoOf(Corpus("models/srcnn_x3.onnx"));
  auto j = nlohmann::json::parse(InfoJson(info));
  EXPECT_EQ(j["ir_version"], 6);
  EXPECT_EQ(j["node_count"], 8);
  EXPECT_EQ(j["parameter_count"], info.parameter_count);
  EXPECT_EQ(j["op_histogram"][0]["op"], "Conv");
  EXPECT_EQ(j["inputs"][0]["type"], "float32[1,3,256,256]");
}

TEST(Info, LargeExternalModelNeedsNoWeights) {
  ModelInfo info = InfoOf((WeightsDir() / "vit_b_16.onnx").string());
  EXPECT_EQ(info.parameter_count, 86495464);
  EXPECT_GT(info.external_bytes, uint64_t{300} << 20);
}

TEST(InfoCli, ExitCodesAndStdin) {
  const std::string path = Corpus("models/srcnn_x3.onnx");
  CliResult from_stdin = RunCli({"info", "-"}, ReadFile(path));
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_EQ(from_stdin.out, RunCli({"info", path}).out);
  CliResult missing = RunCli({"info", "/nonexistent/model.onnx"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("/nonexistent/model.onnx"));
  EXPECT_EQ(RunCli({"info", Corpus("invalid/fmt_random_bytes.onnx")}).exit_code, 1);
  EXPECT_EQ(RunCli({"info", "--format=yaml", path}).exit_code, 2);
}

}  // namespace
}  // namespace onnxkit::testing
