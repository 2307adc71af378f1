// Einsum's equation, as its spec defines it: comma-separated terms of lower-case letters,
// each with at most one ellipsis ("..."), one term per input, and optionally "->" and an
// output term. libonnx counts letters in a table indexed by `letter - 'a'`, so another
// character writes outside it.
#include <fmt/format.h>

#include <string_view>

#include "infer/precondition_rules.h"

namespace onnxkit::infer {
namespace {

// Why `term` is not a term of lower-case letters with at most one "..." (empty if it is).
std::string TermProblem(std::string_view term) {
  size_t ellipsis = term.find("...");
  if (ellipsis != std::string_view::npos && term.find("...", ellipsis + 3) != term.npos) {
    return fmt::format("term '{}' has more than one ellipsis", term);
  }
  for (size_t i = 0; i < term.size(); ++i) {
    if (ellipsis != std::string_view::npos && i >= ellipsis && i < ellipsis + 3) continue;
    char c = term[i];
    if (c != ' ' && (c < 'a' || c > 'z')) {
      return fmt::format("term '{}' holds '{}', which is not a lower-case letter", term, c);
    }
  }
  return {};
}

std::string EquationProblem(std::string_view equation, size_t inputs) {
  size_t arrow = equation.find("->");
  std::string_view left = equation.substr(0, arrow);
  if (arrow != std::string_view::npos) {
    std::string_view right = equation.substr(arrow + 2);
    if (right.find("->") != right.npos) return "it has more than one '->'";
    if (right.find(',') != right.npos) return "its output has more than one term";
    if (std::string problem = TermProblem(right); !problem.empty()) return problem;
  }
  size_t terms = 0;
  for (size_t start = 0;; ++terms) {
    size_t comma = left.find(',', start);
    std::string problem = TermProblem(left.substr(start, comma - start));
    if (!problem.empty()) return problem;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (terms + 1 != inputs) {
    return fmt::format("it has {} input terms for {} inputs", terms + 1, inputs);
  }
  return {};
}

}  // namespace

void CheckEinsumEquation(const NodeFacts& node, Violations& out) {
  if (node.op_type() != "Einsum") return;
  std::optional<std::string> equation = node.String("equation");
  if (!equation) return;
  std::string problem = EquationProblem(*equation, node.num_inputs());
  if (!problem.empty()) {
    out.push_back({Violation::Kind::kAttributeValue, AttributeSlot("equation"),
                   fmt::format("Einsum equation '{}' is not valid: {}", *equation, problem)});
  }
}

}  // namespace onnxkit::infer
