// Elementwise kernels over numpy broadcasting: arithmetic (Add Sub Mul Div Mod Pow), the
// variadic Min Max Sum Mean, comparisons (Equal Less LessOrEqual Greater GreaterOrEqual),
// logic (And Or Xor Not), bits (BitShift, BitwiseAnd/Or/Xor/Not), Where, PRelu and Clip.
//
// Each result is computed in the storage type (double / int64 / uint64) and rounded or
// wrapped to the element type after every operation, so a float32 op gives the float32
// answer and an int8 op wraps at 8 bits. Where the spec leaves a value undefined (integer
// division by zero, a negative integer exponent, a shift past the width before BitShift-28)
// the kernel refuses it instead of inventing a result. NaN operands of Min, Max and Clip
// propagate, as in ONNX's reference implementation (numpy.minimum/maximum/clip).
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "eval/broadcast.h"
#include "eval/kernel.h"
#include "fmt/format.h"

namespace onnxkit::eval {
namespace {

using Outputs = StatusOr<std::vector<Array>>;

Outputs One(Array a) {
  std::vector<Array> outputs;
  outputs.push_back(std::move(a));
  return outputs;
}

// Where each output element of a broadcast reads one input: the same position (the input
// has the output's dims), its only element, or a listed position. Most folds are of the
// first two kinds, which need no list of indices as long as the output.
class InputIndex {
 public:
  InputIndex(std::span<const int64_t> in, std::span<const int64_t> out) {
    if (std::equal(in.begin(), in.end(), out.begin(), out.end())) {
      kind_ = Kind::kSame;
    } else if (std::all_of(in.begin(), in.end(), [](int64_t d) { return d == 1; })) {
      kind_ = Kind::kOne;
    } else {
      kind_ = Kind::kListed;
      listed_ = BroadcastIndices(in, out);
    }
  }

  int64_t operator[](size_t i) const {
    switch (kind_) {
      case Kind::kSame: return static_cast<int64_t>(i);
      case Kind::kOne: return 0;
      case Kind::kListed: break;
    }
    return listed_[i];
  }

 private:
  enum class Kind { kSame, kOne, kListed };
  Kind kind_;
  std::vector<int64_t> listed_;
};

// Where each output element of a broadcast reads each input from.
struct BroadcastPlan {
  std::vector<int64_t> dims;
  int64_t count = 0;
  std::vector<InputIndex> indices;  // one per input
};

StatusOr<BroadcastPlan> PlanBroadcast(const KernelContext& ctx,
                                      std::span<const Array* const> inputs) {
  std::vector<std::vector<int64_t>> shapes;
  for (const Array* a : inputs) shapes.push_back(a->dims);
  auto dims = BroadcastDims(shapes);
  if (!dims.ok()) return ctx.Error(StatusMessage(dims.status()));
  BroadcastPlan plan;
  plan.dims = *std::move(dims);
  ONNXKIT_ASSIGN_OR_RETURN(plan.count, ctx.Count(plan.dims));
  for (const Array* a : inputs) plan.indices.emplace_back(a->dims, plan.dims);
  return plan;
}

Status SameType(const KernelContext& ctx, const Array& a, const Array& b) {
  if (a.type == b.type) return absl::OkStatus();
  return ctx.Error(fmt::format("inputs have element types {} and {}", DataTypeName(a.type),
                               DataTypeName(b.type)));
}

// out[i] = fn(a[i'], b[i'']) over the broadcast of a and b, in a's storage; the result is
// rounded/wrapped to a's type. Fn is called with two doubles, two int64s or two uint64s and
// returns StatusOr of the same type (an error such as integer division by zero).
template <typename Fn>
StatusOr<Array> Binary(const KernelContext& ctx, const Array& a, const Array& b, Fn fn) {
  ONNXKIT_RETURN_IF_ERROR(SameType(ctx, a, b));
  const Array* inputs[] = {&a, &b};
  ONNXKIT_ASSIGN_OR_RETURN(BroadcastPlan plan, PlanBroadcast(ctx, inputs));
  Array out;
  out.type = a.type;
  out.dims = plan.dims;
  Status status;
  auto apply = [&](const auto& x, const auto& y, auto& result) {
    result.resize(static_cast<size_t>(plan.count));
    const auto& ia = plan.indices[0];
    const auto& ib = plan.indices[1];
    for (size_t i = 0; i < result.size(); ++i) {
      auto r = fn(x[static_cast<size_t>(ia[i])], y[static_cast<size_t>(ib[i])]);
      if (!r.ok()) {
        status = r.status();
        return;
      }
      result[i] = *r;
    }
  };
  switch (a.storage()) {
    case Storage::kReal: apply(a.reals, b.reals, out.reals); break;
    case Storage::kInt: apply(a.ints, b.ints, out.ints); break;
    case Storage::kUint: apply(a.uints, b.uints, out.uints); break;
    case Storage::kString: return ctx.Unsupported("strings have no arithmetic");
  }
  if (!status.ok()) {
    return status.code() == absl::StatusCode::kUnimplemented
               ? ctx.Unsupported(StatusMessage(status))
               : ctx.Error(StatusMessage(status));
  }
  Normalize(out);
  return out;
}

template <typename Fn>
Outputs BinaryKernel(const KernelContext& ctx, Fn fn) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* b, ctx.Required(1));
  ONNXKIT_ASSIGN_OR_RETURN(Array out, Binary(ctx, *a, *b, fn));
  return One(std::move(out));
}

template <typename T>
StatusOr<T> Ok(T v) {
  return v;
}

// ---- Arithmetic ----

// Integer arithmetic goes through uint64, where overflow wraps (the caller then wraps to the
// element width) instead of being undefined as int64 overflow is.
template <typename T>
T WrappingAdd(T x, T y) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<uint64_t>(x) + static_cast<uint64_t>(y));
  } else {
    return x + y;
  }
}

template <typename T>
T WrappingSub(T x, T y) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
  } else {
    return x - y;
  }
}

template <typename T>
T WrappingMul(T x, T y) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
  } else {
    return x * y;
  }
}

Outputs AddKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) { return Ok(WrappingAdd(x, y)); });
}

Outputs SubKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) { return Ok(WrappingSub(x, y)); });
}

Outputs MulKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) { return Ok(WrappingMul(x, y)); });
}

Outputs DivKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) -> StatusOr<decltype(x)> {
    if constexpr (std::is_floating_point_v<decltype(x)>) {
      return x / y;
    } else {
      if (y == 0) return absl::InvalidArgumentError("integer division by zero");
      if constexpr (std::is_signed_v<decltype(x)>) {
        if (y == -1) return decltype(x)(0) - x;  // INT64_MIN / -1 wraps, as the width does
      }
      return x / y;
    }
  });
}

// Python's floor modulo for floats (Mod-28, fmod=0): the result takes the divisor's sign.
double FloorMod(double x, double y) {
  double r = std::fmod(x, y);  // NaN for x = ±inf or y = ±0, as the spec's special cases say
  if (r != 0 && (r < 0) != (y < 0)) r += y;
  if (r == 0) r = std::copysign(0.0, y);
  return r;
}

Outputs ModKernel(const KernelContext& ctx) {
  const int64_t fmod = ctx.Int("fmod", 0);
  if (fmod != 0 && fmod != 1) return ctx.Error(fmt::format("fmod is {}, not 0 or 1", fmod));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(0));
  if (IsFloatingType(a->type) && fmod == 0 && ctx.version() < 28) {
    return ctx.Error("fmod=0 needs integer inputs before Mod-28 (floating types need fmod=1)");
  }
  const bool truncate = fmod == 1;
  return BinaryKernel(ctx, [truncate](auto x, auto y) -> StatusOr<decltype(x)> {
    using T = decltype(x);
    if constexpr (std::is_floating_point_v<T>) {
      return truncate ? std::fmod(x, y) : FloorMod(x, y);
    } else {
      if (y == 0) return absl::InvalidArgumentError("integer modulo by zero");
      if constexpr (std::is_signed_v<T>) {
        if (y == -1) return T{0};  // INT64_MIN % -1 is undefined in C++; the remainder is 0
        T r = x % y;               // C's remainder: the dividend's sign
        if (!truncate && r != 0 && (r < 0) != (y < 0)) r += y;
        return r;
      } else {
        return x % y;
      }
    }
  });
}

// x^n for integers, wrapping at 64 bits (the caller wraps to the element width).
uint64_t WrappingPower(uint64_t x, uint64_t n) {
  uint64_t result = 1;
  while (n != 0) {
    if (n & 1) result *= x;
    x *= x;
    n >>= 1;
  }
  return result;
}

// Whether the double `v` truncated toward zero fits the integer type `type` (int32, int64).
bool TruncatesInto(int32_t type, double v) {
  if (!std::isfinite(v)) return false;
  const double t = std::trunc(v);
  if (type == static_cast<int32_t>(DataType::kInt32)) {
    return t >= std::numeric_limits<int32_t>::min() && t <= std::numeric_limits<int32_t>::max();
  }
  return t >= -9223372036854775808.0 && t < 9223372036854775808.0;
}

// Pow: the base's type T (float types, int32, int64) is the result's; the exponent may have
// any numeric type T1. Float bases compute std::pow in double (the sign of an odd integer
// exponent kept exact beyond 2^53); integer bases with integer exponents multiply with
// wrapping; integer bases with float exponents truncate the double power toward zero.
Outputs PowKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* b, ctx.Required(1));
  if (ctx.version() < 12 && a->type != b->type) {
    return ctx.Error(
        fmt::format("base and exponent have element types {} and {} (Pow-7 needs "
                    "one type)",
                    DataTypeName(a->type), DataTypeName(b->type)));
  }
  const Array* inputs[] = {a, b};
  ONNXKIT_ASSIGN_OR_RETURN(BroadcastPlan plan, PlanBroadcast(ctx, inputs));
  const auto& ia = plan.indices[0];
  const auto& ib = plan.indices[1];
  const auto n = static_cast<size_t>(plan.count);
  Array out;
  out.type = a->type;
  out.dims = plan.dims;
  if (a->storage() == Storage::kReal) {
    out.reals.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const double x = a->reals[static_cast<size_t>(ia[i])];
      const auto j = static_cast<int64_t>(ib[i]);
      double r = std::pow(x, b->RealAt(j));
      if (b->storage() != Storage::kReal && x < 0 && std::isfinite(r)) {
        // An integer exponent past 2^53 loses its parity in the double: take it from the integer.
        const bool odd = b->storage() == Storage::kInt
                             ? (b->ints[static_cast<size_t>(j)] & 1) != 0
                             : (b->uints[static_cast<size_t>(j)] & 1) != 0;
        r = odd ? -std::fabs(r) : std::fabs(r);
      }
      out.reals[i] = r;
    }
    Normalize(out);
    return One(std::move(out));
  }
  out.ints.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t x = a->ints[static_cast<size_t>(ia[i])];
    const auto j = static_cast<size_t>(ib[i]);
    switch (b->storage()) {
      case Storage::kInt:
        if (b->ints[j] < 0) {
          return ctx.Unsupported("an integer base to a negative integer power is not specified");
        }
        out.ints[i] = static_cast<int64_t>(
            WrappingPower(static_cast<uint64_t>(x), static_cast<uint64_t>(b->ints[j])));
        break;
      case Storage::kUint:
        out.ints[i] = static_cast<int64_t>(WrappingPower(static_cast<uint64_t>(x), b->uints[j]));
        break;
      case Storage::kReal: {
        const double r = std::pow(static_cast<double>(x), b->reals[j]);
        if (!TruncatesInto(a->type, r)) {
          return ctx.Unsupported(
              fmt::format("{}^{} = {} does not fit {}", x, b->reals[j], r, DataTypeName(a->type)));
        }
        out.ints[i] = static_cast<int64_t>(std::trunc(r));
        break;
      }
      case Storage::kString: return ctx.Error("a string exponent");
    }
  }
  Normalize(out);
  return One(std::move(out));
}

// ---- Variadic: Min Max Sum Mean ----

// Folds the inputs pairwise with `fn` (rounding after each step, as the element type would).
// Before opset 8 the variadic ops do not broadcast: every input must have the same dims.
template <typename Fn>
StatusOr<Array> FoldInputs(const KernelContext& ctx, Fn fn) {
  if (ctx.input_count() == 0) return ctx.Error("needs at least one input");
  ONNXKIT_ASSIGN_OR_RETURN(const Array* first, ctx.Required(0));
  Array acc = *first;
  for (size_t i = 1; i < ctx.input_count(); ++i) {
    ONNXKIT_ASSIGN_OR_RETURN(const Array* next, ctx.Required(i));
    if (ctx.version() < 8 && next->dims != first->dims) {
      return ctx.Error(
          fmt::format("inputs 0 and {} have dims {} and {}: before opset 8 all "
                      "inputs must have the same shape",
                      i, DimsToString(first->dims), DimsToString(next->dims)));
    }
    ONNXKIT_ASSIGN_OR_RETURN(acc, Binary(ctx, acc, *next, fn));
  }
  return acc;
}

Outputs MinKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(Array out, FoldInputs(ctx, [](auto x, auto y) {
                             if constexpr (std::is_floating_point_v<decltype(x)>) {
                               if (std::isnan(x) || std::isnan(y)) return Ok(x + y);
                             }
                             return Ok(y < x ? y : x);
                           }));
  return One(std::move(out));
}

Outputs MaxKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(Array out, FoldInputs(ctx, [](auto x, auto y) {
                             if constexpr (std::is_floating_point_v<decltype(x)>) {
                               if (std::isnan(x) || std::isnan(y)) return Ok(x + y);
                             }
                             return Ok(x < y ? y : x);
                           }));
  return One(std::move(out));
}

Outputs SumKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(Array out, FoldInputs(ctx, [](auto x, auto y) { return Ok(x + y); }));
  return One(std::move(out));
}

Outputs MeanKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(Array out, FoldInputs(ctx, [](auto x, auto y) { return Ok(x + y); }));
  const auto n = static_cast<double>(ctx.input_count());
  for (double& v : out.reals) v /= n;
  Normalize(out);
  return One(std::move(out));
}

// ---- Comparisons and logic: bool results ----

// out[i] = fn(a[i'], b[i'']) as a bool tensor; a and b have one type (strings included).
template <typename Fn>
Outputs Predicate(const KernelContext& ctx, Fn fn) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* b, ctx.Required(1));
  ONNXKIT_RETURN_IF_ERROR(SameType(ctx, *a, *b));
  const Array* inputs[] = {a, b};
  ONNXKIT_ASSIGN_OR_RETURN(BroadcastPlan plan, PlanBroadcast(ctx, inputs));
  Array out;
  out.type = static_cast<int32_t>(DataType::kBool);
  out.dims = plan.dims;
  out.ints.resize(static_cast<size_t>(plan.count));
  const auto& ia = plan.indices[0];
  const auto& ib = plan.indices[1];
  auto apply = [&](const auto& x, const auto& y) {
    for (size_t i = 0; i < out.ints.size(); ++i) {
      out.ints[i] = fn(x[static_cast<size_t>(ia[i])], y[static_cast<size_t>(ib[i])]) ? 1 : 0;
    }
  };
  switch (a->storage()) {
    case Storage::kReal: apply(a->reals, b->reals); break;
    case Storage::kInt: apply(a->ints, b->ints); break;
    case Storage::kUint: apply(a->uints, b->uints); break;
    case Storage::kString: apply(a->strings, b->strings); break;
  }
  return One(std::move(out));
}

Outputs EqualKernel(const KernelContext& ctx) {
  return Predicate(ctx, [](const auto& x, const auto& y) { return x == y; });
}

// The ordering comparisons have no string types in any schema (the per-version type check in
// Support() refuses them); the string instantiation only has to compile.
Outputs LessKernel(const KernelContext& ctx) {
  return Predicate(ctx, [](const auto& x, const auto& y) { return x < y; });
}

Outputs LessOrEqualKernel(const KernelContext& ctx) {
  return Predicate(ctx, [](const auto& x, const auto& y) { return x <= y; });
}

Outputs GreaterKernel(const KernelContext& ctx) {
  return Predicate(ctx, [](const auto& x, const auto& y) { return x > y; });
}

Outputs GreaterOrEqualKernel(const KernelContext& ctx) {
  return Predicate(ctx, [](const auto& x, const auto& y) { return x >= y; });
}

// And, Or, Xor on bools (stored as 0/1); the other storages never reach these (the schema
// allows bool only).
Outputs AndKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) { return Ok(decltype(x)((x != 0) && (y != 0))); });
}

Outputs OrKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) { return Ok(decltype(x)((x != 0) || (y != 0))); });
}

Outputs XorKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) { return Ok(decltype(x)((x != 0) != (y != 0))); });
}

// The elements of `a` mapped by fn (int64 and uint64 storages; bits and logic).
template <typename Fn>
Outputs MapIntegers(const KernelContext& ctx, Fn fn) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(0));
  Array out = *a;
  for (int64_t& v : out.ints) v = fn(v);
  for (uint64_t& v : out.uints) v = fn(v);
  Normalize(out);
  return One(std::move(out));
}

Outputs NotKernel(const KernelContext& ctx) {
  return MapIntegers(ctx, [](auto x) { return decltype(x)(x == 0); });
}

// ---- Bits ----

int BitWidth(int32_t type) {
  switch (static_cast<DataType>(type)) {
    case DataType::kInt8:
    case DataType::kUint8: return 8;
    case DataType::kInt16:
    case DataType::kUint16: return 16;
    case DataType::kInt32:
    case DataType::kUint32: return 32;
    default: return 64;
  }
}

// BitShift-11 (unsigned types) and -28 (signed types too): a right shift of a signed value
// is arithmetic; a shift by a negative amount or by the width or more gives the sign fill
// (-1 for a negative value shifted right, else 0), which BitShift-11 left undefined.
Outputs BitShiftKernel(const KernelContext& ctx) {
  const std::string direction = ctx.String("direction").value_or("");
  if (direction != "LEFT" && direction != "RIGHT") {
    return ctx.Error(fmt::format("direction is '{}', not LEFT or RIGHT", direction));
  }
  const bool left = direction == "LEFT";
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(0));
  const int width = BitWidth(a->type);
  const bool old_spec = ctx.version() < 28;
  return BinaryKernel(ctx, [=](auto x, auto y) -> StatusOr<decltype(x)> {
    using T = decltype(x);
    if constexpr (std::is_floating_point_v<T>) {
      return absl::UnimplementedError("floating shift");
    } else {
      bool negative = false;
      if constexpr (std::is_signed_v<T>) negative = y < 0;
      if (negative || y >= static_cast<T>(width)) {
        if (old_spec) {
          return absl::UnimplementedError(
              fmt::format("a shift by {} on {} bits is undefined before BitShift-28", y, width));
        }
        if constexpr (std::is_signed_v<T>) {
          if (!left && x < 0) return T(-1);
        }
        return T(0);
      }
      const auto shift = static_cast<int>(y);
      if (left) return static_cast<T>(static_cast<uint64_t>(x) << shift);  // wrapped later
      return static_cast<T>(x >> shift);  // arithmetic for int64, logical for the rest
    }
  });
}

Outputs BitwiseAndKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) -> StatusOr<decltype(x)> {
    if constexpr (std::is_integral_v<decltype(x)>) {
      return x & y;
    } else {
      return absl::UnimplementedError("floating bits");
    }
  });
}

Outputs BitwiseOrKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) -> StatusOr<decltype(x)> {
    if constexpr (std::is_integral_v<decltype(x)>) {
      return x | y;
    } else {
      return absl::UnimplementedError("floating bits");
    }
  });
}

Outputs BitwiseXorKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) -> StatusOr<decltype(x)> {
    if constexpr (std::is_integral_v<decltype(x)>) {
      return x ^ y;
    } else {
      return absl::UnimplementedError("floating bits");
    }
  });
}

// ~x on the sign-extended (or zero-extended) value, then wrapped to the width.
Outputs BitwiseNotKernel(const KernelContext& ctx) {
  return MapIntegers(ctx, [](auto x) { return decltype(x)(~x); });
}

// ---- Where, PRelu, Clip ----

Outputs WhereKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* condition, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(1));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* y, ctx.Required(2));
  if (condition->type != static_cast<int32_t>(DataType::kBool)) {
    return ctx.Error(
        fmt::format("condition has element type {}, not bool", DataTypeName(condition->type)));
  }
  ONNXKIT_RETURN_IF_ERROR(SameType(ctx, *x, *y));
  const Array* inputs[] = {condition, x, y};
  ONNXKIT_ASSIGN_OR_RETURN(BroadcastPlan plan, PlanBroadcast(ctx, inputs));
  Array out = Array::Zeros(x->type, plan.dims);
  const InputIndex& ic = plan.indices[0];
  const InputIndex& ix = plan.indices[1];
  const InputIndex& iy = plan.indices[2];
  auto choose = [&](const auto& from_x, const auto& from_y, auto& to) {
    for (size_t i = 0; i < to.size(); ++i) {
      to[i] = condition->ints[static_cast<size_t>(ic[i])] != 0 ? from_x[static_cast<size_t>(ix[i])]
                                                               : from_y[static_cast<size_t>(iy[i])];
    }
  };
  switch (x->storage()) {
    case Storage::kReal: choose(x->reals, y->reals, out.reals); break;
    case Storage::kInt: choose(x->ints, y->ints, out.ints); break;
    case Storage::kUint: choose(x->uints, y->uints, out.uints); break;
    case Storage::kString: choose(x->strings, y->strings, out.strings); break;
  }
  return One(std::move(out));
}

// PRelu: slope × x where x < 0, else x; slope broadcasts unidirectionally to x (from PRelu-7;
// PRelu-6 has no broadcasting rule beyond what -7 allows, so one body serves both).
Outputs PReluKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* slope, ctx.Required(1));
  ONNXKIT_ASSIGN_OR_RETURN(Array out, Binary(ctx, *x, *slope, [](auto v, auto s) {
                             if constexpr (std::is_unsigned_v<decltype(v)>) {
                               return Ok(v);
                             } else {
                               return Ok(v < 0 ? WrappingMul(v, s) : v);
                             }
                           }));
  if (out.dims != x->dims) {
    return ctx.Error(
        fmt::format("slope of dims {} does not broadcast to X's dims {} in one "
                    "direction",
                    DimsToString(slope->dims), DimsToString(x->dims)));
  }
  return One(std::move(out));
}

// Clip: min(max(x, lo), hi) — max when lo > hi, as Clip-13 states. Bounds are the min/max
// attributes (defaults ±FLT_MAX, so even a double infinity becomes ±FLT_MAX) before opset 11,
// optional scalar inputs (defaults: the element type's own limits) from 11 on.
Outputs ClipKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  Array out = *x;
  if (ctx.version() < 11) {
    const double lo = ctx.Float("min", std::numeric_limits<float>::lowest());
    const double hi = ctx.Float("max", std::numeric_limits<float>::max());
    for (double& v : out.reals) {
      if (!std::isnan(v)) v = std::min(std::max(v, lo), hi);
    }
    Normalize(out);
    return One(std::move(out));
  }
  const Array* bounds[2] = {ctx.input(1), ctx.input(2)};
  for (int k = 0; k < 2; ++k) {
    const Array* bound = bounds[k];
    if (bound == nullptr) continue;
    if (bound->type != x->type) {
      return ctx.Error(fmt::format("{} has element type {}, the input {}", k == 0 ? "min" : "max",
                                   DataTypeName(bound->type), DataTypeName(x->type)));
    }
    if (bound->size() != 1) {
      return ctx.Error(fmt::format("{} must be a scalar; it has dims {}", k == 0 ? "min" : "max",
                                   DimsToString(bound->dims)));
    }
  }
  // `lo` and `hi` point at the bounds' one element, or are null for an omitted bound.
  auto clip = [](auto& values, const auto* lo, const auto* hi) {
    for (auto& v : values) {
      if constexpr (std::is_floating_point_v<std::decay_t<decltype(v)>>) {
        if (std::isnan(v)) continue;
      }
      if (lo != nullptr && v < *lo) v = *lo;
      if (hi != nullptr && *hi < v) v = *hi;
    }
  };
  const Array* lo = bounds[0];
  const Array* hi = bounds[1];
  switch (out.storage()) {
    case Storage::kReal:
      clip(out.reals, lo ? lo->reals.data() : nullptr, hi ? hi->reals.data() : nullptr);
      break;
    case Storage::kInt:
      clip(out.ints, lo ? lo->ints.data() : nullptr, hi ? hi->ints.data() : nullptr);
      break;
    case Storage::kUint:
      clip(out.uints, lo ? lo->uints.data() : nullptr, hi ? hi->uints.data() : nullptr);
      break;
    case Storage::kString: return ctx.Error("strings cannot be clipped");
  }
  return One(std::move(out));
}

}  // namespace

// The first version is the since-version of the schema in force at opset 7 where that schema
// is older and means the same (Not-1, Clip-6, Min-6…); the binary ops start at 7, where the
// legacy `broadcast`/`axis` attributes ended.
void AddElementwiseKernels(KernelTable& table) {
  constexpr uint64_t kInts = kSignedTypes | kUnsignedTypes;
  table.Add({"", "Add", 7, 14, AddKernel, kNumericTypes});
  table.Add({"", "Sub", 7, 14, SubKernel, kNumericTypes});
  table.Add({"", "Mul", 7, 14, MulKernel, kNumericTypes});
  table.Add({"", "Div", 7, 14, DivKernel, kNumericTypes});
  table.Add({"", "Mod", 10, 28, ModKernel, kNumericTypes});
  table.Add({"", "Pow", 7, 15, PowKernel,
             kFloatTypes | TypeBit(DataType::kInt32) | TypeBit(DataType::kInt64)});
  table.Add({"", "Min", 6, 13, MinKernel, kNumericTypes});
  table.Add({"", "Max", 6, 13, MaxKernel, kNumericTypes});
  table.Add({"", "Sum", 6, 13, SumKernel, kFloatTypes});
  table.Add({"", "Mean", 6, 13, MeanKernel, kFloatTypes});
  table.Add({"", "Equal", 7, 19, EqualKernel, kNumericTypes | kBoolType | kStringType});
  table.Add({"", "Less", 7, 13, LessKernel, kNumericTypes});
  table.Add({"", "LessOrEqual", 12, 16, LessOrEqualKernel, kNumericTypes});
  table.Add({"", "Greater", 7, 13, GreaterKernel, kNumericTypes});
  table.Add({"", "GreaterOrEqual", 12, 16, GreaterOrEqualKernel, kNumericTypes});
  table.Add({"", "And", 7, 7, AndKernel, kBoolType});
  table.Add({"", "Or", 7, 7, OrKernel, kBoolType});
  table.Add({"", "Xor", 7, 7, XorKernel, kBoolType});
  table.Add({"", "Not", 1, 1, NotKernel, kBoolType});
  table.Add({"", "BitShift", 11, 28, BitShiftKernel, kInts});
  table.Add({"", "BitwiseAnd", 18, 18, BitwiseAndKernel, kInts});
  table.Add({"", "BitwiseOr", 18, 18, BitwiseOrKernel, kInts});
  table.Add({"", "BitwiseXor", 18, 18, BitwiseXorKernel, kInts});
  table.Add({"", "BitwiseNot", 18, 18, BitwiseNotKernel, kInts});
  table.Add({"", "Where", 9, 16, WhereKernel, kBoolType});
  table.Add({"", "PRelu", 7, 16, PReluKernel, kNumericTypes});
  table.Add({"", "Clip", 6, 13, ClipKernel, kNumericTypes});
}

}  // namespace onnxkit::eval
