// DescribePass and PassesMarkdown: what `onnxkit passes`, `rewrite --explain` and
// docs/passes.md say about a pass, rendered from its declaration.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "onnxkit/pass.h"

namespace onnxkit {
namespace {

using ::testing::HasSubstr;
using Kind = PassOptionSpec::Kind;

class NoOpPass : public Pass {
 public:
  StatusOr<PassResult> Run(Model&, PassContext&) override { return PassResult{}; }
};

StatusOr<std::unique_ptr<Pass>> MakeNoOp(const PassOptions&) {
  return std::unique_ptr<Pass>(std::make_unique<NoOpPass>());
}

constexpr PassOptionSpec kOptions[] = {
    {"max-size", Kind::kSize, "1MiB", "Largest tensor folded"},
    {"ops", Kind::kList, "", "Op types to leave alone (a|b is not a pattern)"},
};

PassRegistry TwoPasses() {
  PassRegistry registry;
  EXPECT_TRUE(registry.Register({"fold-things", "Fold the things", kOptions, &MakeNoOp}).ok());
  EXPECT_TRUE(registry.Register({"count-ops", "Count the ops", {}, &MakeNoOp}).ok());
  return registry;
}

TEST(DescribePass, NamesSummaryAndEachOptionWithKindAndDefault) {
  PassRegistry registry = TwoPasses();
  EXPECT_EQ(DescribePass(*registry.Find("fold-things")),
            "fold-things\n"
            "  Fold the things\n"
            "  options:\n"
            "    max-size=<size>  (default 1MiB)  Largest tensor folded\n"
            "    ops=<list>  (default empty)  Op types to leave alone (a|b is not a pattern)\n");
  EXPECT_EQ(DescribePass(*registry.Find("count-ops")),
            "count-ops\n  Count the ops\n  options: none\n");
}

TEST(PassesMarkdown, ListsThePassesThenASectionEach) {
  std::string md = PassesMarkdown(TwoPasses());
  EXPECT_THAT(md, HasSubstr("- [`fold-things`](#fold-things): Fold the things\n"
                            "- [`count-ops`](#count-ops): Count the ops\n"));
  EXPECT_THAT(md, HasSubstr("\n## fold-things\n\nFold the things\n\n"
                            "| option | kind | default | meaning |\n|---|---|---|---|\n"
                            "| `max-size` | size | `1MiB` | Largest tensor folded |\n"
                            "| `ops` | list | (empty) | Op types to leave alone (a\\|b is not a "
                            "pattern) |\n"));
  EXPECT_THAT(md, HasSubstr("\n## count-ops\n\nCount the ops\n\nNo options.\n"));
  EXPECT_LT(md.find("## fold-things"), md.find("## count-ops"));
  EXPECT_THAT(md, ::testing::Not(HasSubstr("No passes are built in yet.")));
}

TEST(PassesMarkdown, DescribesEveryOptionKind) {
  std::string md = PassesMarkdown(PassRegistry());
  for (auto kind : {Kind::kBool, Kind::kInt, Kind::kSize, Kind::kString, Kind::kList}) {
    EXPECT_THAT(md, HasSubstr(fmt::format("\n| {} | ", PassOptionKindName(kind))));
  }
  EXPECT_THAT(md, HasSubstr("No passes are built in yet.\n"));
}

}  // namespace
}  // namespace onnxkit
