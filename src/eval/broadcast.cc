#include "eval/broadcast.h"

#include <algorithm>
#include <string>

#include "fmt/format.h"

namespace onnxkit::eval {

StatusOr<std::vector<int64_t>> BroadcastDims(std::span<const std::vector<int64_t>> shapes) {
  size_t rank = 0;
  for (const auto& s : shapes) rank = std::max(rank, s.size());
  std::vector<int64_t> out(rank, 1);
  for (const auto& s : shapes) {
    const size_t shift = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& o = out[shift + i];
      const int64_t d = s[i];
      if (d == o || d == 1) continue;
      if (o == 1) {
        o = d;
        continue;
      }
      std::string all;
      for (const auto& shape : shapes) all += DimsToString(shape);
      return absl::InvalidArgumentError(fmt::format(
          "shapes {} do not broadcast: dims {} and {} meet at axis {}", all, o, d, shift + i));
    }
  }
  return out;
}

std::vector<int64_t> BroadcastIndices(std::span<const int64_t> in, std::span<const int64_t> out) {
  const size_t rank = out.size();
  const size_t shift = rank - in.size();
  // Stride of each output axis in the input: 0 where the input repeats (dim 1 or absent).
  std::vector<int64_t> in_strides = Strides(in);
  std::vector<int64_t> steps(rank, 0);
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != 1) steps[shift + i] = in_strides[i];
  }
  int64_t count = 1;
  for (int64_t d : out) count *= d;
  std::vector<int64_t> indices;
  indices.reserve(static_cast<size_t>(count));
  if (count == 0) return indices;
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (int64_t n = 0; n < count; ++n) {
    indices.push_back(offset);
    for (size_t a = rank; a-- > 0;) {
      if (++index[a] < out[a]) {
        offset += steps[a];
        break;
      }
      offset -= steps[a] * (out[a] - 1);
      index[a] = 0;
    }
  }
  return indices;
}

Array BroadcastTo(const Array& a, const std::vector<int64_t>& out) {
  if (a.dims == out) return a;
  std::vector<int64_t> indices = BroadcastIndices(a.dims, out);
  return Take(a, indices, out);
}

}  // namespace onnxkit::eval
