// onnxkit diff: exit codes (0 equal, 1 different, 2 trouble), text and JSON output, '-' as
// stdin, and the diff of a real rewrite (eliminate-identity on a corpus model).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::CorpusDir;
using ::onnxkit::testing::ReadFile;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path kSqueezenet = CorpusDir() / "models/squeezenet1_1.onnx";

constexpr char kA[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2] X) => (float[2] Y) {
    i = Identity(X)
    Y = Relu(i)
  })";
constexpr char kB[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2] X) => (float[2] Y) {
    Y = Relu(X)
  })";

int64_t CountOps(const fs::path& path, const std::string& op) {
  auto model = LoadFile(path.string());
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return -1;
  int64_t count = 0;
  for (const Node* n : (*model)->graph->nodes()) count += n->op_type == op;
  return count;
}

TEST(DiffCli, AModelAgainstItselfIsEqualAndSilent) {
  auto r = RunCli({"diff", kSqueezenet.string(), kSqueezenet.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  r = RunCli({"diff", kSqueezenet.string(), kSqueezenet.string(), "--format=json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["equal"], true);
  EXPECT_TRUE(json["differences"].empty());
}

TEST(DiffCli, DifferentModelsExitOneWithAUnifiedSummary) {
  TempDir dir;
  WriteFile(dir / "a.onnx", testing::ModelFromText(kA));
  WriteFile(dir / "b.onnx", testing::ModelFromText(kB));
  auto r = RunCli({"diff", (dir / "a.onnx").string(), (dir / "b.onnx").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "--- " + (dir / "a.onnx").string() + "\n+++ " + (dir / "b.onnx").string() +
                       "\n"
                       "- main: node '#0' (Identity): Identity(X) -> i\n"
                       "~ main: node '#1' (Relu): input 0 'i' -> 'X'\n"
                       "2 difference(s): 0 added, 1 removed, 1 changed\n");
  EXPECT_EQ(r.err, "");
}

TEST(DiffCli, EitherModelMayComeFromStdin) {
  TempDir dir;
  WriteFile(dir / "b.onnx", testing::ModelFromText(kB));
  const std::string a_bytes = testing::ModelFromText(kA);
  auto r = RunCli({"diff", "-", (dir / "b.onnx").string(), "--format", "json"}, a_bytes);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["a"], "-");
  EXPECT_EQ(json["summary"]["removed"], 1);
  EXPECT_EQ(json["summary"]["changed"], 1);
  EXPECT_EQ(json["differences"][0]["op"], "Identity");

  r = RunCli({"diff", (dir / "b.onnx").string(), "-"}, testing::ModelFromText(kB));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(DiffCli, TroubleIsExitTwoAndNamesTheFile) {
  TempDir dir;
  WriteFile(dir / "a.onnx", testing::ModelFromText(kA));
  const std::string a = (dir / "a.onnx").string();
  auto r = RunCli({"diff", a, (dir / "missing.onnx").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("onnxkit diff: error:"));
  EXPECT_THAT(r.err, HasSubstr("missing.onnx"));
  EXPECT_EQ(r.out, "");

  WriteFile(dir / "junk.onnx", "this is no model");
  r = RunCli({"diff", (dir / "junk.onnx").string(), a});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("junk.onnx"));

  r = RunCli({"diff", "-", "-"}, testing::ModelFromText(kA));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("only one of the two models can be '-'"));

  r = RunCli({"diff", a});
  EXPECT_EQ(r.exit_code, 2);
  r = RunCli({"diff", a, a, "--format=yaml"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(DiffCli, ShowsWhatEliminateIdentityRemovedFromACorpusModel) {
  TempDir dir;
  const fs::path out = dir / "rewritten.onnx";
  auto r =
      RunCli({"rewrite", kSqueezenet.string(), "--pass=eliminate-identity", "-o", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const int64_t removed = CountOps(kSqueezenet, "Identity") - CountOps(out, "Identity");
  ASSERT_GT(removed, 0);

  r = RunCli({"diff", kSqueezenet.string(), out.string(), "--format=json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto json = nlohmann::json::parse(r.out);
  int64_t removed_identities = 0;
  for (const auto& e : json["differences"]) {
    if (e["kind"] == "removed" && e["element"] == "node") {
      EXPECT_EQ(e["op"], "Identity") << e.dump();
      ++removed_identities;
    }
    // A rewrite that only drops Identities adds no node and leaves the weights alone.
    EXPECT_NE(e["kind"], "added") << e.dump();
    EXPECT_NE(e.value("element", ""), "initializer") << e.dump();
  }
  EXPECT_EQ(removed_identities, removed);

  r = RunCli({"diff", kSqueezenet.string(), out.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("- main: node 'Identity_0' (Identity): Identity("));
  EXPECT_THAT(r.out, Not(HasSubstr("\n+ ")));  // no added element
}

TEST(DiffCli, ExternalWeightsAreComparedByContent) {
  const fs::path model = testing::WeightsDir() / "resnet18.onnx";
  ASSERT_TRUE(fs::exists(model)) << model;
  auto r = RunCli({"diff", model.string(), model.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // The same graph with every weight brought inline: still equal, data read on both sides.
  TempDir dir;
  const fs::path inlined = dir / "inline.onnx";
  r = RunCli({"convert", model.string(), "-o", inlined.string(), "--inline-data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"diff", model.string(), inlined.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace onnxkit
