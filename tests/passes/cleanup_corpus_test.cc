// The cleanup passes on real models, proven by ONNX Runtime: for every model of
// corpus/models (with the weights the corpus_weights fixture writes) and of
// corpus/valid-edge, each cleanup pass alone and the whole cleanup pipeline
//   constant-to-initializer, eliminate-identity, dedupe-initializers, eliminate-dead-code,
//   topological-sort
// run through the library; the result must Verify() and Check() clean (when the original
// does) and, saved, compute the original's outputs under ONNX Runtime (support/ort_oracle.h).
// A rewrite that changed nothing is not run again. A model ONNX Runtime cannot run is
// skipped with the reason, after the Verify/Check part has run.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/corpus_rewrites.h"

namespace onnxkit::testing {
namespace {

const std::vector<Rewrite>& Rewrites() {
  static const std::vector<Rewrite> kRewrites = {
      {"constant-to-initializer", {"constant-to-initializer"}},
      {"eliminate-identity", {"eliminate-identity"}},
      {"dedupe-initializers", {"dedupe-initializers"}},
      {"eliminate-dead-code", {"eliminate-dead-code"}},
      {"topological-sort", {"topological-sort"}},
      {"pipeline",
       {"constant-to-initializer", "eliminate-identity", "dedupe-initializers",
        "eliminate-dead-code", "topological-sort"}},
  };
  return kRewrites;
}

class CleanupCorpus : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(CleanupCorpus, EachPassAndThePipelineKeepTheOutputs) {
  ExpectRewritesKeepOutputs(GetParam(), Rewrites(), {"pipeline"});
}

INSTANTIATE_TEST_SUITE_P(Models, CleanupCorpus, ::testing::ValuesIn(CorpusModels()),
                         [](const auto& info) { return CorpusTestName(info.param); });

}  // namespace
}  // namespace onnxkit::testing
