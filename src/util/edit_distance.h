// The closest name to a misspelt one, for "did you mean" hints.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace onnxkit {

// Levenshtein distance between `a` and `b` (insertions, deletions, substitutions).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name`, if it is close enough to be a likely misspelling (at
// most a third of its length away, at least 1; or `name` is a prefix of it); "" otherwise.
std::string ClosestMatch(std::string_view name, std::span<const std::string_view> candidates);

}  // namespace onnxkit
