// Pipeline text: `a,b{key=value,other=1},c`, parsed by a small recursive-descent reader that
// names the column of every error, and printed back in the same syntax.
#include <fmt/format.h>

#include "onnxkit/pass.h"

namespace onnxkit {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
// Characters with a meaning in the syntax: they end a name, a key or a value.
bool IsSyntax(char c) { return c == ',' || c == '{' || c == '}' || c == '='; }

class PipelineReader {
 public:
  explicit PipelineReader(std::string_view text) : text_(text) {}

  StatusOr<Pipeline> Read() {
    Pipeline pipeline;
    SkipSpaces();
    if (AtEnd()) return pipeline;  // "" and "   " are the empty pipeline
    while (true) {
      ONNXKIT_ASSIGN_OR_RETURN(PipelineStep step, ReadStep());
      pipeline.steps.push_back(std::move(step));
      SkipSpaces();
      if (AtEnd()) return pipeline;
      if (Peek() != ',') return Error("expected ',' or the end of the pipeline");
      ++pos_;
    }
  }

 private:
  StatusOr<PipelineStep> ReadStep() {
    PipelineStep step;
    SkipSpaces();
    ONNXKIT_ASSIGN_OR_RETURN(step.pass, ReadWord("a pass name"));
    SkipSpaces();
    if (AtEnd() || Peek() != '{') return step;
    ++pos_;
    SkipSpaces();
    if (!AtEnd() && Peek() == '}') {  // "a{}": no options
      ++pos_;
      return step;
    }
    while (true) {
      SkipSpaces();
      ONNXKIT_ASSIGN_OR_RETURN(std::string key, ReadWord("an option name"));
      SkipSpaces();
      if (AtEnd() || Peek() != '=') {
        return Error(fmt::format("expected '=' after option '{}' (options are key=value)", key));
      }
      ++pos_;
      step.options.emplace_back(std::move(key), ReadValue());
      if (AtEnd())
        return Error(fmt::format("expected '}}' to close the options of '{}'", step.pass));
      char c = Peek();
      ++pos_;
      if (c == '}') return step;
      if (c != ',') {
        --pos_;
        return Error("expected ',' or '}' after an option value");
      }
    }
  }

  // A name or key: a run of characters that are neither spaces nor syntax.
  StatusOr<std::string> ReadWord(std::string_view what) {
    size_t begin = pos_;
    while (!AtEnd() && !IsSpace(Peek()) && !IsSyntax(Peek())) ++pos_;
    if (pos_ == begin) return Error(fmt::format("expected {}", what));
    return std::string(text_.substr(begin, pos_ - begin));
  }

  // A value: everything up to the next ',', '{', '}' or '=' with the spaces around it
  // dropped (so it may be empty, and may hold inner spaces).
  std::string ReadValue() {
    SkipSpaces();
    size_t begin = pos_;
    size_t end = pos_;
    while (!AtEnd() && !IsSyntax(Peek())) {
      ++pos_;
      if (!IsSpace(text_[pos_ - 1])) end = pos_;
    }
    return std::string(text_.substr(begin, end - begin));
  }

  void SkipSpaces() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  Status Error(std::string_view expected) const {
    std::string found = AtEnd() ? "the end" : fmt::format("'{}'", Peek());
    return absl::InvalidArgumentError(
        fmt::format("pipeline '{}': column {}: {}, found {}", text_, pos_ + 1, expected, found));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string PipelineStep::Print() const {
  if (options.empty()) return pass;
  std::string text = pass + "{";
  for (size_t i = 0; i < options.size(); ++i) {
    if (i > 0) text += ",";
    text += fmt::format("{}={}", options[i].first, options[i].second);
  }
  return text + "}";
}

StatusOr<Pipeline> Pipeline::Parse(std::string_view text) { return PipelineReader(text).Read(); }

std::string Pipeline::Print() const {
  std::string text;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (i > 0) text += ",";
    text += steps[i].Print();
  }
  return text;
}

}  // namespace onnxkit
