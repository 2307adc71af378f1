// The invalid corpus (corpus/invalid/MANIFEST.tsv), one test per file:
//
// - every `load`-stage file is refused by LoadFile with an error that names the file, the
//   defect and, where the format allows, the place (field path, byte offset, tensor name);
// - `onnxkit convert FILE -o OUT` refuses it too: exit code 1 or 2, the file named on stderr,
//   and no OUT (nor any temporary file) left behind;
// - the escaping external-data cases are refused without ever opening the file they point
//   at (watched with inotify);
// - every `check`-stage file loads: the checker, not the loader, reports those.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_split.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::CorpusDir;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::testing::HasSubstr;

fs::path InvalidDir() { return CorpusDir() / "invalid"; }

// One row of MANIFEST.tsv.
struct Row {
  std::string file;  // relative to invalid/
  std::string stage;
  std::string group;
  std::string where;
  std::string defect;
};

// Test names carry the file; gtest prints the row by its file too.
void PrintTo(const Row& row, std::ostream* os) { *os << row.file; }

// Reads the manifest when the tests are registered; an unreadable manifest gives no rows,
// which ManifestTest.HasEveryCase reports.
std::vector<Row> ReadManifest() {
  std::vector<Row> rows;
  std::ifstream in(InvalidDir() / "MANIFEST.tsv");
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    if (cols.size() < 5) continue;
    rows.push_back({cols[0], cols[1], cols[2], cols[3], cols[4]});
  }
  return rows;
}

const std::vector<Row>& Manifest() {
  static const auto* rows = new std::vector<Row>(ReadManifest());
  return *rows;
}

std::vector<Row> RowsOfStage(std::string_view stage) {
  std::vector<Row> out;
  for (const Row& r : Manifest()) {
    if (r.stage == stage) out.push_back(r);
  }
  return out;
}

// "ext_symlink_escape/model.onnx" -> "ext_symlink_escape"; "fmt_empty_file.onnx" ->
// "fmt_empty_file".
std::string CaseName(const std::string& file) {
  std::string name = file;
  if (auto slash = name.find('/'); slash != std::string::npos) name.resize(slash);
  if (name.ends_with(".onnx")) name.resize(name.size() - 5);
  return name;
}

std::string TestName(const ::testing::TestParamInfo<Row>& info) {
  std::string name = CaseName(info.param.file);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// What the error for each load-stage file must say: a phrase naming the defect, and the
// places (byte offset and field path, tensor name) it must name.
struct Expected {
  std::string defect;
  std::vector<std::string> places;
};

const std::map<std::string, Expected>& ExpectedErrors() {
  static const auto* table = new std::map<std::string, Expected>{
      {"fmt_empty_file", {"empty (0 bytes)", {}}},
      {"fmt_random_bytes", {"wire type 7, which does not exist", {"byte 0: model"}}},
      // The graph field's length is checked before the tensor inside it is reached.
      {"fmt_truncated_mid_tensor", {"declares 1116 bytes but only 562 remain", {"byte 3: graph"}}},
      {"fmt_wrong_wire_type",
       {"field 1 is encoded as length-delimited, but this field is varint", {"byte 0: model"}}},
      {"fmt_length_past_end",
       {"field 6 declares 1000 bytes but only 13 remain", {"byte 125: model"}}},
      {"fmt_varint_11_bytes", {"varint longer than 10 bytes", {"byte 1: model"}}},
      {"fmt_truncated_varint", {"ends inside a varint", {"byte 125: model"}}},
      {"fmt_invalid_wire_type_7",
       {"field 100 has wire type 7, which does not exist", {"byte 124: model"}}},
      {"fmt_field_number_zero", {"invalid field number 0", {"byte 124: model"}}},
      {"fmt_unmatched_end_group",
       {"end-group tag without a matching start-group", {"byte 124: model"}}},
      {"fmt_packed_dims_truncated",
       {"ends inside a varint", {"byte 62: graph.initializer[0].dims"}}},
      {"fmt_graph_instead_of_model", {"GraphProto, not a ModelProto", {"byte 0: model"}}},
      {"fmt_text_format", {"text format", {"byte 9: model"}}},
      {"fmt_deep_if_nesting_10000", {"graphs nested deeper than 64 levels", {"attribute[0].g"}}},
      {"fmt_tensor_dims_2pow40",
       {"(4398046511104 bytes) but raw_data holds 4 bytes",
        {"byte 36: graph.initializer[0].raw_data", "tensor 'W'"}}},
      {"fmt_tensor_negative_dims",
       {"negative dimension -1", {"byte 36: graph.initializer[0].dims[0]", "tensor 'W'"}}},
      {"fmt_tensor_dims_overflow",
       {"overflow a 64-bit element count", {"byte 36: graph.initializer[0].dims", "tensor 'W'"}}},
      {"fmt_raw_data_size_mismatch",
       {"float32[2,3] (24 bytes) but raw_data holds 20 bytes",
        {"byte 36: graph.initializer[0].raw_data", "tensor 'W'"}}},
      {"fmt_name_not_utf8", {"not valid UTF-8", {"byte 37: graph.node[1].name"}}},
      {"ext_absolute_path", {"'/etc/passwd' is an absolute path", {"initializer 'W'"}}},
      {"ext_dotdot_escape",
       {"'../_outside/secret.bin' leaves the model's folder through '..'", {"initializer 'W'"}}},
      {"ext_dotdot_embedded",
       {"'weights/../../_outside/secret.bin' leaves the model's folder through '..'",
        {"initializer 'W'"}}},
      {"ext_symlink_escape", {"outside the model's folder", {"initializer 'W'", "'weights.bin'"}}},
      {"ext_location_is_directory", {"'weights.d' is not a regular file", {"initializer 'W'"}}},
      {"ext_offset_beyond_eof",
       {"offset 64 lies beyond the end of 'weights.bin' (16 bytes)", {"initializer 'W'"}}},
      {"ext_range_past_eof",
       {"offset 8 + length 16 runs past the end of 'weights.bin' (16 bytes)", {"initializer 'W'"}}},
      {"ext_length_mismatch",
       {"length 12 disagrees with the tensor's size: float32[4] is 16 bytes", {"initializer 'W'"}}},
      {"ext_missing_file", {"'missing.bin' does not exist", {"initializer 'W'"}}},
      {"ext_no_location", {"external_data has no 'location'", {"initializer 'W'"}}},
      {"ext_offset_not_a_number",
       {"'offset' is 'sixteen', not a decimal integer", {"initializer 'W'"}}},
      {"ext_with_inline_raw_data",
       {"data_location is EXTERNAL but the tensor also carries inline raw_data",
        {"initializer 'W'"}}},
  };
  return *table;
}

// The cases whose external reference points at _outside/secret.bin.
bool PointsOutside(const std::string& name) {
  return name == "ext_dotdot_escape" || name == "ext_dotdot_embedded" ||
         name == "ext_symlink_escape";
}

// ext_symlink_escape/weights.bin is a relative symlink to ../_outside/secret.bin. A copy of
// the corpus that lost the link (a plain file holding the link text) tests nothing, so then
// the case is rebuilt in a temporary folder: the same model, the link, and a secret beside.
// Returns the model file to load and the secret it must never open.
struct Case {
  fs::path model;
  fs::path secret;
};

Case CaseFor(const Row& row) {
  Case c{InvalidDir() / row.file, InvalidDir() / "_outside/secret.bin"};
  if (CaseName(row.file) != "ext_symlink_escape") return c;
  fs::path link = InvalidDir() / "ext_symlink_escape/weights.bin";
  if (fs::is_symlink(link)) return c;
  static TempDir rebuilt;
  fs::path root = rebuilt.path();
  if (!fs::is_symlink(root / "ext_symlink_escape/weights.bin")) {
    fs::create_directories(root / "ext_symlink_escape");
    fs::create_directories(root / "_outside");
    fs::copy_file(InvalidDir() / row.file, root / "ext_symlink_escape/model.onnx");
    // Not a copy of the corpus' secret: reading that would trip the other cases' watches.
    testing::WriteFile(root / "_outside/secret.bin", "SECRET: outside the model folder\n");
    fs::create_symlink("../_outside/secret.bin", root / "ext_symlink_escape/weights.bin");
    std::cerr << "note: " << link << " is not a symlink in this copy of the corpus (re-run "
              << "corpus/make/make_invalid.py); testing a rebuilt copy in " << root << "\n";
  }
  return {root / "ext_symlink_escape/model.onnx", root / "_outside/secret.bin"};
}

// Watches a file for being opened or read, by this process or any other.
class OpenWatch {
 public:
  explicit OpenWatch(const fs::path& file) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ >= 0) watch_ = inotify_add_watch(fd_, file.c_str(), IN_OPEN | IN_ACCESS);
  }
  ~OpenWatch() {
    if (fd_ >= 0) close(fd_);
  }
  bool armed() const { return fd_ >= 0 && watch_ >= 0; }
  // True if the file was opened or read since the watch started.
  bool Touched() const {
    alignas(inotify_event) char buf[4096];
    return read(fd_, buf, sizeof buf) > 0;
  }

 private:
  int fd_ = -1;
  int watch_ = -1;
};

// The watch sees opens, so "not touched" below means something.
TEST(OpenWatchTest, SeesAnOpenByAnotherProcess) {
  TempDir dir;
  testing::WriteFile(dir / "f.bin", "x");
  OpenWatch watch(dir / "f.bin");
  ASSERT_TRUE(watch.armed());
  EXPECT_FALSE(watch.Touched());
  auto r = RunCli({"convert", (dir / "f.bin").string(), "-o", (dir / "o.onnx").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(watch.Touched());
}

// ---------------------------------------------------------------------------------------
// The manifest and the expectations table agree.

TEST(ManifestTest, HasEveryCase) {
  EXPECT_EQ(Manifest().size(), 117u) << "cannot read " << InvalidDir() / "MANIFEST.tsv";
  EXPECT_EQ(RowsOfStage("load").size(), 31u);
  EXPECT_EQ(RowsOfStage("check").size(), 86u);
  for (const Row& r : Manifest()) {
    EXPECT_TRUE(fs::exists(InvalidDir() / r.file)) << r.file;
  }
}

TEST(ManifestTest, EveryLoadCaseHasAnExpectedError) {
  std::map<std::string, int> seen;
  for (const Row& r : RowsOfStage("load")) {
    EXPECT_TRUE(ExpectedErrors().contains(CaseName(r.file)))
        << r.file << ": add the phrase its error must contain to ExpectedErrors()";
    ++seen[CaseName(r.file)];
  }
  for (const auto& [name, expected] : ExpectedErrors()) {
    EXPECT_EQ(seen[name], 1) << name << " is in ExpectedErrors() but not a load row";
  }
}

// ---------------------------------------------------------------------------------------
// Load stage: refused by the library.

class LoadStageTest : public ::testing::TestWithParam<Row> {};

TEST_P(LoadStageTest, RefusedByLoadFileNamingFilePlaceAndDefect) {
  const Row& row = GetParam();
  const std::string name = CaseName(row.file);
  Case c = CaseFor(row);
  SCOPED_TRACE(c.model.string() + ": " + row.defect);
  ASSERT_TRUE(ExpectedErrors().contains(name));
  const Expected& expected = ExpectedErrors().at(name);

  OpenWatch watch(c.secret);
  ASSERT_TRUE(watch.armed());
  auto start = std::chrono::steady_clock::now();
  auto model = LoadFile(c.model.string());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  ASSERT_FALSE(model.ok()) << "loaded a model the loader must refuse";
  std::string message(StatusMessage(model.status()));
  EXPECT_TRUE(message.starts_with(c.model.string() + ": ")) << message;
  EXPECT_THAT(message, HasSubstr(expected.defect));
  for (const std::string& place : expected.places) EXPECT_THAT(message, HasSubstr(place));
  // Refusing needs no more than the few hundred bytes of each file.
  EXPECT_LT(seconds, 5.0);
  if (PointsOutside(name)) {
    EXPECT_FALSE(watch.Touched()) << c.secret << " was opened";
    // A refusal, not a failed read of the target.
    EXPECT_EQ(model.status().code(), absl::StatusCode::kPermissionDenied) << message;
    EXPECT_THAT(message, ::testing::Not(HasSubstr("cannot open")));
  }
}

TEST_P(LoadStageTest, RefusedByConvertWithoutWritingOutput) {
  const Row& row = GetParam();
  Case c = CaseFor(row);
  SCOPED_TRACE(c.model.string());
  TempDir out_dir;
  fs::path out = out_dir / "out.onnx";
  OpenWatch watch(c.secret);
  ASSERT_TRUE(watch.armed());

  auto result = RunCli({"convert", c.model.string(), "-o", out.string()});

  EXPECT_TRUE(result.exit_code == 1 || result.exit_code == 2) << result.exit_code;
  EXPECT_THAT(result.err, HasSubstr("onnxkit convert: error: " + c.model.string() + ": "));
  EXPECT_THAT(result.err, HasSubstr(ExpectedErrors().at(CaseName(row.file)).defect));
  EXPECT_TRUE(result.out.empty());
  EXPECT_TRUE(fs::is_empty(out_dir.path()))
      << "left " << fs::directory_iterator(out_dir.path())->path();
  if (PointsOutside(CaseName(row.file))) EXPECT_FALSE(watch.Touched()) << c.secret << " opened";
}

INSTANTIATE_TEST_SUITE_P(Manifest, LoadStageTest, ::testing::ValuesIn(RowsOfStage("load")),
                         TestName);

// The missing-file case is the one I/O failure: exit 2. Every other refusal is a problem of
// the model: exit 1.
TEST(LoadStageExitCodes, MissingDataFileIsAnIoErrorTheRestModelProblems) {
  for (const Row& row : RowsOfStage("load")) {
    Case c = CaseFor(row);
    TempDir out_dir;
    auto result = RunCli({"convert", c.model.string(), "-o", (out_dir / "o.onnx").string()});
    int expected = CaseName(row.file) == "ext_missing_file" ? 2 : 1;
    EXPECT_EQ(result.exit_code, expected) << row.file << "\n" << result.err;
  }
}

// The deep nesting case is refused by a depth limit, not by running out of stack.
TEST(LoadStage, DeepNestingIsADepthErrorInOneLine) {
  auto model = LoadFile((InvalidDir() / "fmt_deep_if_nesting_10000.onnx").string());
  ASSERT_FALSE(model.ok());
  std::string message(StatusMessage(model.status()));
  EXPECT_THAT(message, HasSubstr("nested deeper than"));
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Check stage: the loader accepts them (and saves them back unchanged).

class CheckStageTest : public ::testing::TestWithParam<Row> {};

TEST_P(CheckStageTest, Loads) {
  const Row& row = GetParam();
  fs::path file = InvalidDir() / row.file;
  auto model = LoadFile(file.string());
  ASSERT_TRUE(model.ok()) << file << " (" << row.defect << "): " << model.status();
  auto saved = SaveBytes(**model);
  ASSERT_TRUE(saved.ok()) << saved.status();
  std::string expected;
  ASSERT_TRUE(testing::ProtobufReserialize(testing::ReadFile(file), &expected));
  EXPECT_TRUE(*saved == expected) << "not saved back field for field";
}

INSTANTIATE_TEST_SUITE_P(Manifest, CheckStageTest, ::testing::ValuesIn(RowsOfStage("check")),
                         TestName);

}  // namespace
}  // namespace onnxkit
