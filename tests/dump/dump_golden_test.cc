// Golden-file tests for `onnxkit dump` and `onnxkit info`: each case runs the CLI on a
// corpus model and compares its standard output, byte for byte, with
// tests/golden/dump/<case>.
//
// To accept a deliberate change of the output, rerun with ONNXKIT_UPDATE_GOLDENS=1 in the
// environment: every case then rewrites its golden file instead of comparing, e.g.
//
//   ONNXKIT_UPDATE_GOLDENS=1 ctest --test-dir build -R DumpGolden
//
// and review the difference with `git diff tests/golden/dump`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "onnxkit/version.h"
#include "support/test_support.h"

namespace onnxkit::testing {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  std::string golden;             // file name under tests/golden/dump
  std::string model;              // path below the corpus folder
  std::vector<std::string> args;  // the CLI arguments before the model
  // The default-domain opset whose schemas the output shows; with an older ONNX library
  // the output says "no schema" instead, and the case is skipped.
  int64_t needs_opset = 0;
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.golden; }

fs::path GoldenDir() { return fs::path(ONNXKIT_SOURCE_DIR) / "tests" / "golden" / "dump"; }

bool UpdatingGoldens() {
  const char* update = std::getenv("ONNXKIT_UPDATE_GOLDENS");
  return update != nullptr && std::string(update) == "1";
}

class DumpGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(DumpGolden, OutputMatchesGoldenFile) {
  const GoldenCase& c = GetParam();
  if (c.needs_opset > LinkedOnnxLibrary().max_opset) {
    GTEST_SKIP() << "the linked ONNX library has no schemas for opset " << c.needs_opset;
  }
  std::vector<std::string> args = c.args;
  args.push_back((CorpusDir() / c.model).string());
  CliResult result = RunCli(args);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_TRUE(result.err.empty()) << result.err;

  const fs::path golden = GoldenDir() / c.golden;
  if (UpdatingGoldens()) {
    WriteFile(golden, result.out);
    GTEST_SKIP() << "rewrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; create it with "
                                  << "ONNXKIT_UPDATE_GOLDENS=1";
  EXPECT_EQ(result.out, ReadFile(golden))
      << "output differs from " << golden << "; if the change is intended, rerun with "
      << "ONNXKIT_UPDATE_GOLDENS=1 and review the diff";
}

const std::vector<std::string> kJson = {"dump", "--format=json"};
// An absolute path: CorpusDir() / it is itself.
const std::string kIr10Fields =
    (fs::path(ONNXKIT_SOURCE_DIR) / "tests/data/ir10/ir10_fields.onnx").string();
const std::vector<std::string> kText = {"dump"};

INSTANTIATE_TEST_SUITE_P(
    Corpus, DumpGolden,
    ::testing::Values(
        // The tutorial's SRCNN: Constant inputs of Resize, Conv weights, statistics.
        GoldenCase{"srcnn_x3.txt", "models/srcnn_x3.onnx", kText},
        GoldenCase{"srcnn_x3.json", "models/srcnn_x3.onnx", kJson},
        // Sub-graphs reading outer-scope values and an outer initializer.
        GoldenCase{"if_outer_scope.txt", "valid-edge/if_outer_scope.onnx", kText},
        GoldenCase{"if_outer_scope.json", "valid-edge/if_outer_scope.onnx", kJson},
        GoldenCase{"if_outer_scope_depth0.txt",
                   "valid-edge/if_outer_scope.onnx",
                   {"dump", "--depth", "0"}},
        // A model-local function and its call.
        GoldenCase{"function_local.txt", "valid-edge/function_local.onnx", kText},
        GoldenCase{"function_local.json", "valid-edge/function_local.onnx", kJson},
        // One attribute of every AttributeProto type on a custom-domain node.
        GoldenCase{"attributes_all_types.txt", "valid-edge/attributes_all_types.onnx", kText},
        GoldenCase{"attributes_all_types.json", "valid-edge/attributes_all_types.onnx", kJson},
        // Symbolic and unknown dims in value_info.
        GoldenCase{"value_info_symbolic_dims.txt", "valid-edge/value_info_symbolic_dims.onnx",
                   kText},
        GoldenCase{"value_info_symbolic_dims.json", "valid-edge/value_info_symbolic_dims.onnx",
                   kJson},
        // Every data type in raw_data, with NaN, infinities and integer extremes.
        GoldenCase{"tensors_raw_data.txt", "valid-edge/tensors_raw_data.onnx", kText},
        GoldenCase{"tensors_raw_data.json", "valid-edge/tensors_raw_data.onnx", kJson},
        // Model properties, metadata and doc strings; training graphs; sparse initializers;
        // omitted optional inputs and outputs; external data; an opset libonnx does not know.
        GoldenCase{"metadata.txt", "valid-edge/metadata.onnx", kText},
        GoldenCase{"training_info.txt", "valid-edge/training_info.onnx", kText},
        GoldenCase{"sparse_initializer.txt", "valid-edge/sparse_initializer.onnx", kText},
        GoldenCase{"optional_outputs.txt", "valid-edge/optional_outputs.onnx", kText},
        GoldenCase{"external_data.txt", "valid-edge/external_data/model.onnx", kText},
        GoldenCase{"resize_opset18_axes.txt", "valid-edge/resize_opset18_axes.onnx", kText, 18},
        // IR 10: metadata_props everywhere, overloaded functions and calls, device
        // configurations (tests/data/ir10, outside the corpus).
        GoldenCase{"ir10_fields.txt", kIr10Fields, kText, 21},
        GoldenCase{"ir10_fields.json", kIr10Fields, kJson, 21},
        // Filters and the full listing.
        GoldenCase{"srcnn_x3_op_conv.txt", "models/srcnn_x3.onnx", {"dump", "--op", "Conv"}},
        GoldenCase{"tensors_raw_data_full.txt",
                   "valid-edge/tensors_raw_data.onnx",
                   {"dump", "--initializers=full"}},
        // onnxkit info.
        GoldenCase{"srcnn_x3_info.txt", "models/srcnn_x3.onnx", {"info"}},
        GoldenCase{"srcnn_x3_info.json", "models/srcnn_x3.onnx", {"info", "--format=json"}},
        GoldenCase{"if_outer_scope_info.txt", "valid-edge/if_outer_scope.onnx", {"info"}},
        GoldenCase{"function_local_info.txt", "valid-edge/function_local.onnx", {"info"}}),
    [](const ::testing::TestParamInfo<GoldenCase>& info) {
      std::string name = info.param.golden;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

}  // namespace
}  // namespace onnxkit::testing
