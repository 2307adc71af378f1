// onnxkit convert: '-' for standard input and output, never overwriting the input without
// --in-place, and outputs that appear whole or not at all.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/tensor_models.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::CorpusDir;
using ::onnxkit::testing::ExecCli;
using ::onnxkit::testing::FilesIn;
using ::onnxkit::testing::ReadFile;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::ShellExitCode;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WriteFile;
using ::testing::HasSubstr;

// Large enough for pipes to fill up, canonical so that a lossless copy is byte-equal.
const fs::path kModel = CorpusDir() / "models/squeezenet1_1.onnx";

std::string Canonical(const fs::path& file) {
  std::string out;
  EXPECT_TRUE(testing::ProtobufReserialize(ReadFile(file), &out));
  return out;
}

TEST(Convert, StdinToStdout) {
  auto r = RunCli({"convert", "-", "-o", "-"}, ReadFile(kModel));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == Canonical(kModel)) << r.out.size() << " bytes";
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(Convert, FileToStdoutAndStdinToFile) {
  TempDir dir;
  auto r = RunCli({"convert", kModel.string(), "-o", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == Canonical(kModel));

  r = RunCli({"convert", "-", "-o", (dir / "out.onnx").string()}, ReadFile(kModel));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(ReadFile(dir / "out.onnx") == Canonical(kModel));
}

TEST(Convert, InvalidStdinIsNamedAsStdin) {
  TempDir dir;
  auto r = RunCli({"convert", "-", "-o", (dir / "out.onnx").string()}, "not a model\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("<stdin>"));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(Convert, RefusesToOverwriteTheInputWithoutInPlace) {
  TempDir dir;
  fs::path in = dir / "in.onnx";
  fs::copy_file(kModel, in);
  fs::create_hard_link(in, dir / "hard_link.onnx");
  const std::string before = ReadFile(in);
  // The same file however it is spelled, and a side file landing on it.
  std::vector<std::vector<std::string>> attempts = {
      {"-o", in.string()},
      {"-o", (dir / "." / "in.onnx").string()},
      {"-o", (dir / "hard_link.onnx").string()},
      {"-o", (dir / "out.onnx").string(), "--external-data=in.onnx"},
  };
  for (const auto& extra : attempts) {
    std::vector<std::string> args = {"convert", in.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(extra);
    EXPECT_THAT(r.err, HasSubstr("--in-place"));
  }
  EXPECT_TRUE(ReadFile(in) == before);
  EXPECT_EQ(FilesIn(dir.path()), (std::vector<std::string>{"hard_link.onnx", "in.onnx"}));
}

TEST(Convert, InPlaceRewritesTheInput) {
  TempDir dir;
  fs::path in = dir / "model.onnx";
  fs::copy_file(kModel, in);
  auto original = LoadFile(kModel.string());
  ASSERT_TRUE(original.ok());

  auto r = RunCli({"convert", in.string(), "-o", in.string(), "--in-place", "--external-data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FilesIn(dir.path()), (std::vector<std::string>{"model.onnx", "model.onnx.data"}));
  EXPECT_LT(fs::file_size(in), fs::file_size(kModel) / 10);
  auto converted = LoadFile(in.string());
  ASSERT_TRUE(converted.ok()) << converted.status();
  int external = 0;
  for (const Value* v : (*converted)->graph->initializers())
    external += v->initializer()->is_external();
  EXPECT_GT(external, 0);

  // And back, in place again: the original model.
  r = RunCli({"convert", in.string(), "-o", in.string(), "--in-place", "--inline-data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ReadFile(in) == Canonical(kModel));
}

// A conversion that fails while writing leaves no output, no side file and no temporary
// file, and an existing output untouched.
TEST(Convert, FailedWriteLeavesNothingBehind) {
  TempDir dir;
  // Loads, but W (float32[2,3]) has 5 values: its bytes cannot be written out.
  fs::path bad = CorpusDir() / "invalid/tensor_float_data_count.onnx";
  WriteFile(dir / "out.onnx", "previous contents");
  auto r = RunCli({"convert", bad.string(), "-o", (dir / "out.onnx").string(), "--external-data",
                   "--size-threshold=0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("'W'"));
  EXPECT_EQ(FilesIn(dir.path()), std::vector<std::string>{"out.onnx"});
  EXPECT_EQ(ReadFile(dir / "out.onnx"), "previous contents");
}

TEST(Convert, InvalidInputLeavesNoOutput) {
  TempDir dir;
  WriteFile(dir / "out.onnx", "previous contents");
  auto r = RunCli({"convert", (CorpusDir() / "invalid/fmt_truncated_mid_tensor.onnx").string(),
                   "-o", (dir / "out.onnx").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(FilesIn(dir.path()), std::vector<std::string>{"out.onnx"});
  EXPECT_EQ(ReadFile(dir / "out.onnx"), "previous contents");
}

TEST(Convert, UsageErrorsExitTwoBeforeReadingTheModel) {
  TempDir dir;
  std::string out = (dir / "out.onnx").string();
  std::vector<std::vector<std::string>> attempts = {
      {"--external-data", "--inline-data", "-o", out},
      {"--external-data", "-o", "-"},
      {"--external-data", "--size-threshold=12 parsecs", "-o", out},
      {"--external-data=out.onnx", "-o", out},
  };
  for (const auto& extra : attempts) {
    // The input does not exist: a usage error must be found first.
    std::vector<std::string> args = {"convert", (dir / "missing.onnx").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(extra);
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr("missing.onnx"))) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(Convert, WritesIntoADeviceInsteadOfReplacingIt) {
  // Renaming a temporary file over /dev/null would replace the device (as root).
  auto r = RunCli({"convert", (CorpusDir() / "models/srcnn_x3.onnx").string(), "-o", "/dev/null"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

// The case: the side file of the output is the side file the input reads. Through
// convert and infer-shapes, as the model file or as the side file: refused, nothing changed.
TEST(Convert, RefusesToWriteOverTheInputsSideFile) {
  TempDir dir;
  fs::path edge = CorpusDir() / "valid-edge/external_data";
  fs::copy_file(edge / "model.onnx", dir / "m.onnx");
  fs::copy_file(edge / "weights.bin", dir / "weights.bin");
  const std::string weights = ReadFile(dir / "weights.bin");
  std::string m = (dir / "m.onnx").string();
  std::vector<std::vector<std::string>> attempts = {
      {"convert", m, "-o", (dir / "out.onnx").string(), "--external-data=weights.bin",
       "--size-threshold=0"},
      {"convert", m, "-o", (dir / "weights.bin").string()},
      {"convert", m, "-o", (dir / "weights.bin").string(), "--inline-data"},
      {"infer-shapes", m, "-o", (dir / "weights.bin").string()},
  };
  for (const auto& args : attempts) {
    auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << r.err;
    EXPECT_THAT(r.err, HasSubstr("weights.bin"));
    EXPECT_THAT(r.err, HasSubstr("--in-place"));
  }
  EXPECT_TRUE(ReadFile(dir / "weights.bin") == weights);
  EXPECT_EQ(FilesIn(dir.path()), (std::vector<std::string>{"m.onnx", "weights.bin"}));
  auto check = RunCli({"check", m});
  EXPECT_EQ(check.exit_code, 0) << check.err;
}

TEST(Convert, NegativeSizesAreUsageErrors) {
  TempDir dir;
  std::string out = (dir / "out.onnx").string();
  for (const std::vector<std::string>& extra :
       std::vector<std::vector<std::string>>{{"--size-threshold=-1"},
                                             {"--size-threshold=+5"},
                                             {"--align=-1"},
                                             {"--align", "-4096"},
                                             {"--align=0"}}) {
    std::vector<std::string> args = {"convert", kModel.string(), "-o", out, "--external-data"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(extra) << r.err;
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

// Every command that writes a model takes its external data along into another folder (a
// new side file beside the output) and inline to standard output.
TEST(Convert, EveryWritingCommandTakesExternalDataAlong) {
  TempDir dir;
  const fs::path source = CorpusDir() / "valid-edge/external_data/model.onnx";
  for (const char* command : {"convert", "infer-shapes"}) {
    SCOPED_TRACE(command);
    const fs::path out = dir / (std::string(command) + ".onnx");
    auto r = RunCli({command, source.string(), "-o", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(out.string() + ".data"));
    auto written = LoadFile(out.string());
    ASSERT_TRUE(written.ok()) << written.status();
    auto check = RunCli({"check", out.string()});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

    r = RunCli({command, source.string(), "-o", "-"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto streamed = LoadBytes(r.out);
    EXPECT_TRUE(streamed.ok()) << streamed.status();
  }
  // The source folder is as it was.
  EXPECT_EQ(FilesIn(source.parent_path()), (std::vector<std::string>{"model.onnx", "weights.bin"}));
}

TEST(Convert, DevStdoutIsStandardOutput) {
  TempDir dir;
  fs::path small = CorpusDir() / "models/srcnn_x3.onnx";
  for (const char* path : {"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}) {
    auto r = RunCli({"convert", small.string(), "-o", path});
    ASSERT_EQ(r.exit_code, 0) << path << ": " << r.err;
    EXPECT_TRUE(r.out == Canonical(small)) << path << ": " << r.out.size() << " bytes";
  }
}

// Runs the CLI with standard output going to `stdout_path` (no shell); the exit code.
int RunWithStdoutTo(const std::vector<std::string>& args, const char* stdout_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(stdout_path, O_WRONLY);
    int null = open("/dev/null", O_WRONLY);
    if (fd < 0 || null < 0 || dup2(fd, 1) < 0 || dup2(null, 2) < 0) _exit(127);
    ExecCli(args);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return ShellExitCode(status);
}

TEST(Convert, AFailedWriteToStandardOutputIsExitTwo) {
  fs::path small = CorpusDir() / "models/srcnn_x3.onnx";
  EXPECT_EQ(RunWithStdoutTo({"convert", small.string(), "-o", "-"}, "/dev/full"), 2);
  EXPECT_EQ(RunWithStdoutTo({"convert", small.string(), "-o", "/dev/stdout"}, "/dev/full"), 2);
  EXPECT_EQ(RunWithStdoutTo({"infer-shapes", small.string(), "-o", "-"}, "/dev/full"), 2);
}

}  // namespace
}  // namespace onnxkit
