// The cleanup passes on real models, proven by ONNX Runtime: for every model of
// corpus/models (with the weights the corpus_weights fixture writes) and of
// corpus/valid-edge, each cleanup pass alone and the whole cleanup pipeline
//   constant-to-initializer, eliminate-identity, dedupe-initializers, eliminate-dead-code,
//   topological-sort
// run through the library; the result must Verify() and Check() clean (when the original
// does) and, saved, compute the original's outputs under ONNX Runtime (support/ort_oracle.h).
// A rewrite that changed nothing is not run again. A model ONNX Runtime cannot run is
// skipped with the reason, after the Verify/Check part has run.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "onnxkit/io.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit::testing {
namespace {

namespace fs = std::filesystem;

struct Rewrite {
  std::string name;
  std::vector<std::string> passes;
};

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

std::vector<fs::path> CorpusModels() {
  std::vector<fs::path> out;
  for (const char* folder : {"models", "valid-edge"}) {
    for (const fs::path& p : OnnxFilesUnder(CorpusDir() / folder)) out.push_back(p);
  }
  return out;
}

// A model of corpus/models with its weights is read from the copy the fixture made.
fs::path Readable(const fs::path& corpus_path) {
  if (corpus_path.parent_path().filename() != "models") return corpus_path;
  fs::path copy = WeightsDir() / corpus_path.filename();
  return fs::exists(copy) ? copy : corpus_path;
}

// Where rewritten models go: beside a model whose weights live in the build tree (external
// references then stay valid and the weights are not copied), else a temporary folder with
// the weights in a side file. Files it made are removed when it dies.
class Outputs {
 public:
  explicit Outputs(const fs::path& original)
      : beside_(original.parent_path() == WeightsDir()), stem_(original.stem().string()) {}
  ~Outputs() {
    std::error_code ec;
    for (const fs::path& p : written_) {
      fs::remove(p, ec);
      fs::remove(p.string() + ".data", ec);
    }
  }
  StatusOr<fs::path> Save(const Model& model, const std::string& rewrite) {
    fs::path dir = beside_ ? WeightsDir() : temp_.path();
    fs::path path = dir / fmt::format("{}.cleanup-{}.onnx", stem_, rewrite);
    SaveOptions options;
    options.external_data =
        beside_ ? SaveOptions::ExternalData::kKeep : SaveOptions::ExternalData::kExternal;
    written_.push_back(path);
    ONNXKIT_RETURN_IF_ERROR(SaveFile(model, path.string(), options));
    return path;
  }

 private:
  bool beside_;
  std::string stem_;
  TempDir temp_;
  std::vector<fs::path> written_;
};

// Inputs a model needs to run at all: the scales of a Resize given as an input.
OrtOracleOptions OracleOptionsFor(const fs::path& model) {
  OrtOracleOptions options;
  if (model.filename() == "srcnn_dynamic_reference.onnx") options.inputs = {{"factor", "1,1,3,3"}};
  return options;
}

class CleanupCorpus : public ::testing::TestWithParam<fs::path> {};

TEST_P(CleanupCorpus, EachPassAndThePipelineKeepTheOutputs) {
  fs::path original = Readable(GetParam());
  auto loaded = LoadFile(original.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const bool clean_before = ModelProblems(**loaded).empty();
  loaded->reset();

  Outputs outputs(original);
  std::vector<fs::path> rewritten;
  for (const Rewrite& rewrite : Rewrites()) {
    SCOPED_TRACE(rewrite.name);
    auto model = LoadFile(original.string());
    ASSERT_TRUE(model.ok()) << model.status();
    auto results = RunBuiltinPasses(**model, rewrite.passes);
    ASSERT_TRUE(results.ok()) << results.status();
    bool changed = false;
    for (size_t i = 0; i < results->size(); ++i) {
      const PassResult& r = (*results)[i];
      changed = changed || r.changed;
      std::cout << rewrite.name << ": " << rewrite.passes[i];
      for (const auto& [stat, value] : r.stats) std::cout << " " << stat << "=" << value;
      if (!r.skipped.empty()) std::cout << " skipped=" << r.skipped.size();
      std::cout << "\n";
      for (size_t k = 0; k < r.skipped.size() && k < 3; ++k) {
        std::cout << "  skipped " << r.skipped[k].where << ": " << r.skipped[k].reason << "\n";
      }
    }
    if (clean_before || rewrite.name == "pipeline") EXPECT_EQ(ModelProblems(**model), "");
    if (!changed) continue;
    auto saved = outputs.Save(**model, rewrite.name);
    ASSERT_TRUE(saved.ok()) << saved.status();
    rewritten.push_back(*saved);
  }
  if (rewritten.empty()) {
    std::cout << "no cleanup pass changes " << original.filename() << "\n";
    return;
  }
  OrtVerdict verdict = CompareUnderOrt(original, rewritten, OracleOptionsFor(original));
  std::cout << verdict.report;
  if (verdict.kind == OrtVerdict::Kind::kSkipped) GTEST_SKIP() << verdict.report;
  EXPECT_EQ(verdict.kind, OrtVerdict::Kind::kMatch) << verdict.report;
}

std::string TestName(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name =
      info.param.parent_path().filename().string() + "_" + info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Models, CleanupCorpus, ::testing::ValuesIn(CorpusModels()), TestName);

}  // namespace
}  // namespace onnxkit::testing
