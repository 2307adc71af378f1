// Constant inputs whose values the ops' specs restrict, where libonnx's inference functions
// compute with them unchecked: SplitToSequence divides by a scalar split, Range divides by
// delta, and Split/SplitToSequence add up split sizes.
#include <fmt/format.h>

#include <algorithm>

#include "infer/precondition_rules.h"

namespace onnxkit::infer {
namespace {

void Report(const NodeFacts& node, size_t i, std::string message, Violations& out) {
  out.push_back({Violation::Kind::kInputValue, InputSlot(node, i), std::move(message)});
}

// Split sizes: a scalar chunk size >= 1 (SplitToSequence), or one size >= 0 per output.
void CheckSplitSizes(const NodeFacts& node, size_t i, Violations& out) {
  std::optional<std::vector<int64_t>> sizes = node.IntData(i);
  if (!sizes) return;
  std::optional<int> rank = node.Rank(i);
  bool scalar = rank && *rank == 0;
  if (scalar && !sizes->empty() && (*sizes)[0] < 1) {
    Report(node, i,
           fmt::format("a scalar split of {} is a chunk size and must be at least 1, "
                       "got {}",
                       node.op_type(), (*sizes)[0]),
           out);
    return;
  }
  auto negative = std::find_if(sizes->begin(), sizes->end(), [](int64_t v) { return v < 0; });
  if (negative != sizes->end()) {
    Report(node, i,
           fmt::format("split sizes of {} must not be negative, got {}", node.op_type(), *negative),
           out);
  }
}

void CheckRangeDelta(const NodeFacts& node, Violations& out) {
  std::optional<std::vector<int64_t>> delta = node.IntData(2);
  if (delta && delta->size() == 1 && (*delta)[0] == 0) {
    Report(node, 2, "delta of Range must not be 0 (the range would never end)", out);
  }
}

}  // namespace

void CheckInputValues(const NodeFacts& node, Violations& out) {
  if (node.op_type() == "SplitToSequence" || (node.op_type() == "Split" && node.num_inputs() > 1)) {
    CheckSplitSizes(node, 1, out);
  } else if (node.op_type() == "Range") {
    CheckRangeDelta(node, out);
  }
}

}  // namespace onnxkit::infer
