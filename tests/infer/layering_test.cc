// The layers of DESIGN.md: check -> infer -> schema -> ir, never infer -> check. Inference
// is the engine the checker, passes and the CLI share; it must not include the checker
// (src/check/, onnxkit/check.h) or know its diagnostic codes. This test reads the sources.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;

// The inference layer's files: src/infer/* and its public header.
std::vector<fs::path> InferSources() {
  const fs::path root = ONNXKIT_SOURCE_DIR;
  std::vector<fs::path> files{root / "include/onnxkit/infer.h"};
  for (const auto& entry : fs::directory_iterator(root / "src/infer")) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

TEST(Layering, InferenceIncludesNothingOfTheChecker) {
  const std::regex checker_include(R"re(#\s*include\s*["<](check/|onnxkit/check\.h))re");
  std::vector<fs::path> files = InferSources();
  ASSERT_GT(files.size(), 5u);  // the folder was found
  for (const fs::path& file : files) {
    std::istringstream lines(testing::ReadFile(file));
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      EXPECT_FALSE(std::regex_search(line, checker_include))
          << file.string() << ":" << number << ": " << line;
    }
  }
}

TEST(Layering, InferenceKnowsNoDiagnosticCodes) {
  // A code is "group.name" in quotes, e.g. "types.inference".
  const std::regex code(R"re("(types|schema|structure)\.[a-z-]+")re");
  for (const fs::path& file : InferSources()) {
    std::istringstream lines(testing::ReadFile(file));
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      EXPECT_FALSE(std::regex_search(line, code)) << file.string() << ":" << number << ": " << line;
    }
  }
}

}  // namespace
}  // namespace onnxkit
