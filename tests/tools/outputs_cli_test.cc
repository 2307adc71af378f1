// onnxkit add-output and remove-output: files and '-', --prune, exit codes, and nothing
// written on an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2,3] X) => (float[2,3] Y, float[2,3] Z) <float[3] B = {1.0, 2.0, 3.0}> {
    a = Add(X, B)
    Y = Relu(a)
    c = Neg(X)
    Z = Abs(c)
  })";

std::unique_ptr<Model> FromBytes(const std::string& bytes) {
  auto m = LoadBytes(bytes);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? std::move(*m) : nullptr;
}

std::vector<std::string> Outputs(const Model& model) {
  std::vector<std::string> out;
  for (const Value* v : model.graph->outputs()) {
    out.push_back(v->name() + ":" + (v->type() ? TypeToString(*v->type()) : "none"));
  }
  return out;
}

TEST(AddOutputCli, TensorsBecomeOutputsWithTheirTypes) {
  auto r = RunCli({"add-output", "-", "-o", "-", "a", "c"}, testing::ModelFromText(kModel));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto model = FromBytes(r.out);
  ASSERT_TRUE(model);
  EXPECT_THAT(Outputs(*model),
              ElementsAre("Y:float32[2,3]", "Z:float32[2,3]", "a:float32[2,3]", "c:float32[2,3]"));
}

TEST(AddOutputCli, ReportsWhatItTypedWhenWritingAFile) {
  TempDir dir;
  WriteFile(dir / "in.onnx", testing::ModelFromText(kModel));
  auto r =
      RunCli({"add-output", (dir / "in.onnx").string(), "-o", (dir / "out.onnx").string(), "a"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("onnxkit add-output: 0 node(s), 0 initializer(s), 0 function(s) "
                               "removed; typed by inference: a"));
  EXPECT_TRUE(fs::exists(dir / "out.onnx"));
}

TEST(AddOutputCli, ErrorsAreUsageErrorsAndWriteNothing) {
  TempDir dir;
  const fs::path in = dir / "in.onnx";
  WriteFile(in, testing::ModelFromText(kModel));
  for (const auto& [name, message] : std::vector<std::pair<std::string, std::string>>{
           {"nope", "in.onnx: tensor 'nope': the main graph has no tensor of that name"},
           {"Y", "tensor 'Y' already is an output of the model"}}) {
    auto r = RunCli({"add-output", in.string(), "-o", (dir / "out.onnx").string(), name});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_FALSE(fs::exists(dir / "out.onnx"));
  }
  auto r = RunCli({"add-output", in.string(), "-o", (dir / "out.onnx").string()});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(RemoveOutputCli, KeepsTheNodesUnlessPruned) {
  const std::string model = testing::ModelFromText(kModel);
  auto r = RunCli({"remove-output", "-", "-o", "-", "Z"}, model);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto kept = FromBytes(r.out);
  ASSERT_TRUE(kept);
  EXPECT_THAT(Outputs(*kept), ElementsAre("Y:float32[2,3]"));
  EXPECT_EQ(kept->graph->node_count(), 4u);

  r = RunCli({"remove-output", "-", "-o", "-", "Z", "--prune"}, model);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto pruned = FromBytes(r.out);
  ASSERT_TRUE(pruned);
  EXPECT_THAT(Outputs(*pruned), ElementsAre("Y:float32[2,3]"));
  EXPECT_EQ(pruned->graph->node_count(), 2u);
}

TEST(RemoveOutputCli, ErrorsAreUsageErrorsAndWriteNothing) {
  TempDir dir;
  const fs::path in = dir / "in.onnx";
  WriteFile(in, testing::ModelFromText(kModel));
  for (const auto& [names, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"a"}, "'a' is not an output of the model (its outputs: 'Y', 'Z')"},
           {{"Y", "Z"}, "removing every output would leave a model that computes nothing"}}) {
    std::vector<std::string> args = {"remove-output", in.string(), "-o",
                                     (dir / "out.onnx").string()};
    args.insert(args.end(), names.begin(), names.end());
    auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_FALSE(fs::exists(dir / "out.onnx"));
  }
}

}  // namespace
}  // namespace onnxkit
