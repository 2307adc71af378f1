// The error type of the public API: absl::Status / absl::StatusOr.
//
// Every fallible function returns one of these; no exception crosses the API. Messages name
// the file and the place (byte offset, field path, node) so that a caller can print them as
// they are.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace onnxkit {

using Status = absl::Status;
template <typename T>
using StatusOr = absl::StatusOr<T>;

// The message as a std::string_view (absl's string_view is a distinct type on some builds).
inline std::string_view StatusMessage(const Status& status) {
  return {status.message().data(), status.message().size()};
}

}  // namespace onnxkit

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define ONNXKIT_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status onnxkit_status_ = (expr);           \
    if (!onnxkit_status_.ok()) return onnxkit_status_; \
  } while (0)

#define ONNXKIT_CONCAT_INNER(a, b) a##b
#define ONNXKIT_CONCAT(a, b) ONNXKIT_CONCAT_INNER(a, b)
// Declares `lhs` from an absl::StatusOr expression, or returns its error.
#define ONNXKIT_ASSIGN_OR_RETURN(lhs, expr) \
  ONNXKIT_ASSIGN_OR_RETURN_IMPL(ONNXKIT_CONCAT(onnxkit_or_, __LINE__), lhs, expr)
// `lhs` is a declaration, which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ONNXKIT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
