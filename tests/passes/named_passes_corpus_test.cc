// The passes users ask for by name on real models, proven by ONNX Runtime: for every model
// of corpus/models and corpus/valid-edge, inline-functions, dynamic-scales (with
// keep-default=true, so that the rewritten model runs unfed with the old factor),
// s2d-to-conv and d2s-to-convtranspose, each alone and all four in that order, either leave
// the model alone or keep its outputs (support/corpus_rewrites.h). The models each pass
// must fire on are listed: a pass that silently stopped firing fails here.
// dynamic-scales' own parity with the tutorial (other factors, fed inputs) is
// passes/dynamic_scales_parity.py.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/corpus_rewrites.h"

namespace onnxkit::testing {
namespace {

const std::vector<Rewrite>& Rewrites() {
  static const std::vector<Rewrite> kRewrites = {
      {"inline-functions", {"inline-functions"}},
      {"dynamic-scales", {"dynamic-scales{keep-default=true}"}},
      {"s2d-to-conv", {"s2d-to-conv"}},
      {"d2s-to-convtranspose", {"d2s-to-convtranspose"}},
      {"all",
       {"inline-functions", "dynamic-scales{keep-default=true}", "s2d-to-conv",
        "d2s-to-convtranspose"}},
  };
  return kRewrites;
}

// The corpus models each pass rewrites (file stems); every other model it must leave alone.
const std::map<std::string, std::vector<std::string>>& Fires() {
  static const std::map<std::string, std::vector<std::string>> kFires = {
      {"inline-functions",
       {"funcs_all_modules", "funcs_mlp", "funcs_nested", "function_attr_default_ir9",
        "function_in_if_branch", "function_local", "function_named_like_onnx_op", "function_nested",
        "function_opset_differs", "function_optional_output", "function_ref_attr"}},
      {"dynamic-scales",
       {"srcnn_x3", "srcnn_x3_opset13", "srcnn_x3_opset17", "upsample_nearest_opset9",
        "resize_opset10", "resize_opset13_constant_node", "resize_opset18_axes",
        "two_resizes_same_scales", "upsample_opset9_constant_node"}},
      {"s2d-to-conv",
       {"focus_yolov5", "ffdnet_s2d_reshape", "pixel_unshuffle_shuffle", "space_to_depth_b2",
        "space_to_depth_b3"}},
      {"d2s-to-convtranspose",
       {"pixel_unshuffle_shuffle", "super_resolution_opset10", "super_resolution_opset11",
        "depth_to_space_crd", "depth_to_space_dcr", "depth_to_space_dcr_float16",
        "depth_to_space_default_mode"}},
  };
  return kFires;
}

class NamedPassesCorpus : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(NamedPassesCorpus, EachPassFiresWhereExpectedAndKeepsTheOutputs) {
  std::vector<std::string> changed_by;
  const std::string stem = GetParam().stem().string();
  ExpectRewritesKeepOutputs(GetParam(), Rewrites(), {"all"}, &changed_by);
  for (const auto& [pass, models] : Fires()) {
    bool expected = std::find(models.begin(), models.end(), stem) != models.end();
    bool fired = std::find(changed_by.begin(), changed_by.end(), pass) != changed_by.end();
    EXPECT_EQ(fired, expected) << pass << (expected ? " did not fire" : " fired unexpectedly");
  }
}

INSTANTIATE_TEST_SUITE_P(Models, NamedPassesCorpus, ::testing::ValuesIn(CorpusModels()),
                         [](const auto& info) { return CorpusTestName(info.param); });

}  // namespace
}  // namespace onnxkit::testing
