// The adapter over the linked ONNX library (src/schema/onnx_api.h): what it says the library
// knows, against the library's own registry, and how models newer than that are treated.
#include "schema/onnx_api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "onnxkit/version.h"
#include "schema/schemas.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

// First in this program, so that the threads are the first to build the registry.
TEST(OnnxApi, SchemasPreparedOnSeveralThreadsAtOnceAreOneWholeRegistry) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(PrepareOnnxSchemas);
  const onnx::OpSchema* conv = schema::Find("Conv", 11, "");
  for (std::thread& t : threads) t.join();
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->since_version(), 11);
  // Each op version once: a registry built twice over would hold duplicates.
  std::set<std::tuple<std::string, std::string, int>> seen;
  for (const onnx::OpSchema& s : onnx::OpSchemaRegistry::get_all_schemas_with_history()) {
    EXPECT_TRUE(seen.emplace(s.domain(), s.Name(), s.since_version()).second) << s.Name();
  }
  // Whole: the oldest and newest versions, and the other domains, are there.
  EXPECT_TRUE(seen.contains({"", "Conv", 1}));
  EXPECT_NE(schema::Find("Relu", schema::KnownMaxOpset(), ""), nullptr);
  EXPECT_NE(schema::FindAnyVersion("LinearClassifier", "ai.onnx.ml"), nullptr);
}

TEST(OnnxApi, KnownMaxOpsetIsTheNewestDefaultDomainSchema) {
  int newest = 0;
  for (const onnx::OpSchema& s : onnx::OpSchemaRegistry::get_all_schemas_with_history()) {
    if (s.domain().empty()) newest = std::max(newest, s.since_version());
  }
  // Not every opset changes an op, so the registry's range may end past the newest schema,
  // never before it.
  EXPECT_GE(schema::KnownMaxOpset(), newest);
  EXPECT_LE(schema::KnownMaxOpset(), newest + 1);
}

TEST(OnnxApi, LinkedLibraryInfoIsTheAdapters) {
  OnnxLibraryInfo info = LinkedOnnxLibrary();
  EXPECT_EQ(info.version, schema::OnnxVersion());
  EXPECT_EQ(info.max_opset, schema::KnownMaxOpset());
  EXPECT_EQ(info.max_ir_version, schema::KnownMaxIrVersion());
  // Debian's 1.12 (IR 8, opset 17) is the oldest library onnxkit builds on.
  EXPECT_GE(info.max_ir_version, 8);
  EXPECT_GE(info.max_opset, 17);
}

TEST(OnnxApi, SortedAttributesAreEveryAttributeInNameOrder) {
  const onnx::OpSchema* conv = schema::Find("Conv", 11, "");
  ASSERT_NE(conv, nullptr);
  auto sorted = schema::SortedAttributes(*conv);
  ASSERT_EQ(sorted.size(), conv->attributes().size());
  EXPECT_TRUE(std::is_sorted(sorted.begin(), sorted.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; }));
  for (const auto& [name, attribute] : sorted) EXPECT_EQ(attribute->name, name);
}

TEST(OnnxApi, NoSchemaIsGuessedForAnOpsetBeyondTheLibrary) {
  int64_t known = schema::KnownMaxOpset();
  EXPECT_NE(schema::Find("Relu", known, ""), nullptr);
  EXPECT_EQ(schema::Find("Relu", known + 1, ""), nullptr);
}

std::vector<Diagnostic> ModelDiagnostics(int64_t ir_version) {
  auto model = LoadBytes(testing::ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] X) => (float[2] Y) {
      Y = Relu(X)
    })"));
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return {};
  (*model)->ir_version = ir_version;
  CheckOptions options;
  options.rules = {"model"};
  return Check(**model, options).items;
}

// IR 13 is ONNX 1.22's: a released version, whatever the linked library knows of it.
TEST(OnnxApi, AReleasedIrVersionIsNeverAnError) {
  constexpr int64_t kReleased = 13;
  auto diagnostics = ModelDiagnostics(kReleased);
  if (schema::KnownMaxIrVersion() >= kReleased) {
    EXPECT_TRUE(diagnostics.empty());
    return;
  }
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].code, "model.ir-version-unknown");
  EXPECT_EQ(diagnostics[0].severity, Severity::kWarning);
  EXPECT_NE(diagnostics[0].message.find(schema::OnnxVersion()), std::string::npos)
      << diagnostics[0].message;
}

TEST(OnnxApi, AnIrVersionBeyondEveryReleaseIsAnError) {
  auto diagnostics = ModelDiagnostics(1000);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].code, "model.ir-version");
  EXPECT_EQ(diagnostics[0].severity, Severity::kError);
}

}  // namespace
}  // namespace onnxkit
