// Shape and data-movement kernels: ops that read only dims (Shape, Size), build tensors
// from attributes (Constant, ConstantOfShape, Range, OneHot) or move elements (Reshape …
// Trilu). Every mover computes the flat source index of each output element and calls
// Take, so one body serves every element type, strings and bool included.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "eval/broadcast.h"
#include "eval/kernel.h"
#include "fmt/format.h"
#include "onnxkit/constant.h"

namespace onnxkit::eval {
namespace {

using Outputs = StatusOr<std::vector<Array>>;

constexpr int32_t kInt64 = static_cast<int32_t>(DataType::kInt64);

std::vector<Array> One(Array a) {
  std::vector<Array> out;
  out.push_back(std::move(a));
  return out;
}

// `src` with the scalar `fill` appended as element src.size(): index lists use that
// position for the elements a pad or a mask fills in.
Array WithFill(const Array& src, const Array& fill) {
  Array out = src;
  out.Visit([&](auto& to) {
    using Vec = std::decay_t<decltype(to)>;
    fill.Visit([&](const auto& from) {
      if constexpr (std::is_same_v<Vec, std::decay_t<decltype(from)>>) to.push_back(from[0]);
    });
  });
  return out;
}

// Calls f(index, flat) for every element of a tensor of `dims`, in row-major order.
template <typename F>
void ForEachIndex(std::span<const int64_t> dims, F&& f) {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  if (count == 0) return;
  std::vector<int64_t> index(dims.size(), 0);
  for (int64_t flat = 0; flat < count; ++flat) {
    f(index, flat);
    for (size_t a = dims.size(); a-- > 0;) {
      if (++index[a] < dims[a]) break;
      index[a] = 0;
    }
  }
}

// The integer values of an index/shape input, refusing non-integral floating values.
StatusOr<std::vector<int64_t>> IntValues(const KernelContext& ctx, const Array& a,
                                         std::string_view what) {
  if (a.storage() == Storage::kString) return ctx.Error(fmt::format("{} must be numeric", what));
  if (a.storage() == Storage::kReal) {
    for (double v : a.reals) {
      if (!std::isfinite(v) || v != std::trunc(v)) {
        return ctx.Unsupported(fmt::format("{} holds the non-integral value {}", what, v));
      }
    }
  }
  return a.ToInt64s();
}

StatusOr<std::vector<int64_t>> Int64Input(const KernelContext& ctx, size_t i,
                                          std::string_view what) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(i));
  if (a->rank() > 1)
    return ctx.Error(fmt::format("{} must be 1-D, not of rank {}", what, a->rank()));
  return IntValues(ctx, *a, what);
}

// The axes `values` (each in [-rank, rank)) made non-negative; duplicates are an error.
StatusOr<std::vector<int64_t>> NormalizedAxes(const KernelContext& ctx,
                                              std::span<const int64_t> values, int64_t rank,
                                              bool allow_negative) {
  std::vector<int64_t> axes;
  for (int64_t v : values) {
    if (v < 0 && !allow_negative) {
      return ctx.Error(fmt::format("negative axis {} needs opset 11 or newer", v));
    }
    ONNXKIT_ASSIGN_OR_RETURN(int64_t a, ctx.Axis(v, rank));
    if (std::find(axes.begin(), axes.end(), a) != axes.end()) {
      return ctx.Error(fmt::format("axis {} is given twice", a));
    }
    axes.push_back(a);
  }
  return axes;
}

// Transpose's index list: element i of the output reads element indices[i] of the input.
std::vector<int64_t> PermutedIndices(std::span<const int64_t> dims, std::span<const int64_t> perm,
                                     std::vector<int64_t>& out_dims) {
  std::vector<int64_t> in_strides = Strides(dims);
  out_dims.clear();
  std::vector<int64_t> steps;
  for (int64_t p : perm) {
    out_dims.push_back(dims[static_cast<size_t>(p)]);
    steps.push_back(in_strides[static_cast<size_t>(p)]);
  }
  std::vector<int64_t> indices;
  ForEachIndex(out_dims, [&](const std::vector<int64_t>& index, int64_t) {
    int64_t offset = 0;
    for (size_t a = 0; a < index.size(); ++a) offset += index[a] * steps[a];
    indices.push_back(offset);
  });
  return indices;
}

// ---- Shape, Size, Identity, Constant, ConstantOfShape -----------------------------------

Outputs ShapeKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  const int64_t rank = data->rank();
  int64_t start = 0;
  int64_t end = rank;
  if (ctx.version() >= 15) {
    // start/end clamp to [0, rank] after adding rank to negative values.
    auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
    start = clamp(ctx.Int("start", 0));
    if (auto e = ctx.Int("end")) end = clamp(*e);
  }
  std::vector<int64_t> dims;
  for (int64_t a = start; a < end; ++a) dims.push_back(data->dims[static_cast<size_t>(a)]);
  return One(Array::Int64s(std::move(dims)));
}

Outputs SizeKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  return One(Array::Ints(kInt64, {}, {data->size()}));
}

Outputs IdentityKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  return One(*data);
}

Outputs ConstantKernel(const KernelContext& ctx) {
  const Node& node = ctx.node();
  if (node.outputs().empty() || node.output(0) == nullptr) return ctx.Error("has no output");
  // ConstantTensor reads every form (value, sparse_value, value_float(s), value_int(s),
  // value_string(s)) and refuses a Constant with none or several.
  auto tensor = ConstantTensor(node.output(0));
  if (!tensor.ok()) {
    if (tensor.status().code() == absl::StatusCode::kNotFound) {
      return ctx.Unsupported("its value refers to a function attribute");
    }
    return Status(tensor.status().code(),
                  fmt::format("{}: {}", node.op_type, StatusMessage(tensor.status())));
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(tensor->dims));
  (void)count;
  ONNXKIT_ASSIGN_OR_RETURN(Array a, FromTensor(*tensor, ctx.options().max_elements));
  return One(std::move(a));
}

Outputs ConstantOfShapeKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> dims, Int64Input(ctx, 0, "shape"));
  for (int64_t d : dims) {
    if (d < 0) return ctx.Error(fmt::format("shape {} has a negative dim", DimsToString(dims)));
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(dims));
  Array fill = Array::Reals(static_cast<int32_t>(DataType::kFloat), {1}, {0.0});
  if (const Tensor* value = ctx.node().GetTensor("value")) {
    ONNXKIT_ASSIGN_OR_RETURN(fill, FromTensor(*value, ctx.options().max_elements));
    if (fill.size() != 1) {
      return ctx.Error(fmt::format("attribute 'value' must hold one element, not {}", fill.size()));
    }
  }
  std::vector<int64_t> zeros(static_cast<size_t>(count), 0);
  return One(Take(fill, zeros, std::move(dims)));
}

// ---- Reshape, Flatten, Squeeze, Unsqueeze ----------------------------------------------

Outputs ReshapeKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> shape, Int64Input(ctx, 1, "shape"));
  const bool allowzero = ctx.version() >= 14 && ctx.Int("allowzero", 0) != 0;
  int64_t inferred = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t& d = shape[i];
    if (d == -1) {
      if (inferred >= 0) return ctx.Error("shape has more than one -1");
      inferred = static_cast<int64_t>(i);
      continue;
    }
    if (d < -1) return ctx.Error(fmt::format("shape has the invalid dim {}", d));
    if (d == 0 && !allowzero) {
      if (i >= data->dims.size()) {
        return ctx.Error(
            fmt::format("shape dim {} is 0 but the input has rank {}", i, data->rank()));
      }
      d = data->dims[i];
    }
    ONNXKIT_ASSIGN_OR_RETURN(known, ctx.Count(std::vector<int64_t>{known, d}));
  }
  const int64_t count = data->size();
  if (inferred >= 0) {
    if (known == 0 || count % known != 0) {
      return ctx.Error(fmt::format("cannot infer the -1 of shape {} for {} elements",
                                   DimsToString(shape), count));
    }
    shape[static_cast<size_t>(inferred)] = count / known;
  } else if (known != count) {
    return ctx.Error(
        fmt::format("shape {} holds {} elements, the input {}", DimsToString(shape), known, count));
  }
  return One(data->Reshaped(std::move(shape)));
}

Outputs FlattenKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  const int64_t rank = data->rank();
  int64_t axis = ctx.Int("axis", 1);
  if (axis < 0 && ctx.version() < 11) {
    return ctx.Error(fmt::format("negative axis {} needs opset 11 or newer", axis));
  }
  if (axis < -rank || axis > rank) {
    return ctx.Error(fmt::format("axis {} is out of range for rank {}", axis, rank));
  }
  if (axis < 0) axis += rank;
  int64_t outer = 1;
  int64_t inner = 1;
  for (int64_t a = 0; a < rank; ++a)
    (a < axis ? outer : inner) *= data->dims[static_cast<size_t>(a)];
  return One(data->Reshaped({outer, inner}));
}

// Squeeze/Unsqueeze axes: the attribute before opset 13, the (optional) input from 13 on.
StatusOr<std::optional<std::vector<int64_t>>> AxesOf(const KernelContext& ctx) {
  if (ctx.version() < 13) return ctx.Ints("axes");
  if (ctx.input(1) == nullptr) return std::optional<std::vector<int64_t>>();
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> axes, Int64Input(ctx, 1, "axes"));
  return std::optional<std::vector<int64_t>>(std::move(axes));
}

Outputs SqueezeKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(auto given, AxesOf(ctx));
  const int64_t rank = data->rank();
  std::vector<bool> drop(static_cast<size_t>(rank), false);
  if (given) {
    ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> axes,
                             NormalizedAxes(ctx, *given, rank, ctx.version() >= 11));
    for (int64_t a : axes) {
      if (data->dims[static_cast<size_t>(a)] != 1) {
        return ctx.Error(
            fmt::format("cannot squeeze axis {} of dim {}", a, data->dims[static_cast<size_t>(a)]));
      }
      drop[static_cast<size_t>(a)] = true;
    }
  } else {
    for (int64_t a = 0; a < rank; ++a)
      drop[static_cast<size_t>(a)] = data->dims[static_cast<size_t>(a)] == 1;
  }
  std::vector<int64_t> dims;
  for (int64_t a = 0; a < rank; ++a) {
    if (!drop[static_cast<size_t>(a)]) dims.push_back(data->dims[static_cast<size_t>(a)]);
  }
  return One(data->Reshaped(std::move(dims)));
}

Outputs UnsqueezeKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(auto given, AxesOf(ctx));
  if (!given) return ctx.Error("axes are required");
  const int64_t out_rank = data->rank() + static_cast<int64_t>(given->size());
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> axes,
                           NormalizedAxes(ctx, *given, out_rank, ctx.version() >= 11));
  std::vector<int64_t> dims;
  size_t next = 0;
  for (int64_t a = 0; a < out_rank; ++a) {
    if (std::find(axes.begin(), axes.end(), a) != axes.end()) {
      dims.push_back(1);
    } else {
      dims.push_back(data->dims[next++]);
    }
  }
  return One(data->Reshaped(std::move(dims)));
}

// ---- Concat, Split, Slice, Transpose ---------------------------------------------------

Outputs ConcatKernel(const KernelContext& ctx) {
  std::vector<const Array*> parts;
  for (size_t i = 0; i < ctx.input_count(); ++i) {
    ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(i));
    parts.push_back(a);
  }
  if (parts.empty()) return ctx.Error("needs at least one input");
  const Array& first = *parts[0];
  const int64_t rank = first.rank();
  if (rank == 0) return ctx.Error("cannot concatenate scalars");
  std::optional<int64_t> attr = ctx.Int("axis");
  if (!attr) return ctx.Error("attribute 'axis' is required");
  if (*attr < 0 && ctx.version() < 11) {
    return ctx.Error(fmt::format("negative axis {} needs opset 11 or newer", *attr));
  }
  ONNXKIT_ASSIGN_OR_RETURN(const int64_t axis, ctx.Axis(*attr, rank));
  std::vector<int64_t> dims = first.dims;
  dims[static_cast<size_t>(axis)] = 0;
  for (const Array* p : parts) {
    if (p->type != first.type) return ctx.Error("inputs have different element types");
    bool same = p->rank() == rank;
    for (int64_t a = 0; same && a < rank; ++a) {
      same = a == axis || p->dims[static_cast<size_t>(a)] == first.dims[static_cast<size_t>(a)];
    }
    if (!same) {
      return ctx.Error(fmt::format("inputs of dims {} and {} do not concatenate on axis {}",
                                   DimsToString(first.dims), DimsToString(p->dims), axis));
    }
    dims[static_cast<size_t>(axis)] += p->dims[static_cast<size_t>(axis)];
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(dims));
  (void)count;
  // Blocks: `outer` rows, each the concatenation of every part's row of dims[axis:].
  int64_t outer = 1;
  for (int64_t a = 0; a < axis; ++a) outer *= first.dims[static_cast<size_t>(a)];
  Array out = Array::Zeros(first.type, dims);
  int64_t to = 0;
  for (int64_t row = 0; row < outer; ++row) {
    for (const Array* p : parts) {
      const int64_t block = outer == 0 ? 0 : p->size() / outer;
      for (int64_t k = 0; k < block; ++k) CopyElement(*p, row * block + k, out, to++);
    }
  }
  return One(std::move(out));
}

// The sizes Split cuts along `axis` of length `dim` into `outputs` parts.
StatusOr<std::vector<int64_t>> SplitSizes(const KernelContext& ctx, int64_t dim, size_t outputs) {
  std::optional<std::vector<int64_t>> split;
  if (ctx.version() < 13) {
    split = ctx.Ints("split");
  } else if (ctx.input(1) != nullptr) {
    ONNXKIT_ASSIGN_OR_RETURN(split, Int64Input(ctx, 1, "split"));
  }
  std::optional<int64_t> num_outputs = ctx.version() >= 18 ? ctx.Int("num_outputs") : std::nullopt;
  if (split && num_outputs) return ctx.Error("has both a split input and 'num_outputs'");
  if (split) {
    if (split->size() != outputs) {
      return ctx.Error(fmt::format("split has {} entries for {} outputs", split->size(), outputs));
    }
    int64_t total = 0;
    for (int64_t s : *split) {
      if (s < 0) return ctx.Error(fmt::format("split has the negative size {}", s));
      total += s;
    }
    if (total != dim) {
      return ctx.Error(fmt::format("split sizes add up to {}, the axis has {}", total, dim));
    }
    return *split;
  }
  const int64_t n = num_outputs.value_or(static_cast<int64_t>(outputs));
  if (n <= 0 || static_cast<size_t>(n) != outputs) {
    return ctx.Error(fmt::format("num_outputs {} does not match the {} outputs", n, outputs));
  }
  if (!num_outputs && dim % n != 0) {
    return ctx.Error(fmt::format("axis of {} does not split evenly into {} parts", dim, n));
  }
  // num_outputs (opset 18) on an uneven axis: parts of ceil(dim / n), the last smaller.
  const int64_t chunk = dim % n == 0 ? dim / n : dim / n + 1;
  std::vector<int64_t> sizes(static_cast<size_t>(n), chunk);
  sizes.back() = dim - (n - 1) * chunk;
  if (sizes.back() < 0) {
    return ctx.Error(fmt::format("axis of {} does not split into {} parts", dim, n));
  }
  return sizes;
}

Outputs SplitKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  const int64_t attr = ctx.Int("axis", 0);
  if (attr < 0 && ctx.version() < 11) {
    return ctx.Error(fmt::format("negative axis {} needs opset 11 or newer", attr));
  }
  ONNXKIT_ASSIGN_OR_RETURN(const int64_t axis, ctx.Axis(attr, data->rank()));
  const int64_t dim = data->dims[static_cast<size_t>(axis)];
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> sizes,
                           SplitSizes(ctx, dim, ctx.node().outputs().size()));
  std::vector<int64_t> strides = Strides(data->dims);
  const int64_t step = strides[static_cast<size_t>(axis)];  // elements per index of `axis`
  int64_t outer = 1;
  for (int64_t a = 0; a < axis; ++a) outer *= data->dims[static_cast<size_t>(a)];
  std::vector<Array> outputs;
  int64_t begin = 0;
  for (int64_t size : sizes) {
    std::vector<int64_t> dims = data->dims;
    dims[static_cast<size_t>(axis)] = size;
    std::vector<int64_t> indices;
    for (int64_t row = 0; row < outer; ++row) {
      const int64_t base = row * dim * step + begin * step;
      for (int64_t k = 0; k < size * step; ++k) indices.push_back(base + k);
    }
    outputs.push_back(Take(*data, indices, std::move(dims)));
    begin += size;
  }
  return outputs;
}

Outputs SliceKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  const int64_t rank = data->rank();
  std::vector<int64_t> starts, ends, steps;
  std::optional<std::vector<int64_t>> given_axes;
  if (ctx.version() < 10) {
    auto s = ctx.Ints("starts");
    auto e = ctx.Ints("ends");
    if (!s || !e) return ctx.Error("attributes 'starts' and 'ends' are required");
    starts = *s;
    ends = *e;
    given_axes = ctx.Ints("axes");
  } else {
    ONNXKIT_ASSIGN_OR_RETURN(starts, Int64Input(ctx, 1, "starts"));
    ONNXKIT_ASSIGN_OR_RETURN(ends, Int64Input(ctx, 2, "ends"));
    if (ctx.input(3) != nullptr) {
      ONNXKIT_ASSIGN_OR_RETURN(given_axes, Int64Input(ctx, 3, "axes"));
    }
    if (ctx.input(4) != nullptr) {
      ONNXKIT_ASSIGN_OR_RETURN(steps, Int64Input(ctx, 4, "steps"));
    }
  }
  if (ends.size() != starts.size()) {
    return ctx.Error(fmt::format("starts has {} entries, ends {}", starts.size(), ends.size()));
  }
  std::vector<int64_t> axis_list;
  if (given_axes) {
    axis_list = *given_axes;
  } else {
    axis_list.resize(starts.size());
    std::iota(axis_list.begin(), axis_list.end(), 0);
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axis_list.size() != starts.size() || steps.size() != starts.size()) {
    return ctx.Error("starts, ends, axes and steps differ in length");
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> axes,
                           NormalizedAxes(ctx, axis_list, rank, ctx.version() >= 11));
  std::vector<int64_t> first(static_cast<size_t>(rank), 0);
  std::vector<int64_t> step(static_cast<size_t>(rank), 1);
  std::vector<int64_t> dims = data->dims;
  for (size_t i = 0; i < axes.size(); ++i) {
    const auto a = static_cast<size_t>(axes[i]);
    const int64_t dim = data->dims[a];
    const int64_t s = steps[i];
    if (s == 0) return ctx.Error(fmt::format("step of axis {} is 0", a));
    int64_t b = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    int64_t n = 0;
    if (s > 0) {
      b = std::clamp(b, int64_t{0}, dim);
      e = std::clamp(e, int64_t{0}, dim);
      n = e > b ? (e - b + s - 1) / s : 0;
    } else {
      b = std::clamp(b, int64_t{0}, dim - 1);
      e = std::clamp(e, int64_t{-1}, dim - 1);
      n = b > e ? (b - e - s - 1) / -s : 0;
    }
    first[a] = b;
    step[a] = s;
    dims[a] = n;
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(dims));
  (void)count;
  std::vector<int64_t> strides = Strides(data->dims);
  std::vector<int64_t> indices;
  ForEachIndex(dims, [&](const std::vector<int64_t>& index, int64_t) {
    int64_t offset = 0;
    for (size_t a = 0; a < index.size(); ++a)
      offset += (first[a] + index[a] * step[a]) * strides[a];
    indices.push_back(offset);
  });
  return One(Take(*data, indices, std::move(dims)));
}

Outputs TransposeKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  const int64_t rank = data->rank();
  std::vector<int64_t> perm(static_cast<size_t>(rank));
  if (auto given = ctx.Ints("perm")) {
    perm = *given;
    std::vector<int64_t> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    bool valid = static_cast<int64_t>(perm.size()) == rank;
    for (int64_t a = 0; valid && a < rank; ++a) valid = sorted[static_cast<size_t>(a)] == a;
    if (!valid) {
      return ctx.Error(
          fmt::format("perm {} is not a permutation of the {} axes", DimsToString(perm), rank));
    }
  } else {
    for (int64_t a = 0; a < rank; ++a) perm[static_cast<size_t>(a)] = rank - 1 - a;
  }
  std::vector<int64_t> dims;
  std::vector<int64_t> indices = PermutedIndices(data->dims, perm, dims);
  return One(Take(*data, indices, std::move(dims)));
}

// ---- Expand, Tile, Pad ----------------------------------------------------------------

Outputs ExpandKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> shape, Int64Input(ctx, 1, "shape"));
  for (int64_t d : shape) {
    if (d < 0) return ctx.Error(fmt::format("shape {} has a negative dim", DimsToString(shape)));
  }
  std::vector<std::vector<int64_t>> shapes{data->dims, shape};
  auto dims = BroadcastDims(shapes);
  if (!dims.ok()) return ctx.Error(StatusMessage(dims.status()));
  ONNXKIT_RETURN_IF_ERROR(ctx.Count(*dims).status());
  return One(BroadcastTo(*data, *dims));
}

Outputs TileKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> repeats, Int64Input(ctx, 1, "repeats"));
  const int64_t rank = data->rank();
  if (static_cast<int64_t>(repeats.size()) != rank) {
    return ctx.Error(fmt::format("repeats has {} entries for rank {}", repeats.size(), rank));
  }
  std::vector<int64_t> dims;
  for (int64_t a = 0; a < rank; ++a) {
    const int64_t r = repeats[static_cast<size_t>(a)];
    if (r < 0) return ctx.Error(fmt::format("repeat {} of axis {} is negative", r, a));
    ONNXKIT_ASSIGN_OR_RETURN(
        int64_t d, ctx.Count(std::vector<int64_t>{data->dims[static_cast<size_t>(a)], r}));
    dims.push_back(d);
  }
  ONNXKIT_RETURN_IF_ERROR(ctx.Count(dims).status());
  std::vector<int64_t> strides = Strides(data->dims);
  std::vector<int64_t> indices;
  ForEachIndex(dims, [&](const std::vector<int64_t>& index, int64_t) {
    int64_t offset = 0;
    for (size_t a = 0; a < index.size(); ++a) offset += (index[a] % data->dims[a]) * strides[a];
    indices.push_back(offset);
  });
  return One(Take(*data, indices, std::move(dims)));
}

// The input position a padded coordinate `i` (before removing the begin pad) reads along an
// axis of `dim` elements, or -1 for the constant.
int64_t PadSource(std::string_view mode, int64_t i, int64_t dim) {
  if (i >= 0 && i < dim) return i;
  if (mode == "edge") return i < 0 ? 0 : dim - 1;
  if (mode == "wrap") return ((i % dim) + dim) % dim;
  if (mode == "reflect") {
    if (dim == 1) return 0;
    // numpy's reflect: mirror on the end elements, without repeating them, period 2(dim-1).
    const int64_t period = 2 * (dim - 1);
    int64_t k = ((i % period) + period) % period;
    return k < dim ? k : period - k;
  }
  return -1;
}

Outputs PadKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  const int64_t rank = data->rank();
  const std::string mode = ctx.String("mode").value_or("constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" &&
      !(mode == "wrap" && ctx.version() >= 19)) {
    return ctx.Error(
        fmt::format("mode '{}' is not one of the modes of opset {}", mode, ctx.version()));
  }
  std::vector<int64_t> pads;
  Array fill = Array::Zeros(data->type, {});
  std::vector<int64_t> axes(static_cast<size_t>(rank));
  std::iota(axes.begin(), axes.end(), 0);
  if (ctx.version() < 11) {
    auto p = ctx.Ints("pads");
    if (!p) return ctx.Error("attribute 'pads' is required");
    pads = *p;
    const double value = ctx.Float("value", 0.0f);
    if (fill.storage() == Storage::kString) {
      if (value != 0) return ctx.Error("a string tensor cannot be padded with a number");
    } else if (fill.storage() == Storage::kReal) {
      fill.reals[0] = value;
    } else if (fill.storage() == Storage::kInt) {
      fill.ints[0] = WrapTo(fill.type, static_cast<int64_t>(value));
    } else {
      fill.uints[0] = static_cast<uint64_t>(value);
    }
  } else {
    ONNXKIT_ASSIGN_OR_RETURN(pads, Int64Input(ctx, 1, "pads"));
    if (const Array* c = ctx.input(2); c != nullptr && c->size() > 0) {
      if (c->type != data->type) return ctx.Error("constant_value has another type than data");
      if (c->size() != 1) return ctx.Error("constant_value must hold one element");
      fill = c->Reshaped({});
    }
    if (ctx.version() >= 18 && ctx.input(3) != nullptr) {
      ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> given, Int64Input(ctx, 3, "axes"));
      ONNXKIT_ASSIGN_OR_RETURN(axes, NormalizedAxes(ctx, given, rank, true));
    }
  }
  if (pads.size() != 2 * axes.size()) {
    return ctx.Error(fmt::format("pads has {} entries for {} axes", pads.size(), axes.size()));
  }
  std::vector<int64_t> begin(static_cast<size_t>(rank), 0);
  std::vector<int64_t> dims = data->dims;
  for (size_t i = 0; i < axes.size(); ++i) {
    const auto a = static_cast<size_t>(axes[i]);
    const int64_t pb = pads[i];
    const int64_t pe = pads[i + axes.size()];
    const int64_t dim = data->dims[a];
    if (mode != "constant" && (pb > 0 || pe > 0)) {
      if (pb < 0 || pe < 0) {
        return ctx.Unsupported(
            fmt::format("mode '{}' with a negative and a positive pad on axis {}", mode, a));
      }
      if (dim == 0)
        return ctx.Error(fmt::format("mode '{}' cannot pad the empty axis {}", mode, a));
    }
    begin[a] = pb;
    dims[a] = dim + pb + pe;
    if (dims[a] < 0) {
      return ctx.Error(fmt::format("pads {} and {} remove more than the {} elements of axis {}", pb,
                                   pe, dim, a));
    }
  }
  ONNXKIT_RETURN_IF_ERROR(ctx.Count(dims).status());
  std::vector<int64_t> strides = Strides(data->dims);
  const int64_t fill_index = data->size();
  std::vector<int64_t> indices;
  ForEachIndex(dims, [&](const std::vector<int64_t>& index, int64_t) {
    int64_t offset = 0;
    for (size_t a = 0; a < index.size(); ++a) {
      const int64_t src = PadSource(mode, index[a] - begin[a], data->dims[a]);
      if (src < 0) {
        offset = fill_index;
        break;
      }
      offset += src * strides[a];
    }
    indices.push_back(offset);
  });
  return One(Take(WithFill(*data, fill), indices, std::move(dims)));
}

// ---- DepthToSpace, SpaceToDepth, Trilu -------------------------------------------------

struct Blocks {
  int64_t n, c, h, w, b;
  bool crd;
};

StatusOr<Blocks> BlocksOf(const KernelContext& ctx, const Array& data, bool mode_allowed) {
  if (data.rank() != 4)
    return ctx.Error(fmt::format("input must have rank 4, not {}", data.rank()));
  std::optional<int64_t> b = ctx.Int("blocksize");
  if (!b || *b <= 0) return ctx.Error("attribute 'blocksize' must be a positive integer");
  const std::string mode = mode_allowed ? ctx.String("mode").value_or("DCR") : "DCR";
  if (mode != "DCR" && mode != "CRD") return ctx.Error(fmt::format("unknown mode '{}'", mode));
  return Blocks{data.dims[0], data.dims[1], data.dims[2], data.dims[3], *b, mode == "CRD"};
}

Outputs DepthToSpaceKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(Blocks k, BlocksOf(ctx, *data, ctx.version() >= 11));
  if (k.c % (k.b * k.b) != 0) {
    return ctx.Error(
        fmt::format("channels {} are not a multiple of blocksize² {}", k.c, k.b * k.b));
  }
  const int64_t c2 = k.c / (k.b * k.b);
  std::vector<int64_t> dims{k.n, c2, k.h * k.b, k.w * k.b};
  ONNXKIT_RETURN_IF_ERROR(ctx.Count(dims).status());
  std::vector<int64_t> indices;
  ForEachIndex(dims, [&](const std::vector<int64_t>& i, int64_t) {
    const int64_t bi = i[2] % k.b, bj = i[3] % k.b;
    const int64_t channel = k.crd ? i[1] * k.b * k.b + bi * k.b + bj : (bi * k.b + bj) * c2 + i[1];
    indices.push_back(((i[0] * k.c + channel) * k.h + i[2] / k.b) * k.w + i[3] / k.b);
  });
  return One(Take(*data, indices, std::move(dims)));
}

Outputs SpaceToDepthKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(Blocks k, BlocksOf(ctx, *data, ctx.version() >= 28));
  if (k.h % k.b != 0 || k.w % k.b != 0) {
    return ctx.Error(
        fmt::format("spatial dims {}×{} are not multiples of blocksize {}", k.h, k.w, k.b));
  }
  const int64_t h2 = k.h / k.b, w2 = k.w / k.b;
  std::vector<int64_t> dims{k.n, k.c * k.b * k.b, h2, w2};
  ONNXKIT_RETURN_IF_ERROR(ctx.Count(dims).status());
  std::vector<int64_t> indices;
  ForEachIndex(dims, [&](const std::vector<int64_t>& i, int64_t) {
    // DCR: channel = (bi·b + bj)·C + c; CRD: channel = c·b² + bi·b + bj.
    int64_t c, block;
    if (k.crd) {
      c = i[1] / (k.b * k.b);
      block = i[1] % (k.b * k.b);
    } else {
      c = i[1] % k.c;
      block = i[1] / k.c;
    }
    const int64_t bi = block / k.b, bj = block % k.b;
    indices.push_back(((i[0] * k.c + c) * k.h + i[2] * k.b + bi) * k.w + i[3] * k.b + bj);
  });
  return One(Take(*data, indices, std::move(dims)));
}

Outputs TriluKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  if (data->rank() < 2)
    return ctx.Error(fmt::format("input must have rank ≥ 2, not {}", data->rank()));
  int64_t k = 0;
  if (const Array* given = ctx.input(1)) {
    if (given->size() != 1) return ctx.Error("k must hold one element");
    ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> v, IntValues(ctx, *given, "k"));
    k = v[0];
  }
  const bool upper = ctx.Int("upper", 1) != 0;
  const int64_t zero = data->size();
  std::vector<int64_t> indices;
  ForEachIndex(data->dims, [&](const std::vector<int64_t>& index, int64_t flat) {
    // Compare in double-free integer form; k may be huge either way.
    const int64_t row = index[index.size() - 2], col = index.back();
    const bool keep = upper ? col - row >= k : col - row <= k;
    indices.push_back(keep ? flat : zero);
  });
  return One(Take(WithFill(*data, Array::Zeros(data->type, {})), indices, data->dims));
}

// ---- Range, OneHot ----------------------------------------------------------------------

StatusOr<const Array*> ScalarInput(const KernelContext& ctx, size_t i, std::string_view what) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(i));
  if (a->size() != 1 || a->rank() > 1) return ctx.Error(fmt::format("{} must be a scalar", what));
  return a;
}

Outputs RangeKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* start, ScalarInput(ctx, 0, "start"));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* limit, ScalarInput(ctx, 1, "limit"));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* delta, ScalarInput(ctx, 2, "delta"));
  const int32_t type = start->type;
  if (limit->type != type || delta->type != type) return ctx.Error("inputs differ in type");
  const bool low = type == static_cast<int32_t>(DataType::kFloat16) ||
                   type == static_cast<int32_t>(DataType::kBfloat16);
  if (low && ctx.version() < 27) return ctx.Error("float16/bfloat16 need opset 27 or newer");
  if (start->storage() == Storage::kInt) {
    const int64_t s = start->ints[0], l = limit->ints[0], d = delta->ints[0];
    if (d == 0) return ctx.Error("delta is 0");
    // ceil((l - s) / d) in exact integer arithmetic (long double avoids int64 overflow).
    const long double span = static_cast<long double>(l) - static_cast<long double>(s);
    const auto n = static_cast<int64_t>(std::max<long double>(std::ceil(span / d), 0));
    ONNXKIT_RETURN_IF_ERROR(ctx.Count(std::vector<int64_t>{n}).status());
    std::vector<int64_t> values;
    for (int64_t i = 0; i < n; ++i) values.push_back(s + i * d);
    Array out = Array::Ints(type, {n}, std::move(values));
    Normalize(out);
    return One(std::move(out));
  }
  if (start->storage() != Storage::kReal) return ctx.Error("inputs must be numeric");
  const double s = start->reals[0], l = limit->reals[0], d = delta->reals[0];
  if (d == 0) return ctx.Error("delta is 0");
  const double n_real = std::max(std::ceil((l - s) / d), 0.0);
  if (!std::isfinite(n_real) || n_real > static_cast<double>(ctx.options().max_elements)) {
    return Status(absl::StatusCode::kResourceExhausted,
                  fmt::format("Range: {} elements are more than the limit", n_real));
  }
  const auto n = static_cast<int64_t>(n_real);
  // float16/bfloat16 compute in the stash type (float by default, or double) and round
  // once; every other type computes start + i·delta in double and rounds to its type.
  const int64_t stash = ctx.version() >= 27 ? ctx.Int("stash_type", 1) : 1;
  if (low && stash != static_cast<int64_t>(DataType::kFloat) &&
      stash != static_cast<int64_t>(DataType::kDouble)) {
    return ctx.Error(fmt::format("stash_type {} is neither float nor double", stash));
  }
  std::vector<double> values;
  for (int64_t i = 0; i < n; ++i) {
    if (low && stash == static_cast<int64_t>(DataType::kFloat)) {
      values.push_back(static_cast<float>(static_cast<float>(s) +
                                          static_cast<float>(i) * static_cast<float>(d)));
    } else {
      values.push_back(s + static_cast<double>(i) * d);
    }
  }
  Array out = Array::Reals(type, {n}, std::move(values));
  Normalize(out);
  return One(std::move(out));
}

Outputs OneHotKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* indices, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* depth_in, ScalarInput(ctx, 1, "depth"));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* values, ctx.Required(2));
  if (values->size() != 2 || values->rank() != 1) {
    return ctx.Error("values must be [off_value, on_value]");
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> depth_v, IntValues(ctx, *depth_in, "depth"));
  const int64_t depth = depth_v[0];
  if (depth <= 0) return ctx.Error(fmt::format("depth {} is not positive", depth));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> index, IntValues(ctx, *indices, "indices"));
  const int64_t rank = indices->rank();
  int64_t axis = ctx.Int("axis", -1);
  if (axis < -rank - 1 || axis > rank) {
    return ctx.Error(fmt::format("axis {} is out of range for output rank {}", axis, rank + 1));
  }
  if (axis < 0) axis += rank + 1;
  std::vector<int64_t> dims = indices->dims;
  dims.insert(dims.begin() + axis, depth);
  ONNXKIT_RETURN_IF_ERROR(ctx.Count(dims).status());
  // Opset 11 counts negative indices from the back; out-of-range ones give all off_value.
  const bool negative_ok = ctx.version() >= 11;
  std::vector<int64_t> picks;
  ForEachIndex(dims, [&](const std::vector<int64_t>& out, int64_t) {
    int64_t in_flat = 0;
    for (int64_t a = 0; a <= rank; ++a) {
      if (a == axis) continue;
      in_flat = in_flat * indices->dims[static_cast<size_t>(a < axis ? a : a - 1)] +
                out[static_cast<size_t>(a)];
    }
    int64_t v = index[static_cast<size_t>(in_flat)];
    if (v < 0 && negative_ok) v += depth;
    picks.push_back(v == out[static_cast<size_t>(axis)] ? 1 : 0);
  });
  return One(Take(*values, picks, std::move(dims)));
}

}  // namespace

void AddShapeKernels(KernelTable& table) {
  table.Add({"", "Shape", 7, 25, ShapeKernel});
  table.Add({"", "Size", 7, 25, SizeKernel});
  table.Add({"", "Identity", 7, 25, IdentityKernel});
  table.Add({"", "Constant", 7, 25, ConstantKernel});
  table.Add({"", "ConstantOfShape", 9, 25, ConstantOfShapeKernel});
  table.Add({"", "Reshape", 7, 25, ReshapeKernel});
  table.Add({"", "Flatten", 7, 25, FlattenKernel});
  table.Add({"", "Squeeze", 7, 25, SqueezeKernel});
  table.Add({"", "Unsqueeze", 7, 25, UnsqueezeKernel});
  table.Add({"", "Concat", 7, 13, ConcatKernel});
  table.Add({"", "Split", 7, 18, SplitKernel});
  table.Add({"", "Slice", 7, 13, SliceKernel});
  table.Add({"", "Transpose", 7, 25, TransposeKernel});
  table.Add({"", "Expand", 8, 13, ExpandKernel});
  table.Add({"", "Tile", 7, 13, TileKernel});
  table.Add({"", "Range", 11, 27, RangeKernel,
             kFloatTypes | TypeBit(DataType::kInt16) | TypeBit(DataType::kInt32) |
                 TypeBit(DataType::kInt64)});
  table.Add({"", "Pad", 7, 25, PadKernel});
  table.Add({"", "DepthToSpace", 7, 28, DepthToSpaceKernel});
  table.Add({"", "SpaceToDepth", 7, 28, SpaceToDepthKernel});
  table.Add({"", "Trilu", 14, 14, TriluKernel});
  table.Add({"", "OneHot", 9, 28, OneHotKernel, kNumericTypes});
}

}  // namespace onnxkit::eval
