// Splitting a tensor's axes into the ones a kernel walks over and the ones it folds (internal).
//
// Reductions, ArgMax, TopK, CumSum, Softmax and LayerNormalization all treat a tensor as
// groups of elements: the kept axes name a group, the folded axes an element within it.
// A flat element offset is then outer[g] + inner[e], which lets each kernel loop over
// plain offsets instead of multi-indices.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace onnxkit::eval {

struct AxisSplit {
  // The offset of the first element of each group, the kept axes in row-major order.
  std::vector<int64_t> outer;
  // The offset of each element within a group, the folded axes in row-major order (left
  // empty when there are no groups: a zero-sized kept axis).
  std::vector<int64_t> inner;
};

// The split of a row-major tensor of `dims`; folded[a] says whether axis a is folded.
AxisSplit SplitAxes(std::span<const int64_t> dims, const std::vector<bool>& folded);

}  // namespace onnxkit::eval
