// The conventions every onnxkit command follows (DESIGN.md, CLI): --version and --help exit
// 0; usage errors exit 2 with a message on stderr and nothing on stdout; errors name the file;
// a model that cannot be read exits 1.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "onnxkit/version.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::CorpusDir;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

const fs::path kModel = CorpusDir() / "valid-edge/unknown_fields.onnx";

TEST(CliConventions, VersionExitsZeroAndNamesTheOnnxLibrary) {
  auto r = RunCli({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  OnnxLibraryInfo onnx = LinkedOnnxLibrary();
  EXPECT_THAT(r.out, MatchesRegex("onnxkit [0-9]+\\.[0-9]+\\.[0-9]+\n.*"));
  EXPECT_THAT(r.out, HasSubstr(fmt::format("\nONNX {}: opsets up to {}, IR versions up to {}\n",
                                           onnx.version, onnx.max_opset, onnx.max_ir_version)));
  EXPECT_THAT(r.out,
              MatchesRegex("(.|\n)*\nallocator: (mimalloc [0-9.]+|the C library's malloc)\n"));
}

TEST(CliConventions, HelpExitsZeroAndListsTheCommands) {
  auto r = RunCli({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("convert"));
}

TEST(CliConventions, CommandHelpExitsZeroAndListsItsOptions) {
  auto r = RunCli({"convert", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* option : {"--output", "--external-data", "--inline-data", "--size-threshold",
                             "--align", "--in-place"}) {
    EXPECT_THAT(r.out, HasSubstr(option));
  }
}

TEST(CliConventions, NoCommandIsAUsageError) {
  auto r = RunCli({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty());
  EXPECT_TRUE(r.out.empty());
}

TEST(CliConventions, UnknownCommandIsAUsageError) {
  auto r = RunCli({"frobnicate", kModel.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty());
  EXPECT_TRUE(r.out.empty());
}

TEST(CliConventions, UnknownFlagIsAUsageErrorNamingTheFlag) {
  TempDir dir;
  auto r = RunCli({"convert", kModel.string(), "-o", (dir / "o.onnx").string(), "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--bogus"));
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(CliConventions, MissingRequiredOptionIsAUsageError) {
  auto r = RunCli({"convert", kModel.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--output"));
}

TEST(CliConventions, MissingInputFileExitsTwoNamingTheFile) {
  TempDir dir;
  std::string missing = (dir / "no_such_model.onnx").string();
  auto r = RunCli({"convert", missing, "-o", (dir / "o.onnx").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("onnxkit convert: error: " + missing + ": "));
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(CliConventions, UnwritableOutputFolderExitsTwoNamingTheFile) {
  TempDir dir;
  std::string out = (dir / "no/such/folder/o.onnx").string();
  auto r = RunCli({"convert", kModel.string(), "-o", out});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr(out));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(CliConventions, UnreadableModelExitsOneNamingFileAndPlace) {
  fs::path bad = CorpusDir() / "invalid/fmt_tensor_negative_dims.onnx";
  TempDir dir;
  auto r = RunCli({"convert", bad.string(), "-o", (dir / "o.onnx").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(bad.string()));
  EXPECT_THAT(r.err, HasSubstr("graph.initializer[0].dims[0]"));
  // One line per error.
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace onnxkit
