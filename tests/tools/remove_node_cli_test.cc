// onnxkit remove-node: through a pipe; a refused removal exits 1, an unknown node 2; neither
// writes anything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::testing::HasSubstr;

fs::path WriteModel(const TempDir& dir) {
  auto model = LoadBytes(testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      A = Relu(X)
      B = Identity(A)
      Y = Add(A, B)
    })"));
  EXPECT_TRUE(model.ok());
  for (Node* n : (*model)->graph->nodes()) n->name = n->op_type;
  fs::path path = dir / "in.onnx";
  EXPECT_TRUE(SaveFile(**model, path.string()).ok());
  return path;
}

TEST(RemoveNodeCli, RemovesThroughAPipe) {
  TempDir dir;
  auto r = RunCli({"remove-node", "-", "-o", "-", "Identity"}, testing::ReadFile(WriteModel(dir)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto model = LoadBytes(r.out);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->graph->node_count(), 2u);
  EXPECT_EQ((*model)->graph->last_node()->input(1)->name(), "A");
}

TEST(RemoveNodeCli, RefusedExitsOneUnknownExitsTwo) {
  TempDir dir;
  fs::path in = WriteModel(dir);
  fs::path out = dir / "out.onnx";
  auto refused = RunCli({"remove-node", in.string(), "-o", out.string(), "Add"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("in.onnx: remove-node: Add 'Add' reads 2 values"));
  auto unknown = RunCli({"remove-node", in.string(), "-o", out.string(), "Idnetity"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("did you mean 'Identity'?"));
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace onnxkit
