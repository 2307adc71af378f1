// The elimination passes of `simplify` on real models, proven by ONNX Runtime: for every
// model of corpus/models (with the weights the corpus_weights fixture writes) and of
// corpus/valid-edge, each pass alone
//   eliminate-common-subexpressions, eliminate-nop, fuse-consecutive-transposes,
//   fuse-consecutive-reshapes, fuse-consecutive-squeezes, fuse-consecutive-casts,
//   fuse-consecutive-slices
// and all of them in a row followed by eliminate-dead-code, run through the library; the
// result must Verify() and Check() clean (when the original does) and, saved, compute the
// original's outputs under ONNX Runtime (support/ort_oracle.h). A rewrite that changed
// nothing is not run again. A model ONNX Runtime cannot run is skipped with the reason, after
// the Verify/Check part has run.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/corpus_rewrites.h"

namespace onnxkit::testing {
namespace {

const std::vector<Rewrite>& Rewrites() {
  static const std::vector<Rewrite> kRewrites = {
      {"eliminate-common-subexpressions", {"eliminate-common-subexpressions"}},
      {"eliminate-nop", {"eliminate-nop"}},
      {"fuse-consecutive-transposes", {"fuse-consecutive-transposes"}},
      {"fuse-consecutive-reshapes", {"fuse-consecutive-reshapes"}},
      {"fuse-consecutive-squeezes", {"fuse-consecutive-squeezes"}},
      {"fuse-consecutive-casts", {"fuse-consecutive-casts"}},
      {"fuse-consecutive-slices", {"fuse-consecutive-slices"}},
      {"eliminations",
       {"eliminate-common-subexpressions", "eliminate-nop", "fuse-consecutive-transposes",
        "fuse-consecutive-reshapes", "fuse-consecutive-squeezes", "fuse-consecutive-casts",
        "fuse-consecutive-slices", "eliminate-dead-code"}},
  };
  return kRewrites;
}

class EliminationCorpus : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(EliminationCorpus, EachPassAndAllInARowKeepTheOutputs) {
  ExpectRewritesKeepOutputs(GetParam(), Rewrites(), {"eliminations"});
}

INSTANTIATE_TEST_SUITE_P(Models, EliminationCorpus, ::testing::ValuesIn(CorpusModels()),
                         [](const auto& info) { return CorpusTestName(info.param); });

}  // namespace
}  // namespace onnxkit::testing
