// Every valid model of the corpus checks with no error; the three old exports the corpus
// README names get a precise error.
#include <gtest/gtest.h>

#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;

const char* const kKnownInvalid[] = {
    "pytorch-converted/test_PixelShuffle/model.onnx",
    "pytorch-operator/test_operator_repeat/model.onnx",
    "pytorch-operator/test_operator_repeat_dim_overflow/model.onnx",
};

bool IsKnownInvalid(const fs::path& p) {
  for (const char* k : kKnownInvalid) {
    if (p.string().ends_with(k)) return true;
  }
  return false;
}

std::string Errors(const Diagnostics& ds) {
  std::string out;
  for (const Diagnostic& d : ds.items) {
    if (d.severity == Severity::kError) out += FormatDiagnostic(d, "", false) + "\n";
  }
  return out;
}

void ExpectNoErrors(const fs::path& dir) {
  auto files = testing::OnnxFilesUnder(dir);
  ASSERT_FALSE(files.empty());
  for (const fs::path& f : files) {
    if (IsKnownInvalid(f)) continue;
    auto model = LoadFile(f.string());
    ASSERT_TRUE(model.ok()) << f << ": " << model.status();
    Diagnostics ds = Check(**model);
    EXPECT_FALSE(ds.has_errors()) << f << "\n" << Errors(ds);
  }
}

TEST(ValidCorpus, OnnxBackendHasNoErrors) { ExpectNoErrors(testing::CorpusDir() / "onnx-backend"); }
TEST(ValidCorpus, ValidEdgeHasNoErrors) { ExpectNoErrors(testing::CorpusDir() / "valid-edge"); }
TEST(ValidCorpus, PyTorchExportsHaveNoErrors) { ExpectNoErrors(testing::WeightsDir()); }

TEST(ValidCorpus, SmallPyTorchExportsHaveNoErrors) {
  std::string weights = testing::ReadFile(testing::CorpusDir() / "models/weights.tsv");
  for (const fs::path& f : testing::OnnxFilesUnder(testing::CorpusDir() / "models")) {
    if (weights.find(f.filename().string() + ".data") != std::string::npos) continue;
    auto model = LoadFile(f.string());
    ASSERT_TRUE(model.ok()) << f << ": " << model.status();
    Diagnostics ds = Check(**model);
    EXPECT_FALSE(ds.has_errors()) << f << "\n" << Errors(ds);
  }
}

TEST(ValidCorpus, OldConstantInt64ExportsGetAPreciseError) {
  for (const char* k : kKnownInvalid) {
    auto model = LoadFile((testing::CorpusDir() / "onnx-backend" / k).string());
    ASSERT_TRUE(model.ok()) << k;
    Diagnostics ds = Check(**model);
    bool found = false;
    for (const Diagnostic& d : ds.items) {
      found |= d.severity == Severity::kError && d.location.op_type == "Constant" &&
               d.message.find("int64") != std::string::npos;
    }
    EXPECT_TRUE(found) << k << "\n" << Errors(ds);
  }
}

TEST(ValidCorpus, SparseInitializerIsNotRejectedForBeingSparse) {
  auto model = LoadFile((testing::CorpusDir() / "valid-edge/sparse_initializer.onnx").string());
  ASSERT_TRUE(model.ok());
  EXPECT_FALSE(Check(**model).has_errors());
}

}  // namespace
}  // namespace onnxkit
