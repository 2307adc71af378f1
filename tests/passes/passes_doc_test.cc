// docs/passes.md is the rendering of the built-in pass table: a pass added, renamed or given
// another option without regenerating the doc fails here.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "onnxkit/pass.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

TEST(PassesDoc, IsTheRenderingOfTheBuiltinTable) {
  std::filesystem::path doc = std::filesystem::path(ONNXKIT_SOURCE_DIR) / "docs/passes.md";
  ASSERT_TRUE(std::filesystem::exists(doc)) << doc;
  std::string expected = PassesMarkdown(PassRegistry::Builtins());
  EXPECT_TRUE(testing::ReadFile(doc) == expected)
      << doc.string() << " is out of date; regenerate it with\n"
      << "  build/onnxkit passes --format=markdown > docs/passes.md\n"
      << "It should read:\n"
      << expected;
}

TEST(PassesDoc, NamesEveryBuiltinPassAndOption) {
  std::string markdown = PassesMarkdown(PassRegistry::Builtins());
  const PassRegistry builtins = PassRegistry::Builtins();
  for (const PassInfo& info : builtins.passes()) {
    EXPECT_NE(markdown.find(fmt::format("\n## {}\n\n{}\n", info.name, info.summary)),
              std::string::npos)
        << info.name;
    for (const PassOptionSpec& spec : info.options) {
      EXPECT_NE(
          markdown.find(fmt::format("| `{}` | {} |", spec.name, PassOptionKindName(spec.kind))),
          std::string::npos)
          << info.name << " " << spec.name;
    }
  }
}

}  // namespace
}  // namespace onnxkit
