// Neural-network kernels: MatMul, Gemm, Conv, Softmax, LogSoftmax, Hardmax,
// LayerNormalization, BatchNormalization (inference).
//
// Float arithmetic runs in double and is rounded once to the element type at the end
// (ONNX's reference computes in the element type, which the backend tests' tolerances
// absorb); integer MatMul/Gemm wrap as the element width does. MatMul, Gemm and Conv
// refuse work beyond kMaxMultiplyAdds so folding a large layer cannot hang.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "eval/axis_split.h"
#include "eval/broadcast.h"
#include "eval/kernel.h"
#include "eval/wrapping.h"
#include "fmt/format.h"

namespace onnxkit::eval {
namespace {

constexpr int64_t kMaxMultiplyAdds = int64_t{1} << 34;

std::vector<Array> One(Array a) {
  std::vector<Array> outputs;
  outputs.push_back(std::move(a));
  return outputs;
}

// ResourceExhausted when `outputs` results of `inner` multiply-adds each are too many.
Status CheckCost(const KernelContext& ctx, int64_t outputs, int64_t inner) {
  if (inner > 0 && outputs > kMaxMultiplyAdds / inner) {
    return absl::ResourceExhaustedError(
        fmt::format("{}: {} outputs of {} multiply-adds each exceed the evaluator's bound of {}",
                    ctx.node().op_type, outputs, inner, kMaxMultiplyAdds));
  }
  return Status();
}

Status SameType(const KernelContext& ctx, const Array& a, const Array& b, std::string_view what) {
  if (a.type != b.type) {
    return ctx.Error(fmt::format("{} has element type {}, input 0 {}", what, DataTypeName(b.type),
                                 DataTypeName(a.type)));
  }
  return Status();
}

// ---- MatMul ----

// C[m, n] = Σ_k A[a + m·K + k] · B[b + k·N + n] for one matrix of a batch.
template <typename T>
void MatrixProduct(const std::vector<T>& a, int64_t a0, const std::vector<T>& b, int64_t b0,
                   std::vector<T>& c, int64_t c0, int64_t m_size, int64_t k_size, int64_t n_size) {
  for (int64_t m = 0; m < m_size; ++m) {
    T* row = c.data() + c0 + m * n_size;
    for (int64_t n = 0; n < n_size; ++n) row[n] = T{0};
    for (int64_t k = 0; k < k_size; ++k) {
      const T x = a[static_cast<size_t>(a0 + m * k_size + k)];
      const T* brow = b.data() + b0 + k * n_size;
      for (int64_t n = 0; n < n_size; ++n) row[n] = WrapAdd(row[n], WrapMul(x, brow[n]));
    }
  }
}

StatusOr<std::vector<Array>> MatMulKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* b, ctx.Required(1));
  ONNXKIT_RETURN_IF_ERROR(SameType(ctx, *a, *b, "input 1"));
  if (a->rank() == 0 || b->rank() == 0) return ctx.Error("inputs must have rank 1 or more");
  // numpy: a 1-D A is a row [1, K], a 1-D B a column [K, 1]; the 1 is dropped afterwards.
  std::vector<int64_t> ad = a->dims, bd = b->dims;
  if (a->rank() == 1) ad.insert(ad.begin(), 1);
  if (b->rank() == 1) bd.push_back(1);
  const int64_t m_size = ad[ad.size() - 2], k_size = ad.back();
  const int64_t n_size = bd.back();
  if (bd[bd.size() - 2] != k_size) {
    return ctx.Error(fmt::format("inner dimensions differ: {} and {}", DimsToString(a->dims),
                                 DimsToString(b->dims)));
  }
  const std::vector<int64_t> a_batch(ad.begin(), ad.end() - 2), b_batch(bd.begin(), bd.end() - 2);
  std::vector<int64_t> batch;
  {
    std::vector<std::vector<int64_t>> shapes{a_batch, b_batch};
    auto dims = BroadcastDims(shapes);
    if (!dims.ok()) return ctx.Error(StatusMessage(dims.status()));
    batch = *std::move(dims);
  }
  std::vector<int64_t> full = batch;
  full.push_back(m_size);
  full.push_back(n_size);
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(full));
  ONNXKIT_RETURN_IF_ERROR(CheckCost(ctx, count, k_size));
  Array out = Array::Zeros(a->type, full);
  if (count > 0) {
    const std::vector<int64_t> ia = BroadcastIndices(a_batch, batch);
    const std::vector<int64_t> ib = BroadcastIndices(b_batch, batch);
    auto run = [&](const auto& x, const auto& y, auto& z) {
      for (size_t i = 0; i < ia.size(); ++i) {
        MatrixProduct(x, ia[i] * m_size * k_size, y, ib[i] * k_size * n_size, z,
                      static_cast<int64_t>(i) * m_size * n_size, m_size, k_size, n_size);
      }
    };
    switch (a->storage()) {
      case Storage::kReal: run(a->reals, b->reals, out.reals); break;
      case Storage::kInt: run(a->ints, b->ints, out.ints); break;
      case Storage::kUint: run(a->uints, b->uints, out.uints); break;
      case Storage::kString: return ctx.Unsupported("string input");
    }
  }
  if (a->rank() == 1) full.erase(full.end() - 2);
  if (b->rank() == 1) full.pop_back();
  out.dims = std::move(full);
  Normalize(out);
  return One(std::move(out));
}

// ---- Gemm ----

// The [rows, cols] matrix `m` (transposed when `trans`) as a row-major copy.
Array Transposed2D(const Array& m) {
  const int64_t rows = m.dims[0], cols = m.dims[1];
  std::vector<int64_t> indices;
  indices.reserve(static_cast<size_t>(rows * cols));
  for (int64_t c = 0; c < cols; ++c) {
    for (int64_t r = 0; r < rows; ++r) indices.push_back(r * cols + c);
  }
  return Take(m, indices, {cols, rows});
}

StatusOr<std::vector<Array>> GemmKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a_in, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* b_in, ctx.Required(1));
  const Array* c = ctx.input(2);
  if (c == nullptr && ctx.version() < 11) return ctx.Error("input C is required before opset 11");
  ONNXKIT_RETURN_IF_ERROR(SameType(ctx, *a_in, *b_in, "B"));
  if (c != nullptr) ONNXKIT_RETURN_IF_ERROR(SameType(ctx, *a_in, *c, "C"));
  if (a_in->rank() != 2 || b_in->rank() != 2) return ctx.Error("A and B must be 2-D");
  const double alpha = ctx.Float("alpha", 1.0f), beta = ctx.Float("beta", 1.0f);
  if (a_in->storage() != Storage::kReal && (alpha != 1.0 || beta != 1.0)) {
    return ctx.Unsupported("integer Gemm with alpha or beta other than 1");
  }
  const Array a = ctx.Int("transA", 0) != 0 ? Transposed2D(*a_in) : *a_in;
  const Array b = ctx.Int("transB", 0) != 0 ? Transposed2D(*b_in) : *b_in;
  const int64_t m_size = a.dims[0], k_size = a.dims[1], n_size = b.dims[1];
  if (b.dims[0] != k_size) {
    return ctx.Error(fmt::format("inner dimensions differ: A' is {}, B' is {}",
                                 DimsToString(a.dims), DimsToString(b.dims)));
  }
  std::vector<int64_t> dims{m_size, n_size};
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(dims));
  ONNXKIT_RETURN_IF_ERROR(CheckCost(ctx, count, k_size));
  std::vector<int64_t> ic;
  if (c != nullptr) {
    std::vector<std::vector<int64_t>> shapes{c->dims, dims};
    auto broadcast = BroadcastDims(shapes);
    if (!broadcast.ok() || *broadcast != dims) {
      return ctx.Error(fmt::format("C of dims {} does not broadcast to {}", DimsToString(c->dims),
                                   DimsToString(dims)));
    }
    ic = BroadcastIndices(c->dims, dims);
  }
  Array out = Array::Zeros(a.type, dims);
  auto run = [&](const auto& x, const auto& y, auto& z, const auto* cv) {
    MatrixProduct(x, 0, y, 0, z, 0, m_size, k_size, n_size);
    for (size_t i = 0; i < z.size(); ++i) {
      if constexpr (std::is_same_v<std::decay_t<decltype(z[0])>, double>) {
        z[i] = alpha * z[i] + (cv != nullptr ? beta * (*cv)[static_cast<size_t>(ic[i])] : 0.0);
      } else if (cv != nullptr) {
        z[i] = WrapAdd(z[i], (*cv)[static_cast<size_t>(ic[i])]);
      }
    }
  };
  switch (a.storage()) {
    case Storage::kReal: run(a.reals, b.reals, out.reals, c ? &c->reals : nullptr); break;
    case Storage::kInt: run(a.ints, b.ints, out.ints, c ? &c->ints : nullptr); break;
    case Storage::kUint: run(a.uints, b.uints, out.uints, c ? &c->uints : nullptr); break;
    case Storage::kString: return ctx.Unsupported("string input");
  }
  Normalize(out);
  return One(std::move(out));
}

// ---- Conv ----

// The geometry of a sliding window over the spatial axes (Conv; the pools share it).
struct Window {
  std::vector<int64_t> in;      // input spatial dims
  std::vector<int64_t> kernel;  // kernel spatial dims
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pad_begin;
  std::vector<int64_t> pad_end;
  std::vector<int64_t> out;  // output spatial dims
};

// An ints attribute of `n` entries, `fallback` in each when absent.
StatusOr<std::vector<int64_t>> SpatialInts(const KernelContext& ctx, std::string_view name,
                                           size_t n, int64_t fallback) {
  auto values = ctx.Ints(name);
  if (!values) return std::vector<int64_t>(n, fallback);
  if (values->size() != n) {
    return ctx.Error(fmt::format("{} has {} entries for {} spatial axes", name, values->size(), n));
  }
  return *values;
}

// Strides, dilations, pads and auto_pad resolved into output dims (ceil_mode rounds the
// output size up, as the pools allow).
StatusOr<Window> ResolveWindow(const KernelContext& ctx, std::vector<int64_t> in,
                               std::vector<int64_t> kernel, bool ceil_mode) {
  const size_t n = in.size();
  Window w;
  w.in = std::move(in);
  w.kernel = std::move(kernel);
  ONNXKIT_ASSIGN_OR_RETURN(w.strides, SpatialInts(ctx, "strides", n, 1));
  ONNXKIT_ASSIGN_OR_RETURN(w.dilations, SpatialInts(ctx, "dilations", n, 1));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> pads, SpatialInts(ctx, "pads", 2 * n, 0));
  for (size_t i = 0; i < n; ++i) {
    if (w.strides[i] < 1 || w.dilations[i] < 1 || w.kernel[i] < 1) {
      return ctx.Error("strides, dilations and kernel dims must be positive");
    }
    if (pads[i] < 0 || pads[n + i] < 0) return ctx.Error("pads must not be negative");
  }
  const std::string auto_pad = ctx.String("auto_pad").value_or("NOTSET");
  w.pad_begin.assign(n, 0);
  w.pad_end.assign(n, 0);
  w.out.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const int64_t extent = w.dilations[i] * (w.kernel[i] - 1) + 1;
    if (auto_pad == "NOTSET") {
      w.pad_begin[i] = pads[i];
      w.pad_end[i] = pads[n + i];
      const int64_t span = w.in[i] + pads[i] + pads[n + i] - extent;
      if (span < 0) return ctx.Error("the kernel is larger than the padded input");
      w.out[i] = (ceil_mode ? (span + w.strides[i] - 1) / w.strides[i] : span / w.strides[i]) + 1;
      // A window that would start in the end padding is dropped (ceil_mode only).
      if (ceil_mode && (w.out[i] - 1) * w.strides[i] >= w.in[i] + pads[i]) --w.out[i];
    } else if (auto_pad == "VALID") {
      const int64_t span = w.in[i] - extent;
      if (span < 0) return ctx.Error("the kernel is larger than the input");
      w.out[i] = (ceil_mode ? (span + w.strides[i] - 1) / w.strides[i] : span / w.strides[i]) + 1;
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      w.out[i] = (w.in[i] + w.strides[i] - 1) / w.strides[i];
      const int64_t total = std::max<int64_t>(0, (w.out[i] - 1) * w.strides[i] + extent - w.in[i]);
      w.pad_begin[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      w.pad_end[i] = total - w.pad_begin[i];
    } else {
      return ctx.Error(fmt::format("unknown auto_pad '{}'", auto_pad));
    }
  }
  return w;
}

// Visits every output position of `w` (row-major): f(flat output index, first input
// position per axis = o·stride − pad_begin).
template <typename F>
void ForEachWindow(const Window& w, F&& f) {
  const size_t n = w.out.size();
  int64_t count = 1;
  for (int64_t d : w.out) count *= d;
  std::vector<int64_t> o(n, 0), start(n);
  for (int64_t flat = 0; flat < count; ++flat) {
    for (size_t i = 0; i < n; ++i) start[i] = o[i] * w.strides[i] - w.pad_begin[i];
    f(flat, start);
    for (size_t i = n; i-- > 0;) {
      if (++o[i] < w.out[i]) break;
      o[i] = 0;
    }
  }
}

// For a window starting at `start`, the (input spatial offset, kernel offset) of each
// kernel tap that falls inside the input.
void WindowTaps(const Window& w, const std::vector<int64_t>& start,
                std::vector<std::pair<int64_t, int64_t>>& taps) {
  taps.clear();
  const size_t n = w.kernel.size();
  int64_t kcount = 1;
  for (int64_t d : w.kernel) kcount *= d;
  std::vector<int64_t> k(n, 0);
  for (int64_t kflat = 0; kflat < kcount; ++kflat) {
    int64_t offset = 0;
    bool inside = true;
    for (size_t i = 0; i < n; ++i) {
      const int64_t p = start[i] + k[i] * w.dilations[i];
      if (p < 0 || p >= w.in[i]) {
        inside = false;
        break;
      }
      offset = offset * w.in[i] + p;
    }
    if (inside) taps.emplace_back(offset, kflat);
    for (size_t i = n; i-- > 0;) {
      if (++k[i] < w.kernel[i]) break;
      k[i] = 0;
    }
  }
}

int64_t Product(std::span<const int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims) p *= d;
  return p;
}

StatusOr<std::vector<Array>> ConvKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* wt, ctx.Required(1));
  const Array* bias = ctx.input(2);
  ONNXKIT_RETURN_IF_ERROR(SameType(ctx, *x, *wt, "W"));
  if (bias != nullptr) ONNXKIT_RETURN_IF_ERROR(SameType(ctx, *x, *bias, "B"));
  if (x->storage() != Storage::kReal) return ctx.Unsupported("non-float input");
  if (x->rank() < 3 || wt->rank() != x->rank()) {
    return ctx.Error(fmt::format("X {} and W {} must have the same rank, 3 or more",
                                 DimsToString(x->dims), DimsToString(wt->dims)));
  }
  const int64_t batch = x->dims[0], channels = x->dims[1], maps = wt->dims[0];
  const int64_t group = ctx.Int("group", 1);
  if (group < 1 || channels % group != 0 || maps % group != 0 || wt->dims[1] != channels / group) {
    return ctx.Error(fmt::format("X {} and W {} do not fit group {}", DimsToString(x->dims),
                                 DimsToString(wt->dims), group));
  }
  if (bias != nullptr && (bias->rank() != 1 || bias->dims[0] != maps)) {
    return ctx.Error(fmt::format("B must have {} elements", maps));
  }
  std::vector<int64_t> kernel(wt->dims.begin() + 2, wt->dims.end());
  if (auto shape = ctx.Ints("kernel_shape"); shape && *shape != kernel) {
    return ctx.Error("kernel_shape differs from W's spatial dims");
  }
  ONNXKIT_ASSIGN_OR_RETURN(
      Window w,
      ResolveWindow(ctx, std::vector<int64_t>(x->dims.begin() + 2, x->dims.end()), kernel, false));
  std::vector<int64_t> dims{batch, maps};
  dims.insert(dims.end(), w.out.begin(), w.out.end());
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(dims));
  const int64_t channels_per_group = channels / group, maps_per_group = maps / group;
  const int64_t kernel_size = Product(kernel), in_size = Product(w.in);
  const int64_t out_size = Product(w.out);
  ONNXKIT_RETURN_IF_ERROR(CheckCost(ctx, count, channels_per_group * kernel_size));
  Array out = Array::Zeros(x->type, dims);
  if (count == 0) return One(std::move(out));
  std::vector<std::pair<int64_t, int64_t>> taps;
  for (int64_t g = 0; g < group; ++g) {
    ForEachWindow(w, [&](int64_t o, const std::vector<int64_t>& start) {
      WindowTaps(w, start, taps);
      for (int64_t n = 0; n < batch; ++n) {
        for (int64_t m = g * maps_per_group; m < (g + 1) * maps_per_group; ++m) {
          double sum = bias != nullptr ? bias->reals[static_cast<size_t>(m)] : 0.0;
          for (int64_t c = 0; c < channels_per_group; ++c) {
            const double* xin =
                x->reals.data() + (n * channels + g * channels_per_group + c) * in_size;
            const double* win = wt->reals.data() + (m * channels_per_group + c) * kernel_size;
            for (const auto& [xi, ki] : taps) sum += xin[xi] * win[ki];
          }
          out.reals[static_cast<size_t>((n * maps + m) * out_size + o)] = sum;
        }
      }
    });
  }
  Normalize(out);
  return One(std::move(out));
}

// ---- MaxPool, AveragePool, GlobalMaxPool, GlobalAveragePool ----

enum class PoolKind { kMax, kAverage };

// The number of kernel taps of the window starting at `start` that lie in the input or
// its explicit padding (AveragePool's divisor with count_include_pad): taps past the end
// padding, which ceil_mode can create, do not count.
int64_t TapsInPaddedInput(const Window& w, const std::vector<int64_t>& start) {
  int64_t taps = 1;
  for (size_t i = 0; i < w.kernel.size(); ++i) {
    int64_t inside = 0;
    for (int64_t k = 0; k < w.kernel[i]; ++k) {
      const int64_t p = start[i] + k * w.dilations[i];
      if (p >= -w.pad_begin[i] && p < w.in[i] + w.pad_end[i]) ++inside;
    }
    taps *= inside;
  }
  return taps;
}

// The column-major offset (first axis fastest) of the row-major spatial offset `offset`:
// MaxPool's Indices with storage_order=1.
int64_t ColumnMajor(int64_t offset, std::span<const int64_t> dims) {
  int64_t result = 0, stride = 1;
  std::vector<int64_t> index(dims.size());
  for (size_t i = dims.size(); i-- > 0;) {
    index[i] = offset % dims[i];
    offset /= dims[i];
  }
  for (size_t i = 0; i < dims.size(); ++i) {
    result += index[i] * stride;
    stride *= dims[i];
  }
  return result;
}

// Pools `x` over windows `w`: outputs Y and, for max pooling, Indices (flat positions in
// X of each maximum, the first one in row-major window order on ties).
template <PoolKind kKind>
StatusOr<std::vector<Array>> Pool(const KernelContext& ctx, const Array& x, const Window& w,
                                  bool count_include_pad, bool column_major) {
  std::vector<int64_t> dims{x.dims[0], x.dims[1]};
  dims.insert(dims.end(), w.out.begin(), w.out.end());
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(dims));
  ONNXKIT_RETURN_IF_ERROR(CheckCost(ctx, count, Product(w.kernel)));
  const int64_t planes = x.dims[0] * x.dims[1];
  const int64_t in_size = Product(w.in), out_size = Product(w.out);
  Array y = Array::Zeros(x.type, dims);
  Array indices = Array::Zeros(static_cast<int32_t>(DataType::kInt64), dims);
  std::vector<std::pair<int64_t, int64_t>> taps;
  Status status;
  ForEachWindow(w, [&](int64_t o, const std::vector<int64_t>& start) {
    WindowTaps(w, start, taps);
    if (taps.empty() && planes > 0) {
      status = ctx.Error("a pooling window lies entirely in the padding");
      return;
    }
    const int64_t divisor =
        count_include_pad ? TapsInPaddedInput(w, start) : static_cast<int64_t>(taps.size());
    for (int64_t plane = 0; plane < planes; ++plane) {
      const int64_t base = plane * in_size;
      const auto at = static_cast<size_t>(plane * out_size + o);
      auto run = [&](const auto& in, auto& out) {
        if constexpr (kKind == PoolKind::kMax) {
          // The first maximum in window order; a NaN propagates (the first one wins).
          int64_t best = taps[0].first;
          for (const auto& tap : taps) {
            const auto v = in[static_cast<size_t>(base + tap.first)];
            const auto b = in[static_cast<size_t>(base + best)];
            if (b != b) break;
            if (v != v || v > b) best = tap.first;
          }
          out[at] = in[static_cast<size_t>(base + best)];
          indices.ints[at] = base + (column_major ? ColumnMajor(best, w.in) : best);
        } else if constexpr (std::is_same_v<std::decay_t<decltype(out[0])>, double>) {
          double sum = 0;
          for (const auto& tap : taps) sum += in[static_cast<size_t>(base + tap.first)];
          out[at] = sum / static_cast<double>(divisor);
        }
      };
      if (x.storage() == Storage::kReal)
        run(x.reals, y.reals);
      else
        run(x.ints, y.ints);
    }
  });
  ONNXKIT_RETURN_IF_ERROR(status);
  Normalize(y);
  std::vector<Array> outputs;
  outputs.push_back(std::move(y));
  if (kKind == PoolKind::kMax) outputs.push_back(std::move(indices));
  return outputs;
}

Status CheckPoolInput(const KernelContext& ctx, const Array& x, PoolKind kind) {
  if (x.rank() < 3) return ctx.Error("X must have rank 3 or more (N, C, spatial…)");
  const bool ok =
      x.storage() == Storage::kReal || (kind == PoolKind::kMax && x.storage() == Storage::kInt);
  if (!ok) return ctx.Unsupported(fmt::format("element type {}", DataTypeName(x.type)));
  return Status();
}

template <PoolKind kKind>
StatusOr<std::vector<Array>> PoolKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  ONNXKIT_RETURN_IF_ERROR(CheckPoolInput(ctx, *x, kKind));
  auto kernel = ctx.Ints("kernel_shape");
  if (!kernel || static_cast<int64_t>(kernel->size()) != x->rank() - 2) {
    return ctx.Error("kernel_shape must give one size per spatial axis");
  }
  const bool ceil_mode = ctx.Int("ceil_mode", 0) != 0;
  if (ceil_mode && ctx.String("auto_pad").value_or("NOTSET") != "NOTSET") {
    return ctx.Unsupported("ceil_mode with auto_pad (ONNX's reference refuses the pair)");
  }
  ONNXKIT_ASSIGN_OR_RETURN(
      Window w, ResolveWindow(ctx, std::vector<int64_t>(x->dims.begin() + 2, x->dims.end()),
                              *kernel, ceil_mode));
  const int64_t storage_order = ctx.Int("storage_order", 0);
  if (storage_order != 0 && storage_order != 1) {
    return ctx.Error(fmt::format("storage_order {} is neither 0 nor 1", storage_order));
  }
  return Pool<kKind>(ctx, *x, w, ctx.Int("count_include_pad", 0) != 0, storage_order == 1);
}

template <PoolKind kKind>
StatusOr<std::vector<Array>> GlobalPoolKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  ONNXKIT_RETURN_IF_ERROR(CheckPoolInput(ctx, *x, kKind));
  Window w;
  w.in.assign(x->dims.begin() + 2, x->dims.end());
  w.kernel = w.in;
  const size_t n = w.in.size();
  for (int64_t d : w.in) {
    if (d == 0) return ctx.Error("global pooling over an empty spatial axis");
  }
  w.strides.assign(n, 1);
  w.dilations.assign(n, 1);
  w.pad_begin.assign(n, 0);
  w.pad_end.assign(n, 0);
  w.out.assign(n, 1);
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<Array> outputs, Pool<kKind>(ctx, *x, w, false, false));
  outputs.resize(1);  // no Indices
  return outputs;
}

// ---- Softmax, LogSoftmax, Hardmax ----

enum class Normalizer { kSoftmax, kLogSoftmax, kHardmax };

// The axes each normalization runs over: from opset 13 the one axis (default -1); before,
// the input is seen as 2-D [Π dims[:axis], Π dims[axis:]] (default axis 1) and each row
// is normalized, i.e. the axes axis…rank-1 together.
StatusOr<std::vector<bool>> NormalizedAxes(const KernelContext& ctx, const Array& x) {
  const int64_t rank = x.rank();
  std::vector<bool> folded(static_cast<size_t>(rank), false);
  if (ctx.version() >= 13) {
    ONNXKIT_ASSIGN_OR_RETURN(int64_t axis, ctx.Axis(ctx.Int("axis", -1), rank));
    folded[static_cast<size_t>(axis)] = true;
    return folded;
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t axis, ctx.Axis(ctx.Int("axis", 1), rank));
  for (int64_t a = axis; a < rank; ++a) folded[static_cast<size_t>(a)] = true;
  return folded;
}

template <Normalizer kKind>
StatusOr<std::vector<Array>> NormalizerKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  if (x->storage() != Storage::kReal) return ctx.Unsupported("non-float input");
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<bool> folded, NormalizedAxes(ctx, *x));
  const AxisSplit split = SplitAxes(x->dims, folded);
  Array out = Array::Zeros(x->type, x->dims);
  const std::vector<double>& in = x->reals;
  for (int64_t base : split.outer) {
    auto at = [&](int64_t e) { return static_cast<size_t>(base + e); };
    if constexpr (kKind == Normalizer::kHardmax) {
      // The first largest element (NaN counts as largest, as numpy's argmax) becomes 1.
      int64_t best = -1;
      for (int64_t e : split.inner) {
        const double v = in[at(e)];
        if (best < 0) {
          best = e;
        } else if (!std::isnan(in[at(best)]) && (std::isnan(v) || v > in[at(best)])) {
          best = e;
        }
      }
      if (best >= 0) out.reals[at(best)] = 1.0;
    } else {
      double shift = -std::numeric_limits<double>::infinity();
      for (int64_t e : split.inner) shift = std::max(shift, in[at(e)]);
      double sum = 0;
      for (int64_t e : split.inner) sum += std::exp(in[at(e)] - shift);
      for (int64_t e : split.inner) {
        const double d = in[at(e)] - shift;
        out.reals[at(e)] = kKind == Normalizer::kSoftmax ? std::exp(d) / sum : d - std::log(sum);
      }
    }
  }
  Normalize(out);
  return One(std::move(out));
}

// ---- LayerNormalization ----

// `a` broadcast (unidirectionally) to `dims`, as indices, or an error naming `what`.
StatusOr<std::vector<int64_t>> BroadcastInto(const KernelContext& ctx, const Array& a,
                                             const std::vector<int64_t>& dims,
                                             std::string_view what) {
  std::vector<std::vector<int64_t>> shapes{a.dims, dims};
  auto broadcast = BroadcastDims(shapes);
  if (!broadcast.ok() || *broadcast != dims) {
    return ctx.Error(fmt::format("{} of dims {} does not broadcast to {}", what,
                                 DimsToString(a.dims), DimsToString(dims)));
  }
  return BroadcastIndices(a.dims, dims);
}

StatusOr<std::vector<Array>> LayerNormalizationKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* scale, ctx.Required(1));
  const Array* bias = ctx.input(2);
  if (x->storage() != Storage::kReal) return ctx.Unsupported("non-float input");
  const int64_t stash = ctx.Int("stash_type", 1);
  // U (Mean, InvStdDev) allows float and bfloat16; a bfloat16 stash would need the
  // reference's rounding at every step of the sums, which is not modelled.
  if (stash != static_cast<int64_t>(DataType::kFloat)) {
    return ctx.Unsupported(fmt::format("stash_type {} (only 1, float, is evaluated)", stash));
  }
  const auto stash_type = static_cast<int32_t>(stash);
  ONNXKIT_ASSIGN_OR_RETURN(int64_t axis, ctx.Axis(ctx.Int("axis", -1), x->rank()));
  const double epsilon = ctx.Float("epsilon", 1e-5f);
  std::vector<bool> folded(x->dims.size(), false);
  std::vector<int64_t> stat_dims = x->dims;
  for (size_t a = static_cast<size_t>(axis); a < folded.size(); ++a) {
    folded[a] = true;
    stat_dims[a] = 1;
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> is, BroadcastInto(ctx, *scale, x->dims, "Scale"));
  std::vector<int64_t> ib;
  if (bias != nullptr) {
    ONNXKIT_ASSIGN_OR_RETURN(ib, BroadcastInto(ctx, *bias, x->dims, "B"));
  }
  const AxisSplit split = SplitAxes(x->dims, folded);
  Array y = Array::Zeros(x->type, x->dims);
  Array mean = Array::Zeros(stash_type, stat_dims);
  Array inv_std = Array::Zeros(stash_type, stat_dims);
  const auto n = static_cast<double>(split.inner.size());
  for (size_t g = 0; g < split.outer.size(); ++g) {
    const int64_t base = split.outer[g];
    // The statistics are computed in the stash type: each stage rounded to it.
    double sum = 0;
    for (int64_t e : split.inner)
      sum += RoundTo(stash_type, x->reals[static_cast<size_t>(base + e)]);
    const double mu = RoundTo(stash_type, sum / n);
    double squares = 0;
    for (int64_t e : split.inner) {
      const double d = RoundTo(stash_type, x->reals[static_cast<size_t>(base + e)]) - mu;
      squares += d * d;
    }
    const double variance = RoundTo(stash_type, squares / n);
    const double inv = RoundTo(stash_type, 1.0 / std::sqrt(variance + epsilon));
    mean.reals[g] = mu;
    inv_std.reals[g] = inv;
    for (int64_t e : split.inner) {
      const auto at = static_cast<size_t>(base + e);
      double v = (RoundTo(stash_type, x->reals[at]) - mu) * inv;
      v = v * scale->reals[static_cast<size_t>(is[at])];
      if (bias != nullptr) v += bias->reals[static_cast<size_t>(ib[at])];
      y.reals[at] = v;
    }
  }
  Normalize(y);
  std::vector<Array> outputs;
  outputs.push_back(std::move(y));
  outputs.push_back(std::move(mean));
  outputs.push_back(std::move(inv_std));
  return outputs;
}

// ---- BatchNormalization (inference) ----

StatusOr<std::vector<Array>> BatchNormalizationKernel(const KernelContext& ctx) {
  if (ctx.version() >= 14 && ctx.Int("training_mode", 0) != 0) {
    return ctx.Unsupported("training_mode=1");
  }
  if (ctx.version() < 9 && ctx.Int("spatial", 1) == 0) {
    return ctx.Unsupported("spatial=0 (per-activation statistics)");
  }
  std::vector<const Array*> in(5);
  for (size_t i = 0; i < 5; ++i) {
    ONNXKIT_ASSIGN_OR_RETURN(in[i], ctx.Required(i));
  }
  const Array& x = *in[0];
  if (x.storage() != Storage::kReal) return ctx.Unsupported("non-float input");
  if (x.rank() < 2) return ctx.Error("X must have rank 2 or more (N, C, …)");
  const int64_t channels = x.dims[1];
  for (size_t i = 1; i < 5; ++i) {
    if (in[i]->rank() != 1 || in[i]->dims[0] != channels) {
      return ctx.Error(
          fmt::format("input {} must have {} elements (one per channel)", i, channels));
    }
  }
  const double epsilon = ctx.Float("epsilon", 1e-5f);
  const int64_t inner = Product(std::span<const int64_t>(x.dims).subspan(2));
  Array y = Array::Zeros(x.type, x.dims);
  for (size_t i = 0; i < y.reals.size(); ++i) {
    const auto c = static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels);
    const double scale = in[1]->reals[c], b = in[2]->reals[c];
    const double mean = in[3]->reals[c], var = in[4]->reals[c];
    y.reals[i] = (x.reals[i] - mean) / std::sqrt(var + epsilon) * scale + b;
  }
  Normalize(y);
  return One(std::move(y));
}

}  // namespace

void AddNnKernels(KernelTable& table) {
  // Each listed version since the first one only added element types (the per-version type check in
  // Support() bounds them per version) or clarified the text, except where the kernels branch:
  // Gemm's optional C (11), the normalizers' axis (13), BatchNormalization's spatial (<9)
  // and training_mode (14+).
  table.Add({"", "MatMul", 1, 13, MatMulKernel, kNumericTypes});
  table.Add({"", "Gemm", 7, 13, GemmKernel, kNumericTypes});
  table.Add({"", "Conv", 1, 22, ConvKernel, kFloatTypes});
  table.Add({"", "Softmax", 1, 13, NormalizerKernel<Normalizer::kSoftmax>, kFloatTypes});
  table.Add({"", "LogSoftmax", 1, 13, NormalizerKernel<Normalizer::kLogSoftmax>, kFloatTypes});
  table.Add({"", "Hardmax", 1, 13, NormalizerKernel<Normalizer::kHardmax>, kFloatTypes});
  table.Add({"", "LayerNormalization", 17, 17, LayerNormalizationKernel, kFloatTypes});
  table.Add({"", "BatchNormalization", 7, 15, BatchNormalizationKernel, kFloatTypes});
  // MaxPool gained Indices and storage_order (8), ceil_mode and dilations (10); AveragePool
  // count_include_pad (7), ceil_mode (10), dilations (19): absent attributes take their
  // defaults, which are the older versions' behaviour.
  table.Add({"", "MaxPool", 1, 22, PoolKernel<PoolKind::kMax>,
             kFloatTypes | TypeBit(DataType::kInt8) | TypeBit(DataType::kUint8)});
  table.Add({"", "AveragePool", 1, 22, PoolKernel<PoolKind::kAverage>, kFloatTypes});
  table.Add({"", "GlobalMaxPool", 1, 22, GlobalPoolKernel<PoolKind::kMax>, kFloatTypes});
  table.Add({"", "GlobalAveragePool", 1, 22, GlobalPoolKernel<PoolKind::kAverage>, kFloatTypes});
}

}  // namespace onnxkit::eval
