// Every model of the corpus that loads can be dumped (text and JSON) and summarised: the
// library functions are called directly, not the CLI, to keep this fast.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "onnxkit/dump.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit::testing {
namespace {

namespace fs = std::filesystem;

void DumpEvery(const std::vector<fs::path>& files) {
  ASSERT_FALSE(files.empty());
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.string());
    auto model = LoadFile(path.string());
    ASSERT_TRUE(model.ok()) << model.status();
    std::string text = DumpText(**model);
    EXPECT_TRUE(text.starts_with("model  ir ")) << text.substr(0, 200);
    EXPECT_TRUE(text.ends_with("\n"));
    nlohmann::json doc;
    EXPECT_NO_THROW(doc = nlohmann::json::parse(DumpJson(**model)));
    EXPECT_TRUE(doc.contains("graph"));
    ModelInfo info = GetModelInfo(**model);
    EXPECT_NO_THROW(nlohmann::json::parse(InfoJson(info)));
    EXPECT_FALSE(InfoText(info).empty());
  }
}

TEST(DumpCorpus, OnnxBackendModels) { DumpEvery(OnnxFilesUnder(CorpusDir() / "onnx-backend")); }

TEST(DumpCorpus, ValidEdgeModels) { DumpEvery(OnnxFilesUnder(CorpusDir() / "valid-edge")); }

TEST(DumpCorpus, ExportedModelsWithTheirWeights) { DumpEvery(OnnxFilesUnder(WeightsDir())); }

TEST(DumpCorpus, ExportedModelsWithInlineWeights) {
  // The models of corpus/models whose weights are inside the file (the others need the
  // generated .data files, which only WeightsDir() has).
  std::vector<fs::path> inline_models;
  for (const fs::path& path : OnnxFilesUnder(CorpusDir() / "models")) {
    if (!fs::exists(WeightsDir() / path.filename())) inline_models.push_back(path);
  }
  DumpEvery(inline_models);
}

}  // namespace
}  // namespace onnxkit::testing
