// PassRegistry: the built-ins are the table's rows, each a valid declaration; Register refuses
// declarations a pipeline could not name or whose defaults do not parse; ClosestName finds
// misspellings.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onnxkit/pass.h"
#include "passes/pass_table.h"

namespace onnxkit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class NoOpPass : public Pass {
 public:
  StatusOr<PassResult> Run(Model&, PassContext&) override { return PassResult{}; }
};

StatusOr<std::unique_ptr<Pass>> MakeNoOp(const PassOptions&) {
  return std::unique_ptr<Pass>(std::make_unique<NoOpPass>());
}

PassInfo Info(std::string_view name, std::span<const PassOptionSpec> options = {}) {
  return PassInfo{name, "does nothing", options, &MakeNoOp};
}

std::vector<std::string_view> Names(const PassRegistry& registry) {
  std::vector<std::string_view> names;
  for (const PassInfo& info : registry.passes()) names.push_back(info.name);
  return names;
}

TEST(PassRegistry, BuiltinsAreTheTableInItsOrder) {
  std::vector<std::string_view> table;
  for (const PassInfo& info : passes::BuiltinPassTable()) table.push_back(info.name);
  EXPECT_EQ(Names(PassRegistry::Builtins()), table);
}

// Builtins() aborts on a bad row; this says which row and why.
TEST(PassRegistry, EveryTableRowIsAValidDeclaration) {
  PassRegistry registry;
  for (const PassInfo& info : passes::BuiltinPassTable()) {
    Status s = registry.Register(info);
    EXPECT_TRUE(s.ok()) << info.name << ": " << s;
  }
}

TEST(PassRegistry, EveryBuiltinCanBeMadeWithItsDefaults) {
  const PassRegistry builtins = PassRegistry::Builtins();
  for (const PassInfo& info : builtins.passes()) {
    auto options = PassOptions::Make(info.options, {});
    ASSERT_TRUE(options.ok()) << info.name << ": " << options.status();
    auto pass = info.create(*options);
    ASSERT_TRUE(pass.ok()) << info.name << ": " << pass.status();
    EXPECT_NE(*pass, nullptr) << info.name;
  }
}

TEST(PassRegistry, RegisteredPassesFollowTheBuiltinsAndAreFound) {
  PassRegistry registry = PassRegistry::Builtins();
  size_t builtins = registry.passes().size();
  ASSERT_TRUE(registry.Register(Info("count-ops")).ok());
  ASSERT_TRUE(registry.Register(Info("name-nodes2")).ok());
  ASSERT_EQ(registry.passes().size(), builtins + 2);
  EXPECT_EQ(registry.passes()[builtins].name, "count-ops");
  EXPECT_EQ(registry.passes()[builtins + 1].name, "name-nodes2");
  ASSERT_NE(registry.Find("count-ops"), nullptr);
  EXPECT_EQ(registry.Find("count-ops")->summary, "does nothing");
  EXPECT_EQ(registry.Find("count"), nullptr);
  EXPECT_EQ(registry.Find(""), nullptr);
}

TEST(PassRegistry, RefusesNamesAPipelineCannotSpellOrThatAreNotDashedLowerCase) {
  for (std::string_view bad : {"", "Count-ops", "count_ops", "count--ops", "-count", "count-",
                               "1count", "count ops", "count,ops", "count{ops}", "count=ops"}) {
    PassRegistry registry;
    Status s = registry.Register(Info(bad));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << "'" << bad << "'";
    EXPECT_TRUE(registry.passes().empty());
  }
}

TEST(PassRegistry, RefusesATakenName) {
  PassRegistry registry;
  ASSERT_TRUE(registry.Register(Info("count-ops")).ok());
  Status s = registry.Register(Info("count-ops"));
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(s.message()), HasSubstr("'count-ops'"));
  EXPECT_EQ(registry.passes().size(), 1u);
}

TEST(PassRegistry, RefusesAPassWithoutSummaryOrFactory) {
  PassRegistry registry;
  PassInfo no_summary = Info("a");
  no_summary.summary = "";
  EXPECT_THAT(std::string(registry.Register(no_summary).message()), HasSubstr("no summary"));
  PassInfo no_create = Info("b");
  no_create.create = nullptr;
  EXPECT_THAT(std::string(registry.Register(no_create).message()), HasSubstr("no create"));
  EXPECT_TRUE(registry.passes().empty());
}

using Kind = PassOptionSpec::Kind;

TEST(PassRegistry, RefusesBadOptionDeclarations) {
  static constexpr PassOptionSpec kBadName[] = {{"Max_Size", Kind::kSize, "1KiB", ""}};
  static constexpr PassOptionSpec kRepeated[] = {{"limit", Kind::kInt, "1", ""},
                                                 {"limit", Kind::kInt, "2", ""}};
  static constexpr PassOptionSpec kBadInt[] = {{"limit", Kind::kInt, "ten", ""}};
  static constexpr PassOptionSpec kBadSize[] = {{"max-size", Kind::kSize, "1XB", ""}};
  static constexpr PassOptionSpec kBadBool[] = {{"strict", Kind::kBool, "yes", ""}};
  static constexpr PassOptionSpec kBadString[] = {{"label", Kind::kString, "a,b", ""}};
  struct Case {
    std::span<const PassOptionSpec> specs;
    const char* message;
  };
  const Case cases[] = {
      {kBadName, "option name 'Max_Size'"}, {kRepeated, "'limit' given twice"},
      {kBadInt, "'ten' is not a int"},      {kBadSize, "'1XB' is not a size"},
      {kBadBool, "'yes' is not a bool"},    {kBadString, "'a,b' is not a string"},
  };
  for (const Case& c : cases) {
    PassRegistry registry;
    Status s = registry.Register(Info("p", c.specs));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message));
    EXPECT_THAT(std::string(s.message()), HasSubstr("pass 'p'"));
  }
}

TEST(PassRegistry, AcceptsEveryKindWithAValidDefault) {
  static constexpr PassOptionSpec kOptions[] = {{"strict", Kind::kBool, "false", "s"},
                                                {"limit", Kind::kInt, "-3", "l"},
                                                {"max-size", Kind::kSize, "1MiB", "m"},
                                                {"label", Kind::kString, "", "t"},
                                                {"ops", Kind::kList, "Add:Mul", "o"}};
  PassRegistry registry;
  Status s = registry.Register(Info("p", kOptions));
  EXPECT_TRUE(s.ok()) << s;
}

TEST(PassRegistry, ClosestNameFindsMisspellingsOnly) {
  PassRegistry registry;
  ASSERT_TRUE(registry.Register(Info("count-ops")).ok());
  ASSERT_TRUE(registry.Register(Info("name-unnamed-nodes")).ok());
  EXPECT_EQ(registry.ClosestName("count-op"), "count-ops");
  EXPECT_EQ(registry.ClosestName("cuont-ops"), "count-ops");
  EXPECT_EQ(registry.ClosestName("name-unamed-nodes"), "name-unnamed-nodes");
  EXPECT_EQ(registry.ClosestName("name"), "name-unnamed-nodes");  // a prefix
  EXPECT_EQ(registry.ClosestName("fold-constants"), "");
  EXPECT_EQ(PassRegistry().ClosestName("count-ops"), "");
}

TEST(PassRegistry, BuiltinNamesAreFoundFromNearMisses) {
  PassRegistry registry = PassRegistry::Builtins();
  for (const PassInfo& info : registry.passes()) {
    std::string misspelt(info.name.substr(0, info.name.size() - 1));
    EXPECT_EQ(registry.ClosestName(misspelt), info.name);
  }
}

TEST(PassRegistry, NamesOfEveryPassListed) {
  PassRegistry registry;
  ASSERT_TRUE(registry.Register(Info("b")).ok());
  ASSERT_TRUE(registry.Register(Info("a")).ok());
  EXPECT_THAT(Names(registry), ElementsAre("b", "a"));
}

}  // namespace
}  // namespace onnxkit
