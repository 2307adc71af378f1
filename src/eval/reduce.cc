// Reductions (ReduceSum … ReduceSumSquare), ArgMax/ArgMin, TopK and CumSum.
//
// Each walks the input as groups (eval/axis_split.h). Float arithmetic runs in double and
// is rounded once to the element type at the end; integer arithmetic wraps at 64 bits and
// is wrapped to the element width at the end, which gives the fixed-width answer because
// every width divides 2^64.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "eval/axis_split.h"
#include "eval/kernel.h"
#include "eval/wrapping.h"
#include "fmt/format.h"

namespace onnxkit::eval {
namespace {

enum class ReduceOp { kSum, kProd, kMin, kMax, kMean, kL1, kL2, kLogSum, kLogSumExp, kSumSquare };

bool IsNan(double v) { return std::isnan(v); }
bool IsNan(int64_t) { return false; }
bool IsNan(uint64_t) { return false; }

// The smallest and largest value of an integer element type (bool: false, true).
int64_t IntTypeMin(int32_t type) {
  switch (static_cast<DataType>(type)) {
    case DataType::kInt8: return std::numeric_limits<int8_t>::min();
    case DataType::kInt16: return std::numeric_limits<int16_t>::min();
    case DataType::kInt32: return std::numeric_limits<int32_t>::min();
    case DataType::kInt64: return std::numeric_limits<int64_t>::min();
    default: return 0;  // bool and the unsigned types
  }
}

int64_t IntTypeMax(int32_t type) {
  switch (static_cast<DataType>(type)) {
    case DataType::kInt8: return std::numeric_limits<int8_t>::max();
    case DataType::kInt16: return std::numeric_limits<int16_t>::max();
    case DataType::kInt32: return std::numeric_limits<int32_t>::max();
    case DataType::kUint8: return std::numeric_limits<uint8_t>::max();
    case DataType::kUint16: return std::numeric_limits<uint16_t>::max();
    case DataType::kUint32: return std::numeric_limits<uint32_t>::max();
    case DataType::kBool: return 1;
    default: return std::numeric_limits<int64_t>::max();
  }
}

// The identity of min (the type's largest value) and max (its smallest): the result of
// reducing an empty set.
template <typename T>
T MinIdentity(int32_t type) {
  if constexpr (std::is_same_v<T, double>) {
    return std::numeric_limits<double>::infinity();
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return std::numeric_limits<uint64_t>::max();
  } else {
    return IntTypeMax(type);
  }
}

template <typename T>
T MaxIdentity(int32_t type) {
  if constexpr (std::is_same_v<T, double>) {
    return -std::numeric_limits<double>::infinity();
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return 0;
  } else {
    return IntTypeMin(type);
  }
}

// log Σ exp(x) over a group, without overflow: shifted by the largest finite element.
double LogSumExp(const std::vector<double>& v, int64_t base, std::span<const int64_t> inner) {
  double shift = -std::numeric_limits<double>::infinity();
  bool has_nan = false, has_inf = false;
  for (int64_t e : inner) {
    const double x = v[static_cast<size_t>(base + e)];
    if (std::isnan(x))
      has_nan = true;
    else if (x == std::numeric_limits<double>::infinity())
      has_inf = true;
    else if (std::isfinite(x))
      shift = std::max(shift, x);
  }
  if (has_nan) return std::numeric_limits<double>::quiet_NaN();
  if (has_inf) return std::numeric_limits<double>::infinity();
  if (std::isinf(shift)) return shift;  // empty, or only -inf
  double sum = 0;
  for (int64_t e : inner) sum += std::exp(v[static_cast<size_t>(base + e)] - shift);
  return std::log(sum) + shift;
}

// The reduction of one group. `type` is the element type (integer results wrap to it
// before the divisions of Mean and L2). Sets `negative_square_sum` when an integer L2's
// sum of squares wrapped below zero.
template <ReduceOp kOp, typename T>
T ReduceGroup(const std::vector<T>& v, int64_t base, std::span<const int64_t> inner, int32_t type,
              bool& negative_square_sum) {
  auto at = [&](int64_t e) { return v[static_cast<size_t>(base + e)]; };
  if constexpr (kOp == ReduceOp::kMin || kOp == ReduceOp::kMax) {
    T acc = kOp == ReduceOp::kMin ? MinIdentity<T>(type) : MaxIdentity<T>(type);
    for (int64_t e : inner) {
      const T x = at(e);
      if (IsNan(x)) return x;  // NaN propagates, as numpy's minimum/maximum
      acc = kOp == ReduceOp::kMin ? std::min(acc, x) : std::max(acc, x);
    }
    return acc;
  } else if constexpr (kOp == ReduceOp::kLogSumExp) {
    if constexpr (std::is_same_v<T, double>) return LogSumExp(v, base, inner);
    return T{};  // refused before: integer input
  } else {
    T acc = kOp == ReduceOp::kProd ? T{1} : T{0};
    for (int64_t e : inner) {
      const T x = at(e);
      switch (kOp) {
        case ReduceOp::kProd: acc = WrapMul(acc, x); break;
        case ReduceOp::kL1: acc = WrapAdd(acc, WrapAbs(x)); break;
        case ReduceOp::kL2:
        case ReduceOp::kSumSquare: acc = WrapAdd(acc, WrapMul(x, x)); break;
        default: acc = WrapAdd(acc, x); break;
      }
    }
    if constexpr (std::is_same_v<T, double>) {
      if (kOp == ReduceOp::kMean) return acc / static_cast<double>(inner.size());
      if (kOp == ReduceOp::kL2) return std::sqrt(acc);
      if (kOp == ReduceOp::kLogSum) return std::log(acc);
      return acc;
    } else {
      if constexpr (std::is_same_v<T, int64_t>) acc = WrapTo(type, acc);
      // Integer Mean and L2 truncate toward zero, as the reference's cast back does.
      if (kOp == ReduceOp::kMean) return acc / static_cast<T>(inner.size());
      if (kOp == ReduceOp::kL2) {
        if (acc < 0) {
          negative_square_sum = true;
          return 0;
        }
        auto root = static_cast<T>(std::sqrt(static_cast<double>(acc)));
        // sqrt of a double can be one off for sums beyond 2^53: settle on the exact floor.
        while (root > 0 &&
               static_cast<double>(root) * static_cast<double>(root) > static_cast<double>(acc)) {
          --root;
        }
        return root;
      }
      return acc;
    }
  }
}

constexpr std::string_view kOpNames[] = {
    "ReduceSum", "ReduceProd", "ReduceMin",    "ReduceMax",       "ReduceMean",
    "ReduceL1",  "ReduceL2",   "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"};

// Whether op kOp at `version` takes its axes from input 1 (not the attribute).
template <ReduceOp kOp>
bool AxesFromInput(int64_t version) {
  return version >= (kOp == ReduceOp::kSum ? 13 : 18);
}

// The folded-axes mask the node asks for, or nullopt for "no reduction" (empty axes with
// noop_with_empty_axes).
template <ReduceOp kOp>
StatusOr<std::optional<std::vector<bool>>> ReducedAxes(const KernelContext& ctx,
                                                       const Array& data) {
  std::vector<int64_t> axes;
  if (AxesFromInput<kOp>(ctx.version())) {
    if (const Array* a = ctx.input(1)) {
      if (a->rank() > 1) return ctx.Error("axes must be a 1-D tensor");
      axes = a->ToInt64s();
    }
  } else if (auto attr = ctx.Ints("axes")) {
    axes = *attr;
  }
  const int64_t rank = data.rank();
  if (axes.empty()) {
    if (AxesFromInput<kOp>(ctx.version()) && ctx.Int("noop_with_empty_axes", 0) != 0) {
      return std::optional<std::vector<bool>>();
    }
    return std::optional<std::vector<bool>>(std::vector<bool>(static_cast<size_t>(rank), true));
  }
  std::vector<bool> folded(static_cast<size_t>(rank), false);
  for (int64_t axis : axes) {
    ONNXKIT_ASSIGN_OR_RETURN(int64_t a, ctx.Axis(axis, rank));
    if (folded[static_cast<size_t>(a)]) {
      return ctx.Error(fmt::format("axis {} is given twice", axis));
    }
    folded[static_cast<size_t>(a)] = true;
  }
  return std::optional<std::vector<bool>>(std::move(folded));
}

// The dims of the result: folded axes become 1 (keepdims) or disappear.
std::vector<int64_t> ReducedDims(std::span<const int64_t> dims, const std::vector<bool>& folded,
                                 bool keepdims) {
  std::vector<int64_t> out;
  for (size_t a = 0; a < dims.size(); ++a) {
    if (!folded[a])
      out.push_back(dims[a]);
    else if (keepdims)
      out.push_back(1);
  }
  return out;
}

template <ReduceOp kOp>
StatusOr<std::vector<Array>> ReduceKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  constexpr bool kFloatOnly = kOp == ReduceOp::kLogSum || kOp == ReduceOp::kLogSumExp;
  if (data->storage() == Storage::kString || (kFloatOnly && data->storage() != Storage::kReal)) {
    return ctx.Unsupported(fmt::format("{} of element type {}", kOpNames[static_cast<int>(kOp)],
                                       DataTypeName(data->type)));
  }
  ONNXKIT_ASSIGN_OR_RETURN(auto mask, ReducedAxes<kOp>(ctx, *data));
  if (!mask) {
    // ONNX's text says the output equals the input; its reference applies the elementwise
    // part (|x|, x², log, …) to each element. They agree only for these ops.
    if (kOp != ReduceOp::kSum && kOp != ReduceOp::kProd && kOp != ReduceOp::kMin &&
        kOp != ReduceOp::kMax && kOp != ReduceOp::kMean) {
      return ctx.Unsupported(
          "noop_with_empty_axes with empty axes (the spec and its "
          "reference implementation disagree for this op)");
    }
    std::vector<Array> outputs{*data};
    return outputs;
  }
  const bool keepdims = ctx.Int("keepdims", 1) != 0;
  Array out;
  out.type = data->type;
  out.dims = ReducedDims(data->dims, *mask, keepdims);
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(out.dims));
  if (kOp == ReduceOp::kMean && count > 0 && data->size() == 0 &&
      data->storage() != Storage::kReal) {
    return ctx.Error("the mean of an empty set of integers is undefined");
  }
  const AxisSplit split = SplitAxes(data->dims, *mask);
  bool negative_square_sum = false;
  auto run = [&](const auto& in, auto& result) {
    result.resize(static_cast<size_t>(count));
    for (size_t g = 0; g < result.size(); ++g) {
      result[g] =
          ReduceGroup<kOp>(in, split.outer[g], split.inner, data->type, negative_square_sum);
    }
  };
  switch (data->storage()) {
    case Storage::kReal: run(data->reals, out.reals); break;
    case Storage::kInt: run(data->ints, out.ints); break;
    case Storage::kUint: run(data->uints, out.uints); break;
    case Storage::kString: break;
  }
  if (negative_square_sum) {
    return ctx.Error("the sum of squares overflows the element type");
  }
  Normalize(out);
  std::vector<Array> outputs;
  outputs.push_back(std::move(out));
  return outputs;
}

// ---- ArgMax / ArgMin ----

// Whether a should come before b as the extreme (largest for ArgMax): NaN counts as the
// most extreme, as numpy's argmax/argmin (the reference) treat it.
template <typename T>
bool MoreExtreme(T a, T b, bool max) {
  if (IsNan(a)) return !IsNan(b);
  if (IsNan(b)) return false;
  return max ? a > b : a < b;
}

template <bool kMax>
StatusOr<std::vector<Array>> ArgKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  if (data->storage() == Storage::kString) return ctx.Unsupported("string input");
  ONNXKIT_ASSIGN_OR_RETURN(int64_t axis, ctx.Axis(ctx.Int("axis", 0), data->rank()));
  const bool keepdims = ctx.Int("keepdims", 1) != 0;
  const bool last = ctx.version() >= 12 && ctx.Int("select_last_index", 0) != 0;
  std::vector<bool> folded(data->dims.size(), false);
  folded[static_cast<size_t>(axis)] = true;
  Array out;
  out.type = static_cast<int32_t>(DataType::kInt64);
  out.dims = ReducedDims(data->dims, folded, keepdims);
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(out.dims));
  if (count > 0 && data->dims[static_cast<size_t>(axis)] == 0) {
    return ctx.Error("the reduced axis has no elements");
  }
  const AxisSplit split = SplitAxes(data->dims, folded);
  out.ints.resize(static_cast<size_t>(count));
  data->Visit([&](const auto& v) {
    if constexpr (!std::is_same_v<std::decay_t<decltype(v)>, std::vector<std::string>>) {
      for (size_t g = 0; g < out.ints.size(); ++g) {
        const int64_t base = split.outer[g];
        int64_t best = 0;
        for (size_t e = 1; e < split.inner.size(); ++e) {
          const auto x = v[static_cast<size_t>(base + split.inner[e])];
          const auto y = v[static_cast<size_t>(base + split.inner[static_cast<size_t>(best)])];
          // Ties go to the first index, or the last with select_last_index.
          if (MoreExtreme(x, y, kMax) || (last && !MoreExtreme(y, x, kMax))) {
            best = static_cast<int64_t>(e);
          }
        }
        out.ints[g] = best;
      }
    }
  });
  std::vector<Array> outputs;
  outputs.push_back(std::move(out));
  return outputs;
}

// ---- TopK ----

// A single-element integer input (TopK's K, CumSum's axis) as int64.
StatusOr<int64_t> ScalarInput(const KernelContext& ctx, size_t i, std::string_view what) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(i));
  if (a->size() != 1 || a->rank() > 1 || a->storage() != Storage::kInt) {
    return ctx.Error(fmt::format("{} must be one integer", what));
  }
  return a->ints[0];
}

StatusOr<std::vector<Array>> TopKKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* data, ctx.Required(0));
  if (data->storage() == Storage::kString) return ctx.Unsupported("string input");
  int64_t k = 0;
  if (ctx.version() < 10) {
    auto attr = ctx.Int("k");
    if (!attr) return ctx.Error("attribute k is required");
    k = *attr;
  } else {
    ONNXKIT_ASSIGN_OR_RETURN(k, ScalarInput(ctx, 1, "K"));
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t axis, ctx.Axis(ctx.Int("axis", -1), data->rank()));
  const bool largest = ctx.version() < 11 || ctx.Int("largest", 1) != 0;
  // sorted=0 leaves the order unspecified; the sorted order is one the spec allows.
  const int64_t n = data->dims[static_cast<size_t>(axis)];
  if (k < 0 || k > n) {
    return ctx.Error(fmt::format("K = {} is outside [0, {}] (the axis length)", k, n));
  }
  std::vector<bool> folded(data->dims.size(), false);
  folded[static_cast<size_t>(axis)] = true;
  std::vector<int64_t> dims = data->dims;
  dims[static_cast<size_t>(axis)] = k;
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(dims));
  const int64_t axis_stride = Strides(dims)[static_cast<size_t>(axis)];
  const AxisSplit in_split = SplitAxes(data->dims, folded);
  const AxisSplit out_split = SplitAxes(dims, folded);
  Array indices = Array::Zeros(static_cast<int32_t>(DataType::kInt64), dims);
  std::vector<int64_t> take(static_cast<size_t>(count));
  data->Visit([&](const auto& v) {
    if constexpr (!std::is_same_v<std::decay_t<decltype(v)>, std::vector<std::string>>) {
      std::vector<int64_t> order(static_cast<size_t>(n));
      for (size_t g = 0; g < out_split.outer.size(); ++g) {
        const int64_t base = in_split.outer[g];
        auto value = [&](int64_t e) {
          return v[static_cast<size_t>(base + in_split.inner[static_cast<size_t>(e)])];
        };
        std::iota(order.begin(), order.end(), 0);
        // NaN sorts above every number (numpy's order, which the reference uses); equal
        // values keep the smaller index first.
        std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
          return largest ? MoreExtreme(value(a), value(b), true)
                         : MoreExtreme(value(b), value(a), true);
        });
        for (int64_t j = 0; j < k; ++j) {
          const auto at = static_cast<size_t>(out_split.outer[g] + j * axis_stride);
          indices.ints[at] = order[static_cast<size_t>(j)];
          take[at] = base + in_split.inner[static_cast<size_t>(order[static_cast<size_t>(j)])];
        }
      }
    }
  });
  std::vector<Array> outputs;
  outputs.push_back(Take(*data, take, dims));
  outputs.push_back(std::move(indices));
  return outputs;
}

// ---- CumSum ----

StatusOr<std::vector<Array>> CumSumKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  if (x->storage() == Storage::kString) return ctx.Unsupported("string input");
  ONNXKIT_ASSIGN_OR_RETURN(int64_t axis_value, ScalarInput(ctx, 1, "axis"));
  ONNXKIT_ASSIGN_OR_RETURN(int64_t axis, ctx.Axis(axis_value, x->rank()));
  const bool exclusive = ctx.Int("exclusive", 0) != 0;
  const bool reverse = ctx.Int("reverse", 0) != 0;
  std::vector<bool> folded(x->dims.size(), false);
  folded[static_cast<size_t>(axis)] = true;
  const AxisSplit split = SplitAxes(x->dims, folded);
  Array out = Array::Zeros(x->type, x->dims);
  auto run = [&](const auto& in, auto& result) {
    using T = std::decay_t<decltype(in[0])>;
    const size_t n = split.inner.size();
    for (int64_t base : split.outer) {
      T acc{};
      for (size_t j = 0; j < n; ++j) {
        const auto at = static_cast<size_t>(base + split.inner[reverse ? n - 1 - j : j]);
        if (exclusive) {
          result[at] = acc;
          acc = WrapAdd(acc, in[at]);
        } else {
          acc = WrapAdd(acc, in[at]);
          result[at] = acc;
        }
      }
    }
  };
  switch (x->storage()) {
    case Storage::kReal: run(x->reals, out.reals); break;
    case Storage::kInt: run(x->ints, out.ints); break;
    case Storage::kUint: run(x->uints, out.uints); break;
    case Storage::kString: break;
  }
  Normalize(out);
  std::vector<Array> outputs;
  outputs.push_back(std::move(out));
  return outputs;
}

}  // namespace

void AddReduceKernels(KernelTable& table) {
  // Every version since 1 only moved axes to an input (13 for ReduceSum, 18 for the
  // others) or added element types, which the per-version type check in Support() bounds per
  // version.
  constexpr uint64_t kTypes = kNumericTypes | kBoolType;
  table.Add({"", "ReduceSum", 1, 13, ReduceKernel<ReduceOp::kSum>, kTypes});
  table.Add({"", "ReduceProd", 1, 18, ReduceKernel<ReduceOp::kProd>, kTypes});
  table.Add({"", "ReduceMin", 1, 20, ReduceKernel<ReduceOp::kMin>, kTypes});
  table.Add({"", "ReduceMax", 1, 20, ReduceKernel<ReduceOp::kMax>, kTypes});
  table.Add({"", "ReduceMean", 1, 18, ReduceKernel<ReduceOp::kMean>, kTypes});
  table.Add({"", "ReduceL1", 1, 18, ReduceKernel<ReduceOp::kL1>, kTypes});
  table.Add({"", "ReduceL2", 1, 18, ReduceKernel<ReduceOp::kL2>, kTypes});
  table.Add({"", "ReduceLogSum", 1, 18, ReduceKernel<ReduceOp::kLogSum>, kFloatTypes});
  table.Add({"", "ReduceLogSumExp", 1, 18, ReduceKernel<ReduceOp::kLogSumExp>, kFloatTypes});
  table.Add({"", "ReduceSumSquare", 1, 18, ReduceKernel<ReduceOp::kSumSquare>, kTypes});
  table.Add({"", "ArgMax", 1, 13, ArgKernel<true>, kNumericTypes});
  table.Add({"", "ArgMin", 1, 13, ArgKernel<false>, kNumericTypes});
  table.Add({"", "TopK", 1, 24, TopKKernel, kNumericTypes});
  table.Add({"", "CumSum", 11, 14, CumSumKernel, kNumericTypes});
}

}  // namespace onnxkit::eval
