// Unary elementwise kernels: math (Abs Neg Sign Floor Ceil Round Sqrt Reciprocal Exp Log Erf,
// the trigonometric and hyperbolic functions), the NaN/infinity tests and the activations
// (Relu LeakyRelu Elu Selu Celu Sigmoid HardSigmoid HardSwish Tanh Softplus Softsign Gelu
// Mish ThresholdedRelu Shrink).
//
// Floating types compute the spec's formula in double and round once to the element type
// (the reference computes in the element type; the difference is within the last bit).
// Integer types (Abs, Neg, Sign, Relu, Shrink) wrap as their width does.
#include <cmath>
#include <numbers>
#include <string>
#include <type_traits>
#include <vector>

#include "eval/kernel.h"
#include "eval/type_rules.h"
#include "fmt/format.h"

namespace onnxkit::eval {
namespace {

using Outputs = StatusOr<std::vector<Array>>;

Outputs One(Array a) {
  std::vector<Array> outputs;
  outputs.push_back(std::move(a));
  return outputs;
}

// y = fn(x) for every element, in the input's storage (fn takes and returns double, int64 or
// uint64); then rounded or wrapped to the element type.
template <typename Fn>
Outputs Map(const KernelContext& ctx, Fn fn) {
  ONNXKIT_RETURN_IF_ERROR(CheckSchemaTypes(ctx));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  if (x->storage() == Storage::kString) return ctx.Error("a string input");
  Array out = *x;
  for (double& v : out.reals) v = fn(v);
  for (int64_t& v : out.ints) v = fn(v);
  for (uint64_t& v : out.uints) v = fn(v);
  Normalize(out);
  return One(std::move(out));
}

// y = fn(x) for the floating types (the only ones the op's schemas allow).
template <typename Fn>
Outputs MapReal(const KernelContext& ctx, Fn fn) {
  ONNXKIT_RETURN_IF_ERROR(CheckSchemaTypes(ctx));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  if (x->storage() != Storage::kReal) {
    return ctx.Unsupported(fmt::format("element type {}", DataTypeName(x->type)));
  }
  Array out = *x;
  for (double& v : out.reals) v = fn(v);
  Normalize(out);
  return One(std::move(out));
}

// A bool tensor of pred(x) over a floating input.
template <typename Pred>
Outputs Test(const KernelContext& ctx, Pred pred) {
  ONNXKIT_RETURN_IF_ERROR(CheckSchemaTypes(ctx));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  if (x->storage() != Storage::kReal) {
    return ctx.Unsupported(fmt::format("element type {}", DataTypeName(x->type)));
  }
  Array out;
  out.type = static_cast<int32_t>(DataType::kBool);
  out.dims = x->dims;
  out.ints.reserve(x->reals.size());
  for (double v : x->reals) out.ints.push_back(pred(v) ? 1 : 0);
  return One(std::move(out));
}

// -x through uint64 for integers, where INT_MIN wraps to itself instead of overflowing.
template <typename T>
T Negate(T x) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(uint64_t{0} - static_cast<uint64_t>(x));
  } else {
    return -x;
  }
}

// ln(1 + e^x) without overflow for large x.
double Softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

// ---- Math ----

Outputs AbsKernel(const KernelContext& ctx) {
  return Map(ctx, [](auto x) {
    if constexpr (std::is_unsigned_v<decltype(x)>) {
      return x;
    } else if constexpr (std::is_integral_v<decltype(x)>) {
      return x < 0 ? Negate(x) : x;
    } else {
      return std::fabs(x);
    }
  });
}

Outputs NegKernel(const KernelContext& ctx) {
  return Map(ctx, [](auto x) { return Negate(x); });
}

// Sign: -1, 0 or 1; NaN stays NaN (the reference's numpy.sign).
Outputs SignKernel(const KernelContext& ctx) {
  return Map(ctx, [](auto x) -> decltype(x) {
    using T = decltype(x);
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(x)) return x;
    }
    if constexpr (std::is_unsigned_v<T>) {
      return x > 0 ? 1 : 0;
    } else {
      return x > 0 ? T(1) : (x < 0 ? T(-1) : T(0));
    }
  });
}

Outputs FloorKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::floor(x); });
}

Outputs CeilKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::ceil(x); });
}

// Halves round to even: std::nearbyint in the default rounding mode (round to nearest even).
Outputs RoundKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::nearbyint(x); });
}

Outputs SqrtKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::sqrt(x); });
}

Outputs ReciprocalKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return 1.0 / x; });
}

Outputs ExpKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::exp(x); });
}

Outputs LogKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::log(x); });
}

Outputs ErfKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::erf(x); });
}

Outputs SinKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::sin(x); });
}

Outputs CosKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::cos(x); });
}

Outputs TanKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::tan(x); });
}

Outputs AsinKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::asin(x); });
}

Outputs AcosKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::acos(x); });
}

Outputs AtanKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::atan(x); });
}

Outputs SinhKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::sinh(x); });
}

Outputs CoshKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::cosh(x); });
}

Outputs AsinhKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::asinh(x); });
}

Outputs AcoshKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::acosh(x); });
}

Outputs AtanhKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::atanh(x); });
}

Outputs IsNaNKernel(const KernelContext& ctx) {
  return Test(ctx, [](double x) { return std::isnan(x); });
}

Outputs IsInfKernel(const KernelContext& ctx) {
  const bool negative = ctx.Int("detect_negative", 1) != 0;
  const bool positive = ctx.Int("detect_positive", 1) != 0;
  return Test(
      ctx, [=](double x) { return std::isinf(x) && ((x > 0 && positive) || (x < 0 && negative)); });
}

// ---- Activations ----

// max(0, x); NaN stays NaN (the reference's numpy.maximum).
Outputs ReluKernel(const KernelContext& ctx) {
  return Map(ctx, [](auto x) { return x < 0 ? decltype(x)(0) : x; });
}

Outputs LeakyReluKernel(const KernelContext& ctx) {
  const double alpha = ctx.Float("alpha", 0.01f);
  return MapReal(ctx, [=](double x) { return x < 0 ? alpha * x : x; });
}

Outputs EluKernel(const KernelContext& ctx) {
  const double alpha = ctx.Float("alpha", 1.0f);
  return MapReal(ctx, [=](double x) { return x < 0 ? alpha * std::expm1(x) : x; });
}

Outputs SeluKernel(const KernelContext& ctx) {
  const double alpha = ctx.Float("alpha", 1.67326319217681884765625f);
  const double gamma = ctx.Float("gamma", 1.05070102214813232421875f);
  return MapReal(ctx, [=](double x) { return x > 0 ? gamma * x : gamma * alpha * std::expm1(x); });
}

Outputs CeluKernel(const KernelContext& ctx) {
  const double alpha = ctx.Float("alpha", 1.0f);
  if (alpha == 0) return ctx.Error("alpha is 0");
  return MapReal(ctx, [=](double x) {
    return std::max(0.0, x) + std::min(0.0, alpha * std::expm1(x / alpha));
  });
}

Outputs SigmoidKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return 1 / (1 + std::exp(-x)); });
}

double HardSigmoid(double x, double alpha, double beta) {
  return std::max(0.0, std::min(1.0, alpha * x + beta));
}

Outputs HardSigmoidKernel(const KernelContext& ctx) {
  const double alpha = ctx.Float("alpha", 0.2f);
  const double beta = ctx.Float("beta", 0.5f);
  return MapReal(ctx, [=](double x) { return HardSigmoid(x, alpha, beta); });
}

// x · HardSigmoid(x) with the function body's alpha = 1/6 as a float attribute.
Outputs HardSwishKernel(const KernelContext& ctx) {
  const double alpha = static_cast<float>(1.0 / 6);
  return MapReal(ctx, [=](double x) { return x * HardSigmoid(x, alpha, 0.5); });
}

Outputs TanhKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return std::tanh(x); });
}

Outputs SoftplusKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return Softplus(x); });
}

Outputs SoftsignKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return x / (1 + std::fabs(x)); });
}

Outputs GeluKernel(const KernelContext& ctx) {
  const std::string approximate = ctx.String("approximate").value_or("none");
  if (approximate == "none") {
    return MapReal(ctx, [](double x) { return 0.5 * x * (1 + std::erf(x / std::numbers::sqrt2)); });
  }
  if (approximate == "tanh") {
    const double k = std::sqrt(2 / std::numbers::pi);
    return MapReal(
        ctx, [=](double x) { return 0.5 * x * (1 + std::tanh(k * (x + 0.044715 * x * x * x))); });
  }
  return ctx.Error(fmt::format("approximate is '{}', not 'none' or 'tanh'", approximate));
}

Outputs MishKernel(const KernelContext& ctx) {
  return MapReal(ctx, [](double x) { return x * std::tanh(Softplus(x)); });
}

Outputs ThresholdedReluKernel(const KernelContext& ctx) {
  const double alpha = ctx.Float("alpha", 1.0f);
  return MapReal(ctx, [=](double x) { return x > alpha ? x : 0.0; });
}

// Shrink: x + bias below -lambd, x - bias above lambd, else 0. For integer types the spec
// gives no rounding rule, so a result that is not an integer of the type is refused.
Outputs ShrinkKernel(const KernelContext& ctx) {
  ONNXKIT_RETURN_IF_ERROR(CheckSchemaTypes(ctx));
  const double lambd = ctx.Float("lambd", 0.5f);
  const double bias = ctx.Float("bias", 0.0f);
  auto shrink = [=](double x) { return x < -lambd ? x + bias : (x > lambd ? x - bias : 0.0); };
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  if (x->storage() == Storage::kReal) return MapReal(ctx, shrink);
  // Integers are exact in double up to 2^53, which bounds what is computed here.
  constexpr double kExact = 9007199254740992.0;
  Array out = *x;
  for (int64_t i = 0; i < out.size(); ++i) {
    const double v = x->RealAt(i);
    const double y = shrink(v);
    const bool representable =
        std::fabs(v) <= kExact && std::fabs(y) <= kExact && std::trunc(y) == y &&
        (out.storage() == Storage::kUint
             ? y >= 0
             : WrapTo(out.type, static_cast<int64_t>(y)) == static_cast<int64_t>(y));
    if (!representable) {
      return ctx.Unsupported(
          fmt::format("Shrink of {} gives {}, which is not a {}", v, y, DataTypeName(out.type)));
    }
    if (out.storage() == Storage::kUint) {
      out.uints[static_cast<size_t>(i)] = static_cast<uint64_t>(y);
    } else {
      out.ints[static_cast<size_t>(i)] = static_cast<int64_t>(y);
    }
  }
  return One(std::move(out));
}

}  // namespace

// The first version is the since-version of the schema in force at opset 7 where that schema
// is older and means the same (Elu-6 serves opsets 6 to 21; Softplus-1 opsets 1 to 21).
void AddUnaryKernels(KernelTable& table) {
  constexpr uint64_t kSignedNumbers = kFloatTypes | kSignedTypes;
  table.Add({"", "Abs", 6, 13, AbsKernel, kNumericTypes});
  table.Add({"", "Neg", 6, 13, NegKernel, kSignedNumbers});
  table.Add({"", "Sign", 9, 13, SignKernel, kNumericTypes});
  table.Add({"", "Floor", 6, 13, FloorKernel, kFloatTypes});
  table.Add({"", "Ceil", 6, 13, CeilKernel, kFloatTypes});
  table.Add({"", "Round", 11, 22, RoundKernel, kFloatTypes});
  table.Add({"", "Sqrt", 6, 13, SqrtKernel, kFloatTypes});
  table.Add({"", "Reciprocal", 6, 13, ReciprocalKernel, kFloatTypes});
  table.Add({"", "Exp", 6, 13, ExpKernel, kFloatTypes});
  table.Add({"", "Log", 6, 13, LogKernel, kFloatTypes});
  table.Add({"", "Erf", 9, 13, ErfKernel, kFloatTypes});
  table.Add({"", "Sin", 7, 22, SinKernel, kFloatTypes});
  table.Add({"", "Cos", 7, 22, CosKernel, kFloatTypes});
  table.Add({"", "Tan", 7, 22, TanKernel, kFloatTypes});
  table.Add({"", "Asin", 7, 22, AsinKernel, kFloatTypes});
  table.Add({"", "Acos", 7, 22, AcosKernel, kFloatTypes});
  table.Add({"", "Atan", 7, 22, AtanKernel, kFloatTypes});
  table.Add({"", "Sinh", 9, 22, SinhKernel, kFloatTypes});
  table.Add({"", "Cosh", 9, 22, CoshKernel, kFloatTypes});
  table.Add({"", "Asinh", 9, 22, AsinhKernel, kFloatTypes});
  table.Add({"", "Acosh", 9, 22, AcoshKernel, kFloatTypes});
  table.Add({"", "Atanh", 9, 22, AtanhKernel, kFloatTypes});
  table.Add({"", "IsNaN", 9, 20, IsNaNKernel, kFloatTypes});
  table.Add({"", "IsInf", 10, 20, IsInfKernel, kFloatTypes});
  table.Add({"", "Relu", 6, 14, ReluKernel, kSignedNumbers});
  table.Add({"", "LeakyRelu", 6, 16, LeakyReluKernel, kFloatTypes});
  table.Add({"", "Elu", 6, 22, EluKernel, kFloatTypes});
  table.Add({"", "Selu", 6, 22, SeluKernel, kFloatTypes});
  table.Add({"", "Celu", 12, 28, CeluKernel, kFloatTypes});
  table.Add({"", "Sigmoid", 6, 13, SigmoidKernel, kFloatTypes});
  table.Add({"", "HardSigmoid", 6, 22, HardSigmoidKernel, kFloatTypes});
  table.Add({"", "HardSwish", 14, 22, HardSwishKernel, kFloatTypes});
  table.Add({"", "Tanh", 6, 13, TanhKernel, kFloatTypes});
  table.Add({"", "Softplus", 1, 22, SoftplusKernel, kFloatTypes});
  table.Add({"", "Softsign", 1, 22, SoftsignKernel, kFloatTypes});
  table.Add({"", "Gelu", 20, 20, GeluKernel, kFloatTypes});
  table.Add({"", "Mish", 18, 22, MishKernel, kFloatTypes});
  table.Add({"", "ThresholdedRelu", 10, 22, ThresholdedReluKernel, kFloatTypes});
  table.Add({"", "Shrink", 9, 9, ShrinkKernel, kNumericTypes});
}

}  // namespace onnxkit::eval
