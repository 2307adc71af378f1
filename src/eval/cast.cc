// Cast and CastLike between the evaluated element types (float, double, float16, bfloat16,
// int8…int64, uint8…uint64, bool, string), following Cast's rules:
//   floating → floating: rounded to nearest even (±infinity beyond the range);
//   floating → integer: truncated toward zero — NaN, infinities and values out of the
//     target's range are undefined in the spec and refused;
//   floating → bool: ±0 false, everything else (NaN too) true;
//   integer → floating: rounded to nearest even, once (int64 beyond 2^53 included);
//   integer → integer: the low bits reinterpreted (two's complement); → bool: nonzero;
//   string → float/double: plain or scientific decimals and INF, +INF, -INF, NaN in any case;
//   string → integer: decimal integer literals within the type's range;
//   number → string: integers in decimal; floating values as the shortest decimal that
//     reads back to the same value, in plain notation, for the values where ONNX's reference
//     (numpy) prints plain notation too: finite, not an integer, 1e-4 <= |x| < 1e5 (float16:
//     < 1e3); bfloat16 (which numpy lacks) is refused.
// Everything else (float8/float4/int4/int2 targets, string → float16/bfloat16/bool, bool →
// string, other strings and floating values) is refused with Unimplemented: the spec either
// leaves it undefined or the evaluator does not model it. `saturate` and `round_mode` only
// concern the float8 targets, so they never change a supported cast.
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eval/kernel.h"
#include "eval/type_rules.h"
#include "fmt/format.h"

namespace onnxkit::eval {
namespace {

using Outputs = StatusOr<std::vector<Array>>;

constexpr int32_t T(DataType t) { return static_cast<int32_t>(t); }

bool IsBool(int32_t type) { return type == T(DataType::kBool); }

// The range of an integer type stored as int64 (the signed ones, uint8…uint32, bool).
std::pair<int64_t, int64_t> IntRange(int32_t type) {
  switch (static_cast<DataType>(type)) {
    case DataType::kInt8: return {INT8_MIN, INT8_MAX};
    case DataType::kInt16: return {INT16_MIN, INT16_MAX};
    case DataType::kInt32: return {INT32_MIN, INT32_MAX};
    case DataType::kUint8: return {0, UINT8_MAX};
    case DataType::kUint16: return {0, UINT16_MAX};
    case DataType::kUint32: return {0, UINT32_MAX};
    case DataType::kBool: return {0, 1};
    default: return {INT64_MIN, INT64_MAX};
  }
}

// `v` rounded to a double by rounding to odd: truncated, with the last bit set when that lost
// anything. Rounding this double to nearest-even at float, float16 or bfloat16 precision then
// gives the nearest value to `v` itself (rounding to double first could create a tie).
template <typename I>
double RoundToOddDouble(I v) {
  double d = static_cast<double>(v);
  // 2^63 and 2^64 are not values of int64/uint64; compare magnitudes through the type.
  const bool beyond =
      d >= 18446744073709551616.0 ||
      (std::is_signed_v<I> && (d >= 9223372036854775808.0 || d < -9223372036854775808.0));
  const bool exact = !beyond && static_cast<I>(d) == v;
  if (exact) return d;
  const bool rounded_away = beyond || (v > 0 ? static_cast<I>(d) > v : static_cast<I>(d) < v);
  if (rounded_away) d = std::nextafter(d, 0.0);
  return std::bit_cast<double>(std::bit_cast<uint64_t>(d) | 1u);
}

template <typename I>
double IntToReal(int32_t type, I v) {
  if (type == T(DataType::kDouble)) return static_cast<double>(v);
  return RoundTo(type, RoundToOddDouble(v));
}

// A decimal of `digits.size()` significant digits: 0.d1d2… is not meant, d1.d2… × 10^exponent.
struct Decimal {
  uint64_t digits = 0;  // d1d2…dp as an integer, 10^(p-1) <= digits < 10^p
  int exponent = 0;
};

uint64_t PowerOf10(int n) {
  uint64_t r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

// |v| rounded to `p` significant digits (p <= 17).
Decimal Nearest(double v, int p) {
  const std::string s = fmt::format("{:.{}e}", std::fabs(v), p - 1);
  Decimal d;
  size_t i = 0;
  for (; i < s.size() && s[i] != 'e'; ++i) {
    if (s[i] != '.') d.digits = d.digits * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  std::from_chars(s.data() + i + 1 + (s[i + 1] == '+' ? 1 : 0), s.data() + s.size(), d.exponent);
  return d;
}

// The next p-digit decimal above (delta = 1) or below (delta = -1) `d`.
Decimal Step(Decimal d, int p, int delta) {
  const uint64_t low = PowerOf10(p - 1);
  const uint64_t high = PowerOf10(p);
  d.digits = delta > 0 ? d.digits + 1 : d.digits - 1;
  if (d.digits == high) {
    d.digits = low;
    ++d.exponent;
  } else if (d.digits < low) {
    d.digits = high - 1;
    --d.exponent;
  }
  return d;
}

double ValueOf(const Decimal& d) {
  const std::string s = fmt::format(
      "{}e{}", d.digits, d.exponent - static_cast<int>(fmt::format("{}", d.digits).size()) + 1);
  double value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

// `d` in plain notation ("0.0125", "12.5"), with `negative`'s sign.
std::string Plain(const Decimal& d, bool negative) {
  std::string digits = fmt::format("{}", d.digits);
  const int point = d.exponent + 1;  // digits before the decimal point
  while (digits.size() > 1 && digits.back() == '0' && static_cast<int>(digits.size()) > point) {
    digits.pop_back();
  }
  std::string out = negative ? "-" : "";
  if (point <= 0) return out + "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  if (point >= static_cast<int>(digits.size())) {
    return out + digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
  }
  return out + digits.substr(0, static_cast<size_t>(point)) + "." +
         digits.substr(static_cast<size_t>(point));
}

// The decimal with the fewest significant digits that reads back to `v` in `type`, in plain
// notation; among several, the nearest to v (ties to an even last digit, as printf rounds).
// The nearest p-digit decimal can miss where a neighbour reads back (at a power of two the
// gap below is half the gap above), so the neighbours are tried when it misses.
std::string ShortestDecimal(double v, int32_t type) {
  auto reads_back = [&](const Decimal& d) {
    return RoundTo(type, std::copysign(ValueOf(d), v)) == v;
  };
  for (int p = 1; p <= 17; ++p) {
    const Decimal nearest = Nearest(v, p);
    if (reads_back(nearest)) return Plain(nearest, v < 0);
    const Decimal up = Step(nearest, p, 1);
    const Decimal down = Step(nearest, p, -1);
    const bool up_ok = reads_back(up);
    const bool down_ok = reads_back(down);
    if (up_ok && down_ok) {
      const bool up_nearer = ValueOf(up) - std::fabs(v) < std::fabs(v) - ValueOf(down);
      return Plain(up_nearer ? up : down, v < 0);
    }
    if (up_ok) return Plain(up, v < 0);
    if (down_ok) return Plain(down, v < 0);
  }
  return Plain(Nearest(v, 17), v < 0);
}

// Whether `s` is a decimal number: [+-] digits [. digits] [(e|E) [+-] digits], with at
// least one digit before the exponent.
bool IsDecimal(std::string_view s, bool allow_fraction) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (!allow_fraction) return digits > 0 && i == s.size();
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == s.size();
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// A string as float or double (`type`), correctly rounded from the decimal.
StatusOr<double> ParseReal(const KernelContext& ctx, const std::string& s, int32_t type) {
  if (EqualsIgnoringCase(s, "INF") || EqualsIgnoringCase(s, "+INF")) {
    return std::numeric_limits<double>::infinity();
  }
  if (EqualsIgnoringCase(s, "-INF")) return -std::numeric_limits<double>::infinity();
  if (EqualsIgnoringCase(s, "NaN")) return std::numeric_limits<double>::quiet_NaN();
  if (!IsDecimal(s, true)) {
    return ctx.Unsupported(fmt::format("'{}' is not a numeric literal (undefined in Cast)", s));
  }
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  const char* end = s.data() + s.size();
  if (type == T(DataType::kFloat)) {
    float f = 0;
    auto [ptr, ec] = std::from_chars(begin, end, f);
    if (ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
      return ctx.Unsupported(fmt::format("'{}' does not read as a float", s));
    }
    if (ec == std::errc::result_out_of_range) {
      return ctx.Unsupported(fmt::format("'{}' is out of float's range", s));
    }
    return f;
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(begin, end, d);
  if (ptr != end || ec != std::errc()) {
    return ctx.Unsupported(fmt::format("'{}' does not read as a double", s));
  }
  return d;
}

// Casts `x` to `to`; both evaluated types.
StatusOr<Array> CastArray(const KernelContext& ctx, const Array& x, int32_t to) {
  if (x.type == to) return x;
  Array out = Array::Zeros(to, x.dims);
  const int64_t n = x.size();
  const Storage from = x.storage();
  const Storage dst = out.storage();
  for (int64_t k = 0; k < n; ++k) {
    const auto i = static_cast<size_t>(k);
    switch (from) {
      case Storage::kReal: {
        const double v = x.reals[i];
        if (dst == Storage::kReal) {
          out.reals[i] = RoundTo(to, v);
        } else if (IsBool(to)) {
          out.ints[i] = v != 0 ? 1 : 0;
        } else if (dst == Storage::kString) {
          // numpy prints float16 values from 1000 on in scientific notation.
          const double top = x.type == T(DataType::kFloat16) ? 1e3 : 1e5;
          if (x.type == T(DataType::kBfloat16) || !std::isfinite(v) || std::trunc(v) == v ||
              std::fabs(v) < 1e-4 || std::fabs(v) >= top) {
            return ctx.Unsupported(fmt::format(
                "{} {} to string: only non-integral values with 1e-4 <= |x| < {} are cast "
                "(other notations differ between implementations)",
                DataTypeName(x.type), v, top));
          }
          out.strings[i] = ShortestDecimal(v, x.type);
        } else {
          const double t = std::trunc(v);
          bool fits = std::isfinite(v);
          if (dst == Storage::kUint) {
            fits = fits && t >= 0 && t < 18446744073709551616.0;
            if (fits) out.uints[i] = static_cast<uint64_t>(t);
          } else {
            const auto [lo, hi] = IntRange(to);
            // int64's bounds as doubles: -2^63 is exact, 2^63 is one past the top.
            fits = fits && t >= static_cast<double>(lo) &&
                   (hi == INT64_MAX ? t < 9223372036854775808.0 : t <= static_cast<double>(hi));
            if (fits) out.ints[i] = static_cast<int64_t>(t);
          }
          if (!fits) {
            return ctx.Unsupported(
                fmt::format("{} does not fit {} (undefined in Cast)", v, DataTypeName(to)));
          }
        }
        break;
      }
      case Storage::kInt: {
        const int64_t v = x.ints[i];
        if (dst == Storage::kReal) {
          out.reals[i] = IntToReal(to, v);
        } else if (dst == Storage::kInt) {
          out.ints[i] = IsBool(to) ? (v != 0 ? 1 : 0) : WrapTo(to, v);
        } else if (dst == Storage::kUint) {
          out.uints[i] = static_cast<uint64_t>(v);
        } else {
          if (IsBool(x.type)) {
            return ctx.Unsupported("bool to string: the spec gives no spelling");
          }
          out.strings[i] = fmt::format("{}", v);
        }
        break;
      }
      case Storage::kUint: {
        const uint64_t v = x.uints[i];
        if (dst == Storage::kReal) {
          out.reals[i] = IntToReal(to, v);
        } else if (dst == Storage::kInt) {
          out.ints[i] = IsBool(to) ? (v != 0 ? 1 : 0) : WrapTo(to, static_cast<int64_t>(v));
        } else {
          out.strings[i] = fmt::format("{}", v);
        }
        break;
      }
      case Storage::kString: {
        const std::string& s = x.strings[i];
        if (to == T(DataType::kFloat) || to == T(DataType::kDouble)) {
          ONNXKIT_ASSIGN_OR_RETURN(out.reals[i], ParseReal(ctx, s, to));
        } else if (dst == Storage::kReal || IsBool(to)) {
          return ctx.Unsupported(fmt::format("string to {} is not evaluated", DataTypeName(to)));
        } else {
          if (!IsDecimal(s, false)) {
            return ctx.Unsupported(fmt::format(
                "'{}' is not an integer literal (undefined in a Cast to {})", s, DataTypeName(to)));
          }
          const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
          const char* end = s.data() + s.size();
          bool fits = false;
          if (dst == Storage::kUint) {
            fits = s[0] != '-' && std::from_chars(begin, end, out.uints[i]).ec == std::errc();
          } else {
            int64_t v = 0;
            const auto [lo, hi] = IntRange(to);
            fits = std::from_chars(begin, end, v).ec == std::errc() && v >= lo && v <= hi;
            out.ints[i] = v;
          }
          if (!fits) {
            return ctx.Unsupported(fmt::format("'{}' is out of {}'s range", s, DataTypeName(to)));
          }
        }
        break;
      }
    }
  }
  return out;
}

Outputs CastTo(const KernelContext& ctx, int32_t to) {
  ONNXKIT_RETURN_IF_ERROR(CheckSchemaTypes(ctx));
  ONNXKIT_RETURN_IF_ERROR(CheckOutputType(ctx, 0, to));
  if (!IsEvaluatedType(to)) {
    return ctx.Unsupported(fmt::format("casts to {} are not evaluated", DataTypeName(to)));
  }
  ONNXKIT_ASSIGN_OR_RETURN(const Array* x, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(Array out, CastArray(ctx, *x, to));
  std::vector<Array> outputs;
  outputs.push_back(std::move(out));
  return outputs;
}

Outputs CastKernel(const KernelContext& ctx) {
  std::optional<int64_t> to = ctx.Int("to");
  if (!to) return ctx.Error("attribute 'to' is missing");
  if (!IsKnownDataType(static_cast<int32_t>(*to))) {
    return ctx.Error(fmt::format("'to' is {}, not an element type", *to));
  }
  return CastTo(ctx, static_cast<int32_t>(*to));
}

Outputs CastLikeKernel(const KernelContext& ctx) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* like, ctx.Required(1));
  return CastTo(ctx, like->type);
}

}  // namespace

void AddCastKernels(KernelTable& table) {
  table.Add({"", "Cast", 6, 28, CastKernel, 0});
  table.Add({"", "CastLike", 15, 25, CastLikeKernel, 0});
}

}  // namespace onnxkit::eval
