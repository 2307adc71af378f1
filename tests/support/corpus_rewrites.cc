#include "support/corpus_rewrites.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "onnxkit/io.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit::testing {
namespace {

namespace fs = std::filesystem;

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
    fs::path path = dir / fmt::format("{}.rewrite-{}.onnx", stem_, rewrite);
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

}  // namespace

fs::path ReadableCorpusModel(const fs::path& corpus_path) {
  if (corpus_path.parent_path().filename() != "models") return corpus_path;
  fs::path copy = WeightsDir() / corpus_path.filename();
  return fs::exists(copy) ? copy : corpus_path;
}

std::vector<fs::path> CorpusModels() {
  std::vector<fs::path> out;
  for (const char* folder : {"models", "valid-edge"}) {
    for (const fs::path& p : OnnxFilesUnder(CorpusDir() / folder)) out.push_back(p);
  }
  return out;
}

std::string CorpusTestName(const fs::path& model) {
  std::string name = model.parent_path().filename().string() + "_" + model.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

void ExpectRewritesKeepOutputs(const fs::path& corpus_model, const std::vector<Rewrite>& rewrites,
                               const std::vector<std::string>& always_clean,
                               std::vector<std::string>* changed_by) {
  fs::path original = ReadableCorpusModel(corpus_model);
  auto loaded = LoadFile(original.string());
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  if (!loaded.ok()) return;
  const bool clean_before = ModelProblems(**loaded).empty();
  loaded->reset();

  Outputs outputs(original);
  std::vector<fs::path> rewritten;
  for (const Rewrite& rewrite : rewrites) {
    SCOPED_TRACE(rewrite.name);
    auto model = LoadFile(original.string());
    EXPECT_TRUE(model.ok()) << model.status();
    if (!model.ok()) continue;
    auto results = RunBuiltinPasses(**model, rewrite.passes);
    EXPECT_TRUE(results.ok()) << results.status();
    if (!results.ok()) continue;
    bool changed = false;
    for (size_t i = 0; i < results->size(); ++i) {
      const PassResult& r = (*results)[i];
      changed = changed || r.changed;
      std::cout << rewrite.name << ": " << rewrite.passes[i];
      for (const auto& [stat, value] : r.stats) std::cout << " " << stat << "=" << value;
      // The first few reasons: swin_t alone has thousands of candidates.
      for (size_t k = 0; k < r.skipped.size() && k < 3; ++k) {
        std::cout << "\n  left alone: " << r.skipped[k].where << ": " << r.skipped[k].reason;
      }
      if (r.skipped.size() > 3) std::cout << "\n  … " << r.skipped.size() - 3 << " more left alone";
      std::cout << "\n";
    }
    bool must_be_clean = clean_before || std::find(always_clean.begin(), always_clean.end(),
                                                   rewrite.name) != always_clean.end();
    if (must_be_clean) EXPECT_EQ(ModelProblems(**model), "");
    if (!changed) continue;
    if (changed_by) changed_by->push_back(rewrite.name);
    auto saved = outputs.Save(**model, rewrite.name);
    EXPECT_TRUE(saved.ok()) << saved.status();
    if (saved.ok()) rewritten.push_back(*saved);
  }
  if (rewritten.empty()) {
    std::cout << "no rewrite changes " << original.filename() << "\n";
    return;
  }
  OrtVerdict verdict = CompareUnderOrt(original, rewritten, OracleOptionsFor(original));
  std::cout << verdict.report;
  if (verdict.kind == OrtVerdict::Kind::kSkipped) {
    GTEST_SKIP() << verdict.report;
  }
  EXPECT_EQ(verdict.kind, OrtVerdict::Kind::kMatch) << verdict.report;
}

}  // namespace onnxkit::testing
