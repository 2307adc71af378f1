// Indexing kernels: Gather, GatherElements, GatherND read elements at positions an index
// tensor names (an index list for Take); ScatterND and ScatterElements write updates into
// a copy of the data, optionally combining (add, mul, max, min); NonZero lists positions.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "eval/kernel.h"
#include "fmt/format.h"

namespace onnxkit::eval {
namespace {

using Outputs = StatusOr<std::vector<Array>>;

std::vector<Array> One(Array a) {
  std::vector<Array> out;
  out.push_back(std::move(a));
  return out;
}

int64_t Product(std::span<const int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

// The integer elements of an index input (int32 or int64 by every schema here).
StatusOr<std::vector<int64_t>> IndexValues(const KernelContext& ctx, size_t i) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(i));
  if (a->storage() != Storage::kInt || a->type == static_cast<int32_t>(DataType::kBool)) {
    return ctx.Error(fmt::format("indices must be int32 or int64, not {}", DataTypeName(a->type)));
  }
  return a->ints;
}

// `index` along an axis of `dim` elements made non-negative, or an error: negative values
// count from the back where the op's version allows them.
StatusOr<int64_t> ResolveIndex(const KernelContext& ctx, int64_t index, int64_t dim,
                               bool negative_ok) {
  if (index < -dim || index >= dim || (index < 0 && !negative_ok)) {
    return ctx.Error(
        fmt::format("index {} is out of range for an axis of {} elements", index, dim));
  }
  return index < 0 ? index + dim : index;
}

// ---- Gather, GatherElements, GatherND ----------------------------------------------------

Outputs GatherKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* idx, ctx.Required(1));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> values, IndexValues(ctx, 1));
  if (data->rank() == 0) return ctx.Error("data must have rank ≥ 1");
  const int64_t attr = ctx.Int("axis", 0);
  ONNXKIT_ASSIGN_OR_RETURN(const int64_t axis, ctx.Axis(attr, data->rank()));
  const auto a = static_cast<size_t>(axis);
  const int64_t dim = data->dims[a];
  std::vector<int64_t> dims(data->dims.begin(), data->dims.begin() + axis);
  dims.insert(dims.end(), idx->dims.begin(), idx->dims.end());
  dims.insert(dims.end(), data->dims.begin() + axis + 1, data->dims.end());
  ONNXKIT_RETURN_IF_ERROR(ctx.Count(dims).status());
  const int64_t outer = Product(std::span(data->dims).first(a));
  const int64_t inner = Product(std::span(data->dims).subspan(a + 1));
  std::vector<int64_t> resolved;
  for (int64_t v : values) {
    ONNXKIT_ASSIGN_OR_RETURN(int64_t r, ResolveIndex(ctx, v, dim, ctx.version() >= 11));
    resolved.push_back(r);
  }
  std::vector<int64_t> indices;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t r : resolved) {
      for (int64_t i = 0; i < inner; ++i) indices.push_back((o * dim + r) * inner + i);
    }
  }
  return One(Take(*data, indices, std::move(dims)));
}

// For each element of `idx` (same rank as `data`, its values `values`): the flat offset in
// `data` of the element it names — its own coordinates, with the coordinate on `axis`
// replaced by its value (GatherElements reads there, ScatterElements writes there).
StatusOr<std::vector<int64_t>> AxisElementOffsets(const KernelContext& ctx, const Array& data,
                                                  const Array& idx,
                                                  const std::vector<int64_t>& values) {
  const int64_t rank = data.rank();
  ONNXKIT_ASSIGN_OR_RETURN(const int64_t axis, ctx.Axis(ctx.Int("axis", 0), rank));
  for (int64_t a = 0; a < rank; ++a) {
    if (a != axis && idx.dims[static_cast<size_t>(a)] > data.dims[static_cast<size_t>(a)]) {
      return ctx.Error(fmt::format("indices dims {} exceed data dims {} on axis {}",
                                   DimsToString(idx.dims), DimsToString(data.dims), a));
    }
  }
  std::vector<int64_t> strides = Strides(data.dims);
  std::vector<int64_t> offsets;
  offsets.reserve(values.size());
  std::vector<int64_t> index(static_cast<size_t>(rank), 0);
  for (size_t flat = 0; flat < values.size(); ++flat) {
    int64_t offset = 0;
    for (int64_t a = 0; a < rank; ++a) {
      int64_t coord = index[static_cast<size_t>(a)];
      if (a == axis) {
        ONNXKIT_ASSIGN_OR_RETURN(
            coord, ResolveIndex(ctx, values[flat], data.dims[static_cast<size_t>(a)], true));
      }
      offset += coord * strides[static_cast<size_t>(a)];
    }
    offsets.push_back(offset);
    for (size_t a = index.size(); a-- > 0;) {
      if (++index[a] < idx.dims[a]) break;
      index[a] = 0;
    }
  }
  return offsets;
}

Outputs GatherElementsKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* idx, ctx.Required(1));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> values, IndexValues(ctx, 1));
  const int64_t rank = data->rank();
  if (rank == 0 || idx->rank() != rank) {
    return ctx.Error(fmt::format("indices of rank {} for data of rank {}", idx->rank(), rank));
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> indices,
                           AxisElementOffsets(ctx, *data, *idx, values));
  return One(Take(*data, indices, idx->dims));
}

// The flat data offsets the k-tuples of `idx` (last dim k) address, for GatherND and
// ScatterND: one offset per tuple, each the start of a slice of `slice` elements.
struct TupleOffsets {
  std::vector<int64_t> offsets;
  int64_t slice = 1;
};

StatusOr<TupleOffsets> OffsetsOf(const KernelContext& ctx, const Array& data, const Array& idx,
                                 std::span<const int64_t> values, int64_t batch_dims) {
  const int64_t r = data.rank();
  const int64_t q = idx.rank();
  if (r < 1 || q < 1) return ctx.Error("data and indices must have rank ≥ 1");
  if (batch_dims < 0 || batch_dims >= std::min(r, q)) {
    return ctx.Error(
        fmt::format("batch_dims {} must be below the ranks {} and {}", batch_dims, r, q));
  }
  for (int64_t a = 0; a < batch_dims; ++a) {
    if (data.dims[static_cast<size_t>(a)] != idx.dims[static_cast<size_t>(a)]) {
      return ctx.Error("data and indices differ in the batch dims");
    }
  }
  const int64_t k = idx.dims.back();
  if (k < 1 || batch_dims + k > r) {
    return ctx.Error(fmt::format("index tuples of {} entries for data of rank {} (batch_dims {})",
                                 k, r, batch_dims));
  }
  std::vector<int64_t> strides = Strides(data.dims);
  TupleOffsets out;
  out.slice = Product(std::span(data.dims).subspan(static_cast<size_t>(batch_dims + k)));
  const int64_t batches = Product(std::span(data.dims).first(static_cast<size_t>(batch_dims)));
  const int64_t batch_size = Product(std::span(data.dims).subspan(static_cast<size_t>(batch_dims)));
  const int64_t tuples = static_cast<int64_t>(values.size()) / k;
  const int64_t per_batch = batches == 0 ? 0 : tuples / batches;
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t offset = (per_batch == 0 ? 0 : t / per_batch) * batch_size;
    for (int64_t j = 0; j < k; ++j) {
      const auto axis = static_cast<size_t>(batch_dims + j);
      ONNXKIT_ASSIGN_OR_RETURN(
          int64_t coord,
          ResolveIndex(ctx, values[static_cast<size_t>(t * k + j)], data.dims[axis], true));
      offset += coord * strides[axis];
    }
    out.offsets.push_back(offset);
  }
  return out;
}

Outputs GatherNDKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* idx, ctx.Required(1));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> values, IndexValues(ctx, 1));
  const int64_t batch_dims = ctx.version() >= 12 ? ctx.Int("batch_dims", 0) : 0;
  ONNXKIT_ASSIGN_OR_RETURN(TupleOffsets t, OffsetsOf(ctx, *data, *idx, values, batch_dims));
  std::vector<int64_t> dims(idx->dims.begin(), idx->dims.end() - 1);
  dims.insert(dims.end(), data->dims.begin() + batch_dims + idx->dims.back(), data->dims.end());
  ONNXKIT_RETURN_IF_ERROR(ctx.Count(dims).status());
  std::vector<int64_t> indices;
  for (int64_t offset : t.offsets) {
    for (int64_t i = 0; i < t.slice; ++i) indices.push_back(offset + i);
  }
  return One(Take(*data, indices, std::move(dims)));
}

// ---- ScatterND, ScatterElements --------------------------------------------------------

enum class Reduction { kNone, kAdd, kMul, kMax, kMin };

StatusOr<Reduction> ReductionOf(const KernelContext& ctx, int32_t type) {
  const std::string r = ctx.version() >= 16 ? ctx.String("reduction").value_or("none") : "none";
  Reduction out;
  if (r == "none") return Reduction::kNone;
  if (r == "add") {
    out = Reduction::kAdd;
  } else if (r == "mul") {
    out = Reduction::kMul;
  } else if ((r == "max" || r == "min") && ctx.version() >= 18) {
    out = r == "max" ? Reduction::kMax : Reduction::kMin;
  } else {
    return ctx.Error(fmt::format("reduction '{}' is not one of opset {}", r, ctx.version()));
  }
  if (StorageOf(type) == Storage::kString) {
    return ctx.Error(fmt::format("reduction '{}' does not apply to strings", r));
  }
  return out;
}

template <typename T>
T Combine(Reduction r, T old, T update) {
  switch (r) {
    case Reduction::kAdd: return old + update;
    case Reduction::kMul: return old * update;
    case Reduction::kMax:
    case Reduction::kMin:
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(old) || std::isnan(update)) return std::nan("");  // numpy propagates NaN
      }
      return r == Reduction::kMax ? std::max(old, update) : std::min(old, update);
    case Reduction::kNone: break;
  }
  return update;
}

// out[targets[i]] = f(out[targets[i]], updates[i]) for every i, in order; a target hit twice
// without a reduction is an error (the result would depend on the order).
Status ScatterInto(const KernelContext& ctx, Array& out, const Array& updates,
                   std::span<const int64_t> targets, Reduction reduction) {
  if (reduction == Reduction::kNone) {
    absl::flat_hash_set<int64_t> seen;
    for (int64_t t : targets) {
      if (!seen.insert(t).second) {
        return ctx.Error("indices address the same element twice (reduction 'none')");
      }
    }
  }
  out.Visit([&](auto& to) {
    using Vec = std::decay_t<decltype(to)>;
    updates.Visit([&](const auto& from) {
      if constexpr (std::is_same_v<Vec, std::decay_t<decltype(from)>>) {
        for (size_t i = 0; i < targets.size(); ++i) {
          auto& slot = to[static_cast<size_t>(targets[i])];
          if constexpr (std::is_same_v<Vec, std::vector<std::string>>) {
            slot = from[i];
          } else {
            slot = Combine(reduction, slot, from[i]);
          }
        }
      }
    });
  });
  Normalize(out);
  return Status();
}

Outputs ScatterNDKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* idx, ctx.Required(1));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* updates, ctx.Required(2));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> values, IndexValues(ctx, 1));
  if (updates->type != data->type) return ctx.Error("updates and data differ in type");
  ONNXKIT_ASSIGN_OR_RETURN(Reduction reduction, ReductionOf(ctx, data->type));
  ONNXKIT_ASSIGN_OR_RETURN(TupleOffsets t, OffsetsOf(ctx, *data, *idx, values, 0));
  std::vector<int64_t> expected(idx->dims.begin(), idx->dims.end() - 1);
  expected.insert(expected.end(), data->dims.begin() + idx->dims.back(), data->dims.end());
  if (updates->dims != expected) {
    return ctx.Error(fmt::format("updates have dims {}, the indices need {}",
                                 DimsToString(updates->dims), DimsToString(expected)));
  }
  std::vector<int64_t> targets;
  for (int64_t offset : t.offsets) {
    for (int64_t i = 0; i < t.slice; ++i) targets.push_back(offset + i);
  }
  Array out = *data;
  ONNXKIT_RETURN_IF_ERROR(ScatterInto(ctx, out, *updates, targets, reduction));
  return One(std::move(out));
}

Outputs ScatterElementsKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* idx, ctx.Required(1));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* updates, ctx.Required(2));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> values, IndexValues(ctx, 1));
  if (updates->type != data->type) return ctx.Error("updates and data differ in type");
  ONNXKIT_ASSIGN_OR_RETURN(Reduction reduction, ReductionOf(ctx, data->type));
  const int64_t rank = data->rank();
  if (rank == 0 || idx->rank() != rank || updates->dims != idx->dims) {
    return ctx.Error(fmt::format("data {}, indices {} and updates {} do not fit",
                                 DimsToString(data->dims), DimsToString(idx->dims),
                                 DimsToString(updates->dims)));
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> targets,
                           AxisElementOffsets(ctx, *data, *idx, values));
  Array out = *data;
  ONNXKIT_RETURN_IF_ERROR(ScatterInto(ctx, out, *updates, targets, reduction));
  return One(std::move(out));
}

// ---- NonZero ------------------------------------------------------------------------------

Outputs NonZeroKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  const int64_t rank = data->rank();
  if (rank == 0) return ctx.Unsupported("a scalar input (numpy gives no defined answer)");
  std::vector<int64_t> hits;
  const int64_t n = data->size();
  for (int64_t i = 0; i < n; ++i) {
    bool nonzero = false;
    switch (data->storage()) {
      case Storage::kReal: nonzero = data->reals[static_cast<size_t>(i)] != 0; break;
      case Storage::kInt: nonzero = data->ints[static_cast<size_t>(i)] != 0; break;
      case Storage::kUint: nonzero = data->uints[static_cast<size_t>(i)] != 0; break;
      case Storage::kString: nonzero = !data->strings[static_cast<size_t>(i)].empty(); break;
    }
    if (nonzero) hits.push_back(i);
  }
  // Row a lists the a-th coordinate of every hit, hits in row-major order.
  const auto nnz = static_cast<int64_t>(hits.size());
  std::vector<int64_t> strides = Strides(data->dims);
  std::vector<int64_t> coords(static_cast<size_t>(rank * nnz));
  for (int64_t h = 0; h < nnz; ++h) {
    int64_t rest = hits[static_cast<size_t>(h)];
    for (int64_t a = 0; a < rank; ++a) {
      coords[static_cast<size_t>(a * nnz + h)] = rest / strides[static_cast<size_t>(a)];
      rest %= strides[static_cast<size_t>(a)];
    }
  }
  return One(Array::Ints(static_cast<int32_t>(DataType::kInt64), {rank, nnz}, std::move(coords)));
}

}  // namespace

void AddGatherScatterKernels(KernelTable& table) {
  table.Add({"", "Gather", 7, 13, GatherKernel});
  table.Add({"", "GatherElements", 11, 13, GatherElementsKernel});
  table.Add({"", "GatherND", 11, 13, GatherNDKernel});
  table.Add({"", "ScatterND", 11, 18, ScatterNDKernel});
  table.Add({"", "ScatterElements", 11, 18, ScatterElementsKernel});
  table.Add({"", "NonZero", 9, 13, NonZeroKernel});
}

}  // namespace onnxkit::eval
