// docs/diagnostics.md lists every code the checker can emit, so that the codes users match
// on are documented.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;

TEST(DiagnosticsDoc, ListsEveryCodeInTheSource) {
  fs::path root(ONNXKIT_SOURCE_DIR);
  std::string doc = testing::ReadFile(root / "docs/diagnostics.md");
  std::regex literal(
      "\"((model|structure|schema|types|tensors|functions|external-data|lint)"
      "\\.[a-z0-9-]+)\"");
  std::regex group_code("Code\\(group, \"([a-z0-9-]+)\"\\)");
  std::regex local_error("Error\\(\"([a-z0-9-]+)\"");
  size_t codes = 0;
  for (const auto& entry : fs::directory_iterator(root / "src/check")) {
    std::string text = testing::ReadFile(entry.path());
    std::string stem = entry.path().stem().string();
    auto expect = [&](const std::string& code) {
      ++codes;
      EXPECT_NE(doc.find("`" + code + "`"), std::string::npos)
          << code << " (" << entry.path().filename() << ") is not in docs/diagnostics.md";
    };
    for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it) {
      expect((*it)[1]);
    }
    // structure_rules.cc builds "structure.x" for graphs (function bodies reuse them).
    for (std::sregex_iterator it(text.begin(), text.end(), group_code), end; it != end; ++it) {
      expect("structure." + (*it)[1].str());
    }
    // schema_rules.cc and tensor_rules.cc prefix their group.
    std::string prefix = stem == "schema_rules"   ? "schema."
                         : stem == "tensor_rules" ? "tensors."
                                                  : "";
    if (prefix.empty()) continue;
    for (std::sregex_iterator it(text.begin(), text.end(), local_error), end; it != end; ++it) {
      expect(prefix + (*it)[1].str());
    }
  }
  EXPECT_GT(codes, 60u);
}

// `check` itself reports files it cannot load and failures inside the checker.
TEST(DiagnosticsDoc, ListsTheCodesOfTheCheckCommand) {
  fs::path root(ONNXKIT_SOURCE_DIR);
  std::string doc = testing::ReadFile(root / "docs/diagnostics.md");
  std::string text = testing::ReadFile(root / "tools/cmd_check.cc");
  std::regex literal("\"((load|io|internal)\\.[a-z0-9-]+)\"");
  size_t codes = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it) {
    ++codes;
    EXPECT_NE(doc.find("`" + (*it)[1].str() + "`"), std::string::npos)
        << (*it)[1] << " (tools/cmd_check.cc) is not in docs/diagnostics.md";
  }
  EXPECT_GE(codes, 4u);
}

}  // namespace
}  // namespace onnxkit
