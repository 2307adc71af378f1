// dump streams: its memory is bounded by the model and the largest node, not by the
// document, so a chain of hundreds of thousands of nodes dumps under a memory limit that
// the whole document would exceed; and under a limit too small even for the model it says
// so and exits 2 instead of aborting.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ir/ir_test_util.h"
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

// --initializers=full lists a tensor's values chunk by chunk: a tensor of 6M floats (24 MB,
// about 500 MB as a JSON array of numbers) dumps in full under a limit that holds the model
// and its data a few times, but not its values as a document.
TEST(DumpStreamValues, AllValuesOfALargeTensorUnderAMemoryLimit) {
  if (testing::kUnderAddressSanitizer) GTEST_SKIP() << "RLIMIT_AS and ASan do not mix";
  constexpr int64_t kCount = 6'000'000;
  TempDir dir;
  auto model = ir_test::Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[N] x) => (float[N] y) {
      y = Identity(x)
    })");
  ASSERT_NE(model, nullptr);
  std::vector<float> values(kCount);
  for (int64_t i = 0; i < kCount; ++i) values[static_cast<size_t>(i)] = static_cast<float>(i);
  auto tensor = Tensor::FromValues<float>({kCount}, values);
  ASSERT_TRUE(tensor.ok()) << tensor.status();
  tensor->name = "w";
  model->graph->AddInitializer(*std::move(tensor));
  const std::string path = (dir / "big.onnx").string();
  ASSERT_TRUE(SaveFile(*model, path).ok());
  for (const char* format : {"text", "json"}) {
    ChildOptions options;
    options.address_space = uint64_t{400} << 20;
    options.stdout_path = (dir / "out.txt").string();
    Child child({"dump", std::string("--format=") + format, "--initializers=full", path}, options);
    testing::CliResult r = child.Finish();
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    const std::string out = testing::ReadFile(options.stdout_path);
    // Every value, in order: the last ones close the listing.
    const size_t last = out.find(std::to_string(kCount - 1));
    ASSERT_NE(last, std::string::npos) << format;
    EXPECT_LT(out.find(std::to_string(kCount - 2)), last) << format;
    EXPECT_NE(out.find("4095"), std::string::npos) << format;
    EXPECT_NE(out.find("4096"), std::string::npos) << format;
  }
}

}  // namespace
}  // namespace onnxkit
