#include "eval/axis_split.h"

#include "eval/array.h"

namespace onnxkit::eval {
namespace {

// The offsets Σ index[a] × stride[a] over the axes in `axes`, row-major.
std::vector<int64_t> Offsets(std::span<const int64_t> dims, std::span<const int64_t> strides,
                             const std::vector<size_t>& axes) {
  int64_t count = 1;
  for (size_t a : axes) count *= dims[a];
  std::vector<int64_t> offsets;
  if (count == 0) return offsets;
  offsets.reserve(static_cast<size_t>(count));
  std::vector<int64_t> index(axes.size(), 0);
  int64_t offset = 0;
  for (int64_t n = 0; n < count; ++n) {
    offsets.push_back(offset);
    for (size_t k = axes.size(); k-- > 0;) {
      const size_t a = axes[k];
      if (++index[k] < dims[a]) {
        offset += strides[a];
        break;
      }
      offset -= strides[a] * (dims[a] - 1);
      index[k] = 0;
    }
  }
  return offsets;
}

}  // namespace

AxisSplit SplitAxes(std::span<const int64_t> dims, const std::vector<bool>& folded) {
  const std::vector<int64_t> strides = Strides(dims);
  std::vector<size_t> kept, inner;
  for (size_t a = 0; a < dims.size(); ++a) (folded[a] ? inner : kept).push_back(a);
  AxisSplit split;
  split.outer = Offsets(dims, strides, kept);
  // With no groups the input is empty and its folded axes may be arbitrarily long.
  if (!split.outer.empty()) split.inner = Offsets(dims, strides, inner);
  return split;
}

}  // namespace onnxkit::eval
