// onnxkit set-attr: attributes set through a pipe; usage errors exit 2 and write nothing.
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;

fs::path WriteModel(const TempDir& dir) {
  auto model = LoadBytes(testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[3,2] Y) {
      A = LeakyRelu <alpha = 0.1> (X)
      Y = Transpose <perm = [1, 0]> (A)
    })"));
  EXPECT_TRUE(model.ok());
  (*model)->graph->first_node()->name = "leaky";
  fs::path path = dir / "in.onnx";
  EXPECT_TRUE(SaveFile(**model, path.string()).ok());
  return path;
}

TEST(SetAttrCli, SetsThroughAPipe) {
  TempDir dir;
  auto r = RunCli({"set-attr", WriteModel(dir).string(), "-o", "-", "leaky", "alpha=0.5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto model = LoadBytes(r.out);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->graph->first_node()->GetFloat("alpha"), 0.5f);
}

TEST(SetAttrCli, ErrorsExitTwoAndWriteNothing) {
  TempDir dir;
  fs::path in = WriteModel(dir);
  fs::path out = dir / "out.onnx";
  auto bad_value = RunCli({"set-attr", in.string(), "-o", out.string(), "leaky", "alpha=x"});
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_THAT(bad_value.err, HasSubstr("in.onnx: LeakyRelu 'leaky': attribute 'alpha'"));
  auto syntax = RunCli({"set-attr", in.string(), "-o", out.string(), "leaky", "alpha"});
  EXPECT_EQ(syntax.exit_code, 2);
  auto no_node = RunCli({"set-attr", in.string(), "-o", out.string(), "relu", "alpha=1"});
  EXPECT_EQ(no_node.exit_code, 2);
  EXPECT_THAT(no_node.err, HasSubstr("no node named 'relu'"));
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace onnxkit
