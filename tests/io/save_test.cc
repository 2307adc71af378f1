// SaveFile's promises (docs/security.md): it never writes over a file the model reads unless
// asked to, a model and its side file change together or not at all, temporaries never
// outlive a failure or an interrupt, special outputs are written to rather than replaced,
// and modes follow the file replaced or the umask.
#include <fcntl.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "io/temp_files.h"
#include "io/tensor_models.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::DataOf;
using ::onnxkit::testing::ExternalFloats;
using ::onnxkit::testing::FilesIn;
using ::onnxkit::testing::InlineFloats;
using ::onnxkit::testing::ModelOf;
using ::onnxkit::testing::ReadFile;
using ::onnxkit::testing::SaveModel;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WriteFile;
using ::testing::HasSubstr;

std::unique_ptr<Model> Load(const fs::path& file) {
  auto model = LoadFile(file.string());
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

const std::string kWeights(4096, 'w');  // W: float32[1024] in weights.bin

// dir/model.onnx reads W from dir/weights.bin.
std::unique_ptr<Model> ModelReadingWeights(const fs::path& dir) {
  WriteFile(dir / "weights.bin", kWeights);
  SaveModel(dir / "model.onnx", {ExternalFloats("W", 1024, "weights.bin")});
  return Load(dir / "model.onnx");
}

SaveOptions External(std::string file = "") {
  SaveOptions options;
  options.external_data = SaveOptions::ExternalData::kExternal;
  options.external_file = std::move(file);
  return options;
}

// ---------------------------------------------------------------------------------------
// Never over an input.

TEST(SaveInputs, AnyOutputThatIsAFileTheModelReadsIsRefused) {
  TempDir dir;
  auto model = ModelReadingWeights(dir.path());
  ASSERT_TRUE(model);
  fs::create_hard_link(dir / "weights.bin", dir / "hard.bin");
  fs::create_symlink("weights.bin", dir / "soft.bin");
  fs::create_symlink("model.onnx", dir / "model_link.onnx");
  struct Attempt {
    std::string output;
    SaveOptions options;
  };
  std::vector<Attempt> attempts = {
      {"weights.bin", {}},                     // the model written over its side file
      {"hard.bin", {}},                        // ... through a hard link
      {"soft.bin", {}},                        // ... through a symlink
      {"model.onnx", {}},                      // over itself
      {"model_link.onnx", {}},                 // ... through a symlink
      {"out.onnx", External("weights.bin")},   // a side file over the side file it reads
      {"out.onnx", External("hard.bin")},      // ... through a hard link
      {"weights.bin", External("other.bin")},  // the model over its side file, with a side file
  };
  for (const Attempt& a : attempts) {
    SCOPED_TRACE(a.output + " / " + a.options.external_file);
    Status s = SaveFile(*model, (dir / a.output).string(), a.options);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
    EXPECT_THAT(std::string(StatusMessage(s)), HasSubstr("--in-place"));
  }
  EXPECT_EQ(ReadFile(dir / "weights.bin"), kWeights);
  EXPECT_EQ(FilesIn(dir.path()),
            (std::vector<std::string>{"hard.bin", "model.onnx", "model_link.onnx", "soft.bin",
                                      "weights.bin"}));
  EXPECT_EQ(DataOf(*model, "W"), kWeights);
}

// In place, the side file is replaced by a new file: what the loaded model reads (through the
// descriptor it opened) stays the old bytes until the end.
TEST(SaveInputs, InPlaceReplacesTheSideFileWhileTheOldOneIsRead) {
  TempDir dir;
  auto model = ModelReadingWeights(dir.path());
  ASSERT_TRUE(model);
  SaveOptions options = External("weights.bin");
  options.in_place = true;
  options.alignment = 64;
  Status s = SaveFile(*model, (dir / "model.onnx").string(), options);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(DataOf(*model, "W"), kWeights);
  auto saved = Load(dir / "model.onnx");
  ASSERT_TRUE(saved);
  EXPECT_EQ(DataOf(*saved, "W"), kWeights);
  EXPECT_EQ(FilesIn(dir.path()), (std::vector<std::string>{"model.onnx", "weights.bin"}));
}

// ---------------------------------------------------------------------------------------
// A model and its side file together.

// Writes dir/out.onnx + out.onnx.data (an earlier conversion) and returns their bytes.
std::pair<std::string, std::string> EarlierConversion(const fs::path& dir) {
  Status s =
      SaveFile(*ModelOf({InlineFloats("old", 1024, 'o')}), (dir / "out.onnx").string(), External());
  EXPECT_TRUE(s.ok()) << s;
  return {ReadFile(dir / "out.onnx"), ReadFile(dir / "out.onnx.data")};
}

TEST(SavePair, AFailedModelWriteLeavesTheEarlierPairUntouched) {
  TempDir dir;
  fs::create_directories(dir / "in");
  WriteFile(dir / "in/big.bin", std::string(4096, 'b'));
  WriteFile(dir / "in/small.bin", std::string(16, 's'));
  SaveModel(dir / "in/model.onnx",
            {ExternalFloats("big", 1024, "big.bin"), ExternalFloats("small", 4, "small.bin")});
  auto model = Load(dir / "in/model.onnx");
  ASSERT_TRUE(model);
  auto [old_model, old_side] = EarlierConversion(dir.path());
  // The side file (big) can be written, the model (small, inline) cannot.
  fs::resize_file(dir / "in/small.bin", 0);
  SaveOptions options = External();
  options.size_threshold = 1024;
  Status s = SaveFile(*model, (dir / "out.onnx").string(), options);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(StatusMessage(s)), HasSubstr("small.bin"));
  EXPECT_THAT(std::string(StatusMessage(s)), HasSubstr("'small'"));
  EXPECT_EQ(FilesIn(dir.path()), (std::vector<std::string>{"in", "out.onnx", "out.onnx.data"}));
  EXPECT_TRUE(ReadFile(dir / "out.onnx") == old_model);
  EXPECT_TRUE(ReadFile(dir / "out.onnx.data") == old_side);
}

TEST(SavePair, AnOutputThatIsADirectoryWritesNothing) {
  TempDir dir;
  fs::create_directories(dir / "out.onnx");
  Status s =
      SaveFile(*ModelOf({InlineFloats("W", 1024, 'x')}), (dir / "out.onnx").string(), External());
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_THAT(std::string(StatusMessage(s)), HasSubstr("is a directory"));
  EXPECT_EQ(FilesIn(dir.path()), std::vector<std::string>{"out.onnx"});
  EXPECT_TRUE(fs::is_empty(dir / "out.onnx"));
}

TEST(SavePair, NoSideFileWhenNoTensorQualifies) {
  TempDir dir;
  SaveModel(dir / "small.onnx", {InlineFloats("W", 4, 'x')});
  auto model = Load(dir / "small.onnx");
  ASSERT_TRUE(model);
  Status s = SaveFile(*model, (dir / "out.onnx").string(), External());
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(FilesIn(dir.path()), (std::vector<std::string>{"out.onnx", "small.onnx"}));
}

// A process stopped by SIGTERM (or SIGINT, SIGHUP) while writing leaves no temporary file,
// and still dies of that signal.
TEST(SavePair, TemporariesAreRemovedWhenASignalStopsTheProcess) {
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    TempDir dir;
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto model_file = io_internal::PendingFile::Create((dir / "out.onnx").string());
      auto side_file = io_internal::PendingFile::Create((dir / "out.onnx.data").string());
      if (!model_file.ok() || !side_file.ok() || FilesIn(dir.path()).size() != 2) _exit(3);
      ::raise(signal_number);
      _exit(4);  // not reached: the signal stops the process
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << signal_number << ": exit " << WEXITSTATUS(status);
    EXPECT_EQ(WTERMSIG(status), signal_number);
    EXPECT_TRUE(fs::is_empty(dir.path())) << ::testing::PrintToString(FilesIn(dir.path()));
  }
}

// ---------------------------------------------------------------------------------------
// External data follows the model (kKeep): into another folder through a new side file, to
// a stream inline.

// dir/in/model.onnx reads W (external, dir/in/weights.bin) and has B inline.
std::unique_ptr<Model> ModelInItsFolder(const fs::path& dir) {
  fs::create_directories(dir / "in");
  WriteFile(dir / "in/weights.bin", kWeights);
  SaveModel(dir / "in/model.onnx",
            {ExternalFloats("W", 1024, "weights.bin"), InlineFloats("B", 4, 'b')});
  return Load(dir / "in/model.onnx");
}

std::string LocationOf(const Model& model, const std::string& name) {
  for (const Value* v : model.graph->initializers()) {
    if (v->name() != name) continue;
    for (const StringPair& kv : v->initializer()->external_data) {
      if (kv.key == "location") return kv.value;
    }
  }
  return "";
}

TEST(SaveKeep, AnotherFolderGetsANewSideFileBesideTheOutput) {
  TempDir dir;
  auto model = ModelInItsFolder(dir.path());
  ASSERT_TRUE(model);
  fs::create_directories(dir / "out");
  Status s = SaveFile(*model, (dir / "out/copy.onnx").string());
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(FilesIn(dir / "out"), (std::vector<std::string>{"copy.onnx", "copy.onnx.data"}));
  auto copy = Load(dir / "out/copy.onnx");
  ASSERT_TRUE(copy);
  EXPECT_EQ(LocationOf(*copy, "W"), "copy.onnx.data");  // still external
  EXPECT_EQ(DataOf(*copy, "W"), kWeights);
  EXPECT_EQ(LocationOf(*copy, "B"), "");  // inline stays inline
  EXPECT_EQ(DataOf(*copy, "B"), std::string(16, 'b'));
  EXPECT_EQ(ReadFile(dir / "out/copy.onnx.data"), kWeights);
  // The source is untouched.
  EXPECT_EQ(FilesIn(dir / "in"), (std::vector<std::string>{"model.onnx", "weights.bin"}));
  EXPECT_EQ(ReadFile(dir / "in/weights.bin"), kWeights);

  // The side file's name and alignment are the options'.
  SaveOptions named;
  named.external_file = "w.bin";
  s = SaveFile(*model, (dir / "out/named.onnx").string(), named);
  ASSERT_TRUE(s.ok()) << s;
  auto reloaded = Load(dir / "out/named.onnx");
  ASSERT_TRUE(reloaded);
  EXPECT_EQ(LocationOf(*reloaded, "W"), "w.bin");
  EXPECT_EQ(DataOf(*reloaded, "W"), kWeights);
}

TEST(SaveKeep, TheModelsOwnFolderKeepsTheReferences) {
  TempDir dir;
  auto model = ModelInItsFolder(dir.path());
  ASSERT_TRUE(model);
  Status s = SaveFile(*model, (dir / "in/again.onnx").string());
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(FilesIn(dir / "in"),
            (std::vector<std::string>{"again.onnx", "model.onnx", "weights.bin"}));
  EXPECT_EQ(ReadFile(dir / "in/again.onnx"), ReadFile(dir / "in/model.onnx"));
}

// The new side file is never one the model reads, not even with in_place: refused before
// anything is written.
TEST(SaveKeep, TheNewSideFileIsNeverAnInput) {
  TempDir dir;
  auto model = ModelInItsFolder(dir.path());
  ASSERT_TRUE(model);
  fs::create_directories(dir / "out");
  fs::create_hard_link(dir / "in/weights.bin", dir / "out/copy.onnx.data");
  for (bool in_place : {false, true}) {
    SaveOptions options;
    options.in_place = in_place;
    Status s = SaveFile(*model, (dir / "out/copy.onnx").string(), options);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
    EXPECT_THAT(std::string(StatusMessage(s)), HasSubstr("new side file beside the output"));
  }
  EXPECT_EQ(FilesIn(dir / "out"), (std::vector<std::string>{"copy.onnx.data"}));
  EXPECT_EQ(ReadFile(dir / "in/weights.bin"), kWeights);
}

TEST(SaveKeep, AStreamGetsTheDataInline) {
  TempDir dir;
  auto model = ModelInItsFolder(dir.path());
  ASSERT_TRUE(model);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Status s = SaveFile(*model, fmt::format("/dev/fd/{}", fds[1]));
  close(fds[1]);
  ASSERT_TRUE(s.ok()) << s;
  std::string bytes;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) bytes.append(buffer, n);
  close(fds[0]);
  auto streamed = LoadBytes(bytes);  // no folder: it must not need one
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  EXPECT_EQ(LocationOf(**streamed, "W"), "");
  EXPECT_EQ(DataOf(**streamed, "W"), kWeights);
}

// ---------------------------------------------------------------------------------------
// Special outputs.

TEST(SaveOutputs, ADescriptorPathIsWrittenToNotReplaced) {
  TempDir dir;
  SaveModel(dir / "model.onnx", {InlineFloats("W", 4, 'x')});
  auto model = Load(dir / "model.onnx");
  ASSERT_TRUE(model);
  int fd = ::open((dir / "sink").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  for (const std::string& path :
       {fmt::format("/dev/fd/{}", fd), fmt::format("/proc/self/fd/{}", fd)}) {
    Status s = SaveFile(*model, path);
    EXPECT_TRUE(s.ok()) << path << ": " << s;
  }
  ::close(fd);
  std::string once = ReadFile(dir / "model.onnx");
  EXPECT_TRUE(ReadFile(dir / "sink") == once + once);
  EXPECT_EQ(FilesIn(dir.path()), (std::vector<std::string>{"model.onnx", "sink"}));
}

TEST(SaveOutputs, ASymlinkIsFollowedNeverReplaced) {
  TempDir dir;
  SaveModel(dir / "model.onnx", {InlineFloats("W", 4, 'x')});
  auto model = Load(dir / "model.onnx");
  ASSERT_TRUE(model);
  fs::create_directories(dir / "real");
  WriteFile(dir / "real/target.onnx", "old");
  fs::create_symlink("real/target.onnx", dir / "link.onnx");
  Status s = SaveFile(*model, (dir / "link.onnx").string());
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_TRUE(fs::is_symlink(dir / "link.onnx"));
  EXPECT_TRUE(ReadFile(dir / "real/target.onnx") == ReadFile(dir / "model.onnx"));
}

// ---------------------------------------------------------------------------------------
// Modes.

mode_t ModeOf(const fs::path& file) {
  struct stat st;
  EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
  return st.st_mode & 07777;
}

class UmaskScope {
 public:
  explicit UmaskScope(mode_t mask) : previous_(::umask(mask)) {}
  ~UmaskScope() { ::umask(previous_); }

 private:
  mode_t previous_;
};

TEST(SaveModes, NewFilesFollowTheUmaskAndSideFilesTheirModel) {
  TempDir dir;
  auto owned = ModelOf({InlineFloats("W", 1024, 'x')});
  const Model& model = *owned;
  {
    UmaskScope scope(077);
    ASSERT_TRUE(SaveFile(model, (dir / "private.onnx").string(), External()).ok());
  }
  EXPECT_EQ(ModeOf(dir / "private.onnx"), 0600u);
  EXPECT_EQ(ModeOf(dir / "private.onnx.data"), 0600u);
  {
    UmaskScope scope(002);
    ASSERT_TRUE(SaveFile(model, (dir / "shared.onnx").string()).ok());
  }
  EXPECT_EQ(ModeOf(dir / "shared.onnx"), 0664u);
}

TEST(SaveModes, AReplacedFileKeepsItsMode) {
  TempDir dir;
  SaveModel(dir / "model.onnx", {InlineFloats("W", 1024, 'x')});
  fs::permissions(dir / "model.onnx", fs::perms::owner_read | fs::perms::owner_write);
  auto model = Load(dir / "model.onnx");
  ASSERT_TRUE(model);
  SaveOptions options = External();
  options.in_place = true;
  UmaskScope scope(022);
  ASSERT_TRUE(SaveFile(*model, (dir / "model.onnx").string(), options).ok());
  EXPECT_EQ(ModeOf(dir / "model.onnx"), 0600u);
  EXPECT_EQ(ModeOf(dir / "model.onnx.data"), 0600u);
}

}  // namespace
}  // namespace onnxkit
