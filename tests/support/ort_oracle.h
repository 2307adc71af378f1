// ONNX Runtime as the oracle of the pass tests: a rewritten model must compute what the
// original computes. The comparison itself is tests/support/ort_oracle.py (seeded inputs,
// every ORT graph optimisation off, every output compared by name); this header runs it, and
// rewrites a model with built-in passes first, so that a pass's oracle test is one line:
//
//   TEST(FoldConstantsPass, KeepsOutputs) {
//     EXPECT_PASSES_KEEP_OUTPUTS(testing::WeightsDir() / "resnet18.onnx", {"fold-constants"});
//   }
//
// A model ONNX Runtime cannot run (an operator it lacks, random operators, inputs the oracle
// cannot make) is a skipped test with the reason, never a pass.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/pass.h"
#include "onnxkit/status.h"

namespace onnxkit::testing {

struct OrtOracleOptions {
  uint64_t seed = 0;
  // Input sets to compare on (seeds seed, seed+1, …): more than one reaches both branches of
  // an If on a random condition.
  int runs = 1;
  double rtol = 1e-4;
  double atol = 1e-5;
  // Size of symbolic and unknown dims, and of particular symbols.
  int dim_size = 2;
  std::vector<std::pair<std::string, int>> dims;
  // Inputs given outright (name, "v,v,…"), for graphs that need particular values.
  std::vector<std::pair<std::string, std::string>> inputs;
};

struct OrtVerdict {
  enum class Kind {
    kMatch,     // every rewritten model computes the original's outputs
    kMismatch,  // some does not, or does not run
    kSkipped,   // the original cannot run under ONNX Runtime here (the report says why)
    kError,     // the oracle itself failed (not installed, bad arguments)
  };
  Kind kind = Kind::kError;
  std::string report;  // the oracle's output
};

// Four input sets (seeds 0 to 3): a bool generated first (the condition of an If, as the
// model's first input) is then false, false, true, true, so both branches run.
OrtOracleOptions BothBranches();

// Runs the oracle: `original` against each of `rewritten`, in one process (the original runs
// once).
OrtVerdict CompareUnderOrt(const std::filesystem::path& original,
                           const std::vector<std::filesystem::path>& rewritten,
                           const OrtOracleOptions& options = {});

// Runs the built-in passes of `pipeline`, in order, on `model`: each entry is one pipeline
// step, a name with its options if any ("dynamic-scales{keep-default=true}"), through
// passes::BuiltinPassTable()'s factories. The results, one per pass.
StatusOr<std::vector<PassResult>> RunBuiltinPasses(Model& model,
                                                   const std::vector<std::string>& pipeline);

// Verify() on every graph of `model` and Check()'s errors, as one text ("" when clean).
std::string ModelProblems(const Model& model);

// Loads `model_path`, runs `pipeline` on it (RunBuiltinPasses), requires the result to verify
// and check clean, saves it (weights of 1 KiB and more to a side file) into a temporary
// folder and compares it with the original under ONNX Runtime. A failure before the oracle
// is a kError verdict saying what failed.
OrtVerdict RewriteAndCompareUnderOrt(const std::filesystem::path& model_path,
                                     const std::vector<std::string>& pipeline,
                                     const OrtOracleOptions& options = {});

}  // namespace onnxkit::testing

// Expects the built-in passes `pipeline` (a braced list of names) to keep the outputs of the
// model at `model_path` under ONNX Runtime; skips the test when the model cannot run there.
// An OrtOracleOptions may follow the pipeline.
#define EXPECT_PASSES_KEEP_OUTPUTS(model_path, ...)                                            \
  do {                                                                                         \
    ::onnxkit::testing::OrtVerdict verdict_ =                                                  \
        ::onnxkit::testing::RewriteAndCompareUnderOrt(model_path, __VA_ARGS__);                \
    if (verdict_.kind == ::onnxkit::testing::OrtVerdict::Kind::kSkipped) {                     \
      GTEST_SKIP() << verdict_.report;                                                         \
    }                                                                                          \
    EXPECT_EQ(verdict_.kind, ::onnxkit::testing::OrtVerdict::Kind::kMatch) << verdict_.report; \
  } while (0)
