// Numpy-style multidirectional broadcasting (internal), for every elementwise kernel.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "eval/array.h"
#include "onnxkit/status.h"

namespace onnxkit::eval {

// The broadcast dims of several shapes, or an error naming the two that disagree.
StatusOr<std::vector<int64_t>> BroadcastDims(std::span<const std::vector<int64_t>> shapes);

// For each element of a tensor of dims `out`, the flat index of the element of a tensor of
// dims `in` (broadcastable to `out`) that it reads.
std::vector<int64_t> BroadcastIndices(std::span<const int64_t> in, std::span<const int64_t> out);

// `a` broadcast to `out` (its elements repeated; Expand's semantics once dims are known).
Array BroadcastTo(const Array& a, const std::vector<int64_t>& out);

}  // namespace onnxkit::eval
