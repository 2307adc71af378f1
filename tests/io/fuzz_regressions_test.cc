// Inputs the fuzzer once crashed on (tests/data/fuzz/, one file per finding, named after
// the defect): each goes through what the fuzz target does — load, check, infer-shapes,
// save — and must come back as a Status or diagnostics. Run under ASan/UBSan by
// scripts/test.sh, where the original failures would show again.
#include <gtest/gtest.h>

#include "onnxkit/check.h"
#include "onnxkit/infer.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;

TEST(FuzzRegressions, EveryRecordedInputIsHandled) {
  fs::path dir = fs::path(ONNXKIT_SOURCE_DIR) / "tests/data/fuzz";
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    SCOPED_TRACE(entry.path().string());
    ++count;
    std::string bytes = testing::ReadFile(entry.path());
    LoadOptions options;
    options.check_external_data = false;
    auto model = LoadBytes(bytes, options);
    if (!model.ok()) {
      EXPECT_FALSE(model.status().message().empty());
      continue;
    }
    Check(**model);
    Diagnostics inferred;
    InferShapes(**model, inferred);
    EXPECT_TRUE(SaveBytes(**model).ok());
  }
  EXPECT_GE(count, 1u);
}

TEST(FuzzRegressions, EmptyPackedFloatDataLoadsAsNoValues) {
  // ModelProto{ir_version 8, graph{initializer{dims [0], data_type FLOAT, float_data
  // packed with 0 bytes, name "W"}}}: the empty packed payload once reached memcpy with a
  // null destination.
  const std::string bytes("\x08\x08\x3a\x0b\x2a\x09\x08\x00\x10\x01\x22\x00\x42\x01W", 15);
  auto model = LoadBytes(bytes);
  ASSERT_TRUE(model.ok()) << model.status();
  const Value* w = (*model)->graph->initializers().at(0);
  EXPECT_EQ(w->name(), "W");
  EXPECT_TRUE(w->initializer()->float_data.empty());
  EXPECT_EQ(w->initializer()->dims, std::vector<int64_t>{0});
}

TEST(FuzzRegressions, AGraphAttributeGivenTwiceIsRefused) {
  // The second 'g' field once replaced a sub-graph that was still waiting to be read.
  auto model = LoadFile(
      (fs::path(ONNXKIT_SOURCE_DIR) / "tests/data/fuzz/graph_attribute_given_twice.onnx").string());
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("two graph ('g') fields"), absl::string_view::npos)
      << model.status();
}

}  // namespace
}  // namespace onnxkit
