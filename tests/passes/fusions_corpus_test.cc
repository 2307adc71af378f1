// The fusion passes on real models, proven by ONNX Runtime: for every model of corpus/models
// (with the weights the corpus_weights fixture writes) and of corpus/valid-edge,
// fuse-bn-into-conv, fuse-add-into-conv, fuse-mul-into-conv, matmul-add-to-gemm and
// fuse-pad-into-conv, each alone and all five in that order, either leave the model alone or
// keep its outputs (support/corpus_rewrites.h). The models each pass fires on are listed: a
// pass that silently stopped firing, or started firing somewhere new, fails here.
//
// The PyTorch exports of corpus/models give these passes almost nothing: an eval-mode export
// already folds BatchNormalization into the Conv and writes Linear layers as Gemm; the Adds and
// Muls after their Convs are residuals and activations of run-time operands, and their MatMuls
// are 3-D and 4-D. The text models of the passes' own tests are where they fire.
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
      {"fuse-bn-into-conv", {"fuse-bn-into-conv"}},
      {"fuse-add-into-conv", {"fuse-add-into-conv"}},
      {"fuse-mul-into-conv", {"fuse-mul-into-conv"}},
      {"matmul-add-to-gemm", {"matmul-add-to-gemm"}},
      {"fuse-pad-into-conv", {"fuse-pad-into-conv"}},
      {"all",
       {"fuse-bn-into-conv", "fuse-add-into-conv", "fuse-mul-into-conv", "matmul-add-to-gemm",
        "fuse-pad-into-conv"}},
  };
  return kRewrites;
}

// The corpus models each pass rewrites (file stems); every other model it must leave alone.
const std::map<std::string, std::vector<std::string>>& Fires() {
  static const std::map<std::string, std::vector<std::string>> kFires = {
      {"fuse-bn-into-conv", {}},
      {"fuse-add-into-conv", {}},
      {"fuse-mul-into-conv", {}},
      // valid-edge/training_info.onnx and valid-edge/external_data/model.onnx: a 2-D MatMul
      // with a constant bias.
      {"matmul-add-to-gemm", {"training_info", "model"}},
      {"fuse-pad-into-conv", {}},
  };
  return kFires;
}

class FusionsCorpus : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(FusionsCorpus, EachPassFiresWhereExpectedAndKeepsTheOutputs) {
  std::vector<std::string> changed_by;
  const std::string stem = GetParam().stem().string();
  ExpectRewritesKeepOutputs(GetParam(), Rewrites(), {"all"}, &changed_by);
  for (const auto& [pass, models] : Fires()) {
    bool expected = std::find(models.begin(), models.end(), stem) != models.end();
    bool fired = std::find(changed_by.begin(), changed_by.end(), pass) != changed_by.end();
    EXPECT_EQ(fired, expected) << pass << (expected ? " did not fire" : " fired unexpectedly");
  }
}

INSTANTIATE_TEST_SUITE_P(Models, FusionsCorpus, ::testing::ValuesIn(CorpusModels()),
                         [](const auto& info) { return CorpusTestName(info.param); });

}  // namespace
}  // namespace onnxkit::testing
