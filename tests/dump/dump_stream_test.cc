// dump streams: its memory is bounded by the model and the largest node, not by the
// document, so a chain of hundreds of thousands of nodes dumps under a memory limit that
// the whole document would exceed; and under a limit too small even for the model it says
// so and exits 2 instead of aborting.
#include <gtest/gtest.h>

#include <algorithm>

#include "onnxkit/io.h"
#include "support/chain_model.h"
#include "support/test_support.h"
#include "tools/child_process.h"

namespace onnxkit {
namespace {

using testing::Child;
using testing::ChildOptions;
using testing::TempDir;

constexpr int kLength = 300000;

// A chain with long value names: the text and JSON are about 60 and 200 bytes per node; the
// model's IR takes much less than the documents would.
std::string WriteChain(const TempDir& dir) {
  const std::string path = (dir / "chain.onnx").string();
  EXPECT_TRUE(SaveFile(*testing::UnaryChain(kLength, "value_"), path).ok());
  return path;
}

class DumpStream : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::kUnderAddressSanitizer) GTEST_SKIP() << "RLIMIT_AS and ASan do not mix";
    path_ = WriteChain(dir_);
  }
  TempDir dir_;
  std::string path_;
};

TEST_F(DumpStream, LargeChainDumpsUnderAMemoryLimit) {
  for (const char* format : {"text", "json"}) {
    ChildOptions options;
    options.address_space = uint64_t{500} << 20;
    options.stdout_path = (dir_ / "out.txt").string();
    Child child({"dump", std::string("--format=") + format, path_}, options);
    testing::CliResult r = child.Finish();
    EXPECT_EQ(r.exit_code, 0) << format << ": " << r.err;
    const std::string out = testing::ReadFile(options.stdout_path);
    const std::string last = "value_" + std::to_string(kLength - 1);
    EXPECT_NE(out.find(last), std::string::npos) << format;
    EXPECT_EQ(static_cast<size_t>(std::count(out.begin(), out.end(), '\n')) > kLength, true);
  }
}

TEST_F(DumpStream, TooLittleMemoryIsReportedNotAnAbort) {
  ChildOptions options;
  options.address_space = uint64_t{60} << 20;
  options.stdout_path = "/dev/null";
  Child child({"dump", path_}, options);
  testing::CliResult r = child.Finish();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("out of memory"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace onnxkit
