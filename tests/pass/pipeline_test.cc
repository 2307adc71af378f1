// Pipeline::Parse and Print: the syntax `a,b{key=value,k2=v2},c`, spaces anywhere between
// tokens, errors that name the column, and Parse(Print(p)) == p for many generated pipelines.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "onnxkit/pass.h"

namespace onnxkit {
namespace {

using ::testing::HasSubstr;

Pipeline MustParse(std::string_view text) {
  auto pipeline = Pipeline::Parse(text);
  EXPECT_TRUE(pipeline.ok()) << text << ": " << pipeline.status();
  return pipeline.ok() ? *pipeline : Pipeline{};
}

TEST(Pipeline, ParsesNamesAndOptionsInOrder) {
  Pipeline p = MustParse("a,b{key=value,k2=v2},c");
  ASSERT_EQ(p.steps.size(), 3u);
  EXPECT_EQ(p.steps[0], (PipelineStep{"a", {}}));
  EXPECT_EQ(p.steps[1], (PipelineStep{"b", {{"key", "value"}, {"k2", "v2"}}}));
  EXPECT_EQ(p.steps[2], (PipelineStep{"c", {}}));
  EXPECT_EQ(p.Print(), "a,b{key=value,k2=v2},c");
}

TEST(Pipeline, IgnoresSpacesAroundNamesKeysAndValues) {
  Pipeline p = MustParse(" \ta ,\n b { key = value , k2=v2 } , c ");
  EXPECT_EQ(p, MustParse("a,b{key=value,k2=v2},c"));
}

TEST(Pipeline, EmptyTextIsTheEmptyPipeline) {
  EXPECT_TRUE(MustParse("").steps.empty());
  EXPECT_TRUE(MustParse("  ").steps.empty());
  EXPECT_EQ(MustParse("").Print(), "");
}

TEST(Pipeline, EmptyBracesAreNoOptions) { EXPECT_EQ(MustParse("a{ },b"), MustParse("a,b")); }

TEST(Pipeline, ValuesMayBeEmptyAndHoldInnerSpaces) {
  Pipeline p = MustParse("a{names=,label= two words }");
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].options, (std::vector<std::pair<std::string, std::string>>{
                                    {"names", ""}, {"label", "two words"}}));
  EXPECT_EQ(MustParse(p.Print()), p);
}

TEST(Pipeline, RepeatedOptionsAndStepsAreKeptForTheManagerToJudge) {
  Pipeline p = MustParse("a{k=1,k=2},a");
  EXPECT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].options.size(), 2u);
}

struct BadPipeline {
  const char* text;
  int column;
  const char* expected;
};

TEST(Pipeline, ErrorsNameTheColumnAndWhatWasExpected) {
  const BadPipeline cases[] = {
      {",a", 1, "expected a pass name, found ','"},
      {"a,", 3, "expected a pass name, found the end"},
      {"a,,b", 3, "expected a pass name"},
      {"a b", 3, "expected ',' or the end of the pipeline, found 'b'"},
      {"a}", 2, "expected ',' or the end"},
      {"a{", 3, "expected an option name, found the end"},
      {"a{k}", 4, "expected '=' after option 'k'"},
      {"a{k=1", 6, "expected '}' to close the options of 'a'"},
      {"a{k=1 b=2}", 8, "expected ',' or '}' after an option value, found '='"},
      {"a{k=v=w}", 6, "expected ',' or '}' after an option value, found '='"},
      {"a{k=1,}", 7, "expected an option name, found '}'"},
      {"a{=1}", 3, "expected an option name, found '='"},
      {"a{k=1}{j=2}", 7, "expected ',' or the end"},
      {"a=1", 2, "expected ',' or the end"},
  };
  for (const BadPipeline& c : cases) {
    auto parsed = Pipeline::Parse(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    std::string message(parsed.status().message());
    EXPECT_THAT(message, HasSubstr(fmt::format("column {}: {}", c.column, c.expected))) << c.text;
    EXPECT_THAT(message, HasSubstr(fmt::format("pipeline '{}'", c.text)));
  }
}

// ---------------------------------------------------------------------------------------
// Generated pipelines.

class PipelineGenerator {
 public:
  explicit PipelineGenerator(uint32_t seed) : random_(seed) {}

  Pipeline Make() {
    Pipeline p;
    int steps = Below(6);
    for (int i = 0; i < steps; ++i) {
      PipelineStep step{Word(), {}};
      int options = Below(4);
      for (int j = 0; j < options; ++j) step.options.emplace_back(Word(), Value());
      p.steps.push_back(std::move(step));
    }
    return p;
  }

  // `p` printed with random spaces between tokens and empty braces now and then: the text a
  // person might type for the same pipeline.
  std::string Loosely(const Pipeline& p) {
    std::string text = Spaces();
    for (size_t i = 0; i < p.steps.size(); ++i) {
      if (i > 0) text += "," + Spaces();
      text += p.steps[i].pass + Spaces();
      if (p.steps[i].options.empty() && Below(4) == 0) text += "{" + Spaces() + "}" + Spaces();
      if (p.steps[i].options.empty()) continue;
      text += "{" + Spaces();
      for (size_t j = 0; j < p.steps[i].options.size(); ++j) {
        const auto& [key, value] = p.steps[i].options[j];
        if (j > 0) text += "," + Spaces();
        text += key + Spaces() + "=" + Spaces() + value + Spaces();
      }
      text += "}" + Spaces();
    }
    return text;
  }

  // Any text over the syntax's characters: most of it does not parse.
  std::string Noise() {
    static constexpr std::string_view kAlphabet = "ab-1 ,{}=\t";
    std::string text;
    int length = Below(16);
    for (int i = 0; i < length; ++i) text += kAlphabet[Below(kAlphabet.size())];
    return text;
  }

 private:
  int Below(size_t n) { return static_cast<int>(random_() % n); }

  std::string Word() {
    static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789-_.:/";
    std::string word;
    int length = 1 + Below(12);
    for (int i = 0; i < length; ++i) word += kChars[Below(kChars.size())];
    return word;
  }

  // Empty, a word, or words with inner spaces.
  std::string Value() {
    switch (Below(4)) {
      case 0: return "";
      case 1: return Word() + " " + Word();
      default: return Word();
    }
  }

  std::string Spaces() {
    static constexpr std::string_view kSpaces[] = {"", "", "", " ", "  ", "\t", "\n"};
    return std::string(kSpaces[Below(std::size(kSpaces))]);
  }

  std::mt19937 random_;
};

TEST(Pipeline, PrintThenParseGivesBackTheSamePipeline) {
  PipelineGenerator generate(20261130);
  for (int i = 0; i < 2000; ++i) {
    Pipeline p = generate.Make();
    std::string printed = p.Print();
    auto parsed = Pipeline::Parse(printed);
    ASSERT_TRUE(parsed.ok()) << printed << ": " << parsed.status();
    EXPECT_EQ(*parsed, p) << printed;
    EXPECT_EQ(parsed->Print(), printed);
  }
}

TEST(Pipeline, SpacesAndEmptyBracesDoNotChangeThePipeline) {
  PipelineGenerator generate(7);
  for (int i = 0; i < 2000; ++i) {
    Pipeline p = generate.Make();
    std::string loose = generate.Loosely(p);
    auto parsed = Pipeline::Parse(loose);
    ASSERT_TRUE(parsed.ok()) << "'" << loose << "': " << parsed.status();
    EXPECT_EQ(*parsed, p) << "'" << loose << "'";
  }
}

TEST(Pipeline, AnyTextEitherFailsWithAColumnOrRoundTrips) {
  PipelineGenerator generate(99);
  int parsed_count = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text = generate.Noise();
    auto parsed = Pipeline::Parse(text);
    if (!parsed.ok()) {
      EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(": column ")) << text;
      continue;
    }
    ++parsed_count;
    auto again = Pipeline::Parse(parsed->Print());
    ASSERT_TRUE(again.ok()) << "'" << text << "' printed as '" << parsed->Print() << "'";
    EXPECT_EQ(*again, *parsed) << "'" << text << "'";
  }
  // The alphabet makes valid pipelines common enough for the round trip to be exercised.
  EXPECT_GT(parsed_count, 100);
}

}  // namespace
}  // namespace onnxkit
