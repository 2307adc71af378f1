// Load then save is lossless: for every model of the corpus, the saved bytes equal what
// protobuf itself gives when it parses and re-serializes the file (field for field, unknown
// fields, presence of default-valued fields and all).
#include <gtest/gtest.h>

#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using testing::CorpusDir;
using testing::OnnxFilesUnder;
using testing::ReadFile;

void ExpectRoundTrip(const fs::path& file) {
  SCOPED_TRACE(file.string());
  std::string original = ReadFile(file);
  auto model = LoadFile(file.string());
  ASSERT_TRUE(model.ok()) << model.status();
  auto saved = SaveBytes(**model);
  ASSERT_TRUE(saved.ok()) << saved.status();
  std::string expected;
  ASSERT_TRUE(testing::ProtobufReserialize(original, &expected));
  EXPECT_TRUE(*saved == expected) << "saved " << saved->size() << " bytes, protobuf gives "
                                  << expected.size();
}

void ExpectAllRoundTrip(const fs::path& dir, size_t at_least) {
  auto files = OnnxFilesUnder(dir);
  ASSERT_GE(files.size(), at_least) << dir;
  for (const fs::path& f : files) ExpectRoundTrip(f);
}

TEST(RoundTrip, OnnxBackendNodeTests) {
  ExpectAllRoundTrip(CorpusDir() / "onnx-backend/node", 900);
}

TEST(RoundTrip, OnnxBackendOtherSuites) {
  for (const char* suite : {"simple", "pytorch-converted", "pytorch-operator"}) {
    ExpectAllRoundTrip(CorpusDir() / "onnx-backend" / suite, 1);
  }
}

// ONNX 1.22's backend tests: opsets 18-27, IR up to 13, with the IR 10 fields onnxkit models.
TEST(RoundTrip, OnnxBackend122) { ExpectAllRoundTrip(CorpusDir() / "onnx-backend-1.22", 1700); }

// Written by tests/data/ir10/make_ir10_models.py: every IR 10 field onnxkit models.
TEST(RoundTrip, Ir10Fields) {
  ExpectAllRoundTrip(fs::path(ONNXKIT_SOURCE_DIR) / "tests/data/ir10", 2);
}

TEST(RoundTrip, ValidEdgeCases) { ExpectAllRoundTrip(CorpusDir() / "valid-edge", 58); }

TEST(RoundTrip, PyTorchExportsWithExternalWeights) {
  ExpectAllRoundTrip(testing::WeightsDir(), 10);
}

TEST(RoundTrip, SmallPyTorchExports) {
  // The models listed in weights.tsv need their generated weights (WeightsDir()).
  std::string weights = ReadFile(CorpusDir() / "models/weights.tsv");
  for (const fs::path& f : OnnxFilesUnder(CorpusDir() / "models")) {
    if (weights.find(f.filename().string() + ".data") == std::string::npos) ExpectRoundTrip(f);
  }
}

TEST(RoundTrip, BytesInBytesOut) {
  fs::path file = CorpusDir() / "valid-edge/unknown_fields.onnx";
  std::string original = ReadFile(file);
  auto model = LoadBytes(original);
  ASSERT_TRUE(model.ok()) << model.status();
  auto saved = SaveBytes(**model);
  ASSERT_TRUE(saved.ok());
  EXPECT_TRUE(*saved == original);
}

TEST(RoundTrip, SaveFileWritesTheSameBytes) {
  testing::TempDir dir;
  fs::path file = CorpusDir() / "valid-edge/training_info.onnx";
  auto model = LoadFile(file.string());
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_TRUE(SaveFile(**model, (dir / "out.onnx").string()).ok());
  EXPECT_TRUE(ReadFile(dir / "out.onnx") == ReadFile(file));
}

}  // namespace
}  // namespace onnxkit
