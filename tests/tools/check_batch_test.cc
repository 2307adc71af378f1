// `onnxkit check` on several files: each file's diagnostics are printed as soon as it and the
// files before it are done, in input order; a failure inside one file (out of memory, a
// memory limit) is that file's error diagnostic and the others are still checked; the exit
// code and the summary cover every file; a report that cannot be written is exit 2.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "onnxkit/io.h"
#include "support/chain_model.h"
#include "support/test_support.h"
#include "tools/child_process.h"

namespace onnxkit {
namespace {

using testing::Child;
using testing::ChildOptions;
using testing::CorpusDir;
using testing::RunCli;
using testing::TempDir;

std::string Corpus(const std::string& rel) { return (CorpusDir() / rel).string(); }

// The second file is a FIFO that nobody writes yet: checking it blocks. The first file's
// diagnostics must be out before that, with one job and with two.
void ExpectFirstFileReportedWhileSecondBlocks(const std::vector<std::string>& jobs) {
  TempDir dir;
  const std::string fifo = (dir / "later.onnx").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string first = Corpus("invalid/struct_undefined_input.onnx");
  std::vector<std::string> args = {"check"};
  args.insert(args.end(), jobs.begin(), jobs.end());
  args.push_back(first);
  args.push_back(fifo);
  Child child(args);
  EXPECT_TRUE(child.WaitForStderr("structure.undefined-input", 120))
      << "the first file's diagnostics were held back";
  {
    // Unblock the second file: give it a valid model.
    std::ofstream writer(fifo, std::ios::binary);
    writer << testing::ReadFile(CorpusDir() / "models/srcnn_x3.onnx");
  }
  testing::CliResult r = child.Finish();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("2 files checked: 1 error"), std::string::npos) << r.err;
}

TEST(CheckBatch, PrintsEachFileAsSoonAsItIsDone) { ExpectFirstFileReportedWhileSecondBlocks({}); }

TEST(CheckBatch, PrintsEachFileAsSoonAsItIsDoneWithJobs) {
  ExpectFirstFileReportedWhileSecondBlocks({"-j", "2"});
}

TEST(CheckBatch, KeepsInputOrderWithManyJobs) {
  std::vector<std::string> files = {
      Corpus("invalid/model_ir_version_0.onnx"), Corpus("models/srcnn_x3.onnx"),
      Corpus("invalid/struct_undefined_input.onnx"), Corpus("invalid/struct_cycle.onnx")};
  std::vector<std::string> args = {"check", "-j", "4"};
  args.insert(args.end(), files.begin(), files.end());
  auto r = RunCli(args);
  EXPECT_EQ(r.exit_code, 1);
  size_t a = r.err.find(files[0] + ":"), c = r.err.find(files[2] + ":"),
         d = r.err.find(files[3] + ":");
  ASSERT_NE(a, std::string::npos) << r.err;
  ASSERT_NE(c, std::string::npos) << r.err;
  ASSERT_NE(d, std::string::npos) << r.err;
  EXPECT_LT(a, c);
  EXPECT_LT(c, d);
  // The JSON form lists the same diagnostics in the same order, as one valid array.
  args.insert(args.begin() + 1, "--format=json");
  auto j = RunCli(args);
  auto json = nlohmann::json::parse(j.out);
  ASSERT_TRUE(json.is_array());
  std::vector<std::string> order;
  for (const auto& item : json) {
    if (order.empty() || order.back() != item["file"]) order.push_back(item["file"]);
  }
  EXPECT_EQ(order, (std::vector<std::string>{files[0], files[2], files[3]})) << j.out;
}

TEST(CheckBatch, JsonOfCleanFilesIsAnEmptyArray) {
  auto r = RunCli({"check", "--format=json", Corpus("models/srcnn_x3.onnx")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[]\n");
}

// Under a memory limit the large file cannot be checked; the small ones around it still are,
// and the large one is reported as an error of its own instead of killing the batch.
TEST(CheckBatch, OutOfMemoryInOneFileIsThatFilesError) {
  if (testing::kUnderAddressSanitizer) GTEST_SKIP() << "RLIMIT_AS and ASan do not mix";
  TempDir dir;
  const std::string big = (dir / "big.onnx").string();
  ASSERT_TRUE(SaveFile(*testing::UnaryChain(400000), big).ok());
  const std::string before = Corpus("invalid/struct_undefined_input.onnx");
  const std::string after = Corpus("invalid/model_ir_version_0.onnx");
  for (const char* jobs : {"1", "3"}) {
    ChildOptions options;
    options.address_space = uint64_t{320} << 20;
    Child child({"check", "-j", jobs, before, big, after}, options);
    testing::CliResult r = child.Finish();
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("error[internal.out-of-memory]: " + big), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("structure.undefined-input"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("model.ir-version"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("3 files checked"), std::string::npos) << r.err;
  }
}

TEST(CheckBatch, UnwritableReportIsExitTwo) {
  // `> /dev/full`: the JSON report cannot be written.
  ChildOptions options;
  options.stdout_path = "/dev/full";
  Child child({"check", "--format=json", Corpus("invalid/struct_undefined_input.onnx")}, options);
  testing::CliResult r = child.Finish();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cannot write standard output"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace onnxkit
