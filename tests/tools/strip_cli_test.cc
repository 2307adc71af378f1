// onnxkit strip: everything by default, each part by its flag, through pipes; the summary
// goes to stderr.
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

std::string Documented() {
  auto model = LoadBytes(testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) <float[2] G> {
      Y = Relu(X)
    })"));
  EXPECT_TRUE(model.ok());
  (*model)->doc_string = "about";
  (*model)->metadata_props.push_back({"k", "v", {}});
  (*model)->graph->first_node()->doc_string = "relu";
  auto bytes = SaveBytes(**model);
  EXPECT_TRUE(bytes.ok());
  return *bytes;
}

std::unique_ptr<Model> Load(const std::string& bytes) {
  auto model = LoadBytes(bytes);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

TEST(StripCli, EverythingByDefault) {
  auto r = RunCli({"strip", "-", "-o", "-"}, Documented());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("removed 2 doc strings, 1 metadata entries, 1 value_info"));
  auto model = Load(r.out);
  ASSERT_TRUE(model);
  EXPECT_TRUE(model->doc_string.empty());
  EXPECT_TRUE(model->metadata_props.empty());
  EXPECT_TRUE(model->graph->value_info().empty());
}

TEST(StripCli, OnlyWhatIsSelected) {
  auto r = RunCli({"strip", "-", "-o", "-", "--metadata"}, Documented());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto model = Load(r.out);
  ASSERT_TRUE(model);
  EXPECT_EQ(model->doc_string, "about");
  EXPECT_TRUE(model->metadata_props.empty());
  EXPECT_EQ(model->graph->value_info().size(), 1u);
  auto bad = RunCli({"strip", "-", "-o", "-", "--no-such-flag"}, Documented());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(bad.out.empty());
}

}  // namespace
}  // namespace onnxkit
