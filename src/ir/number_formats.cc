#include "onnxkit/number_formats.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace onnxkit {
namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

// A small float of 1 sign, `exponent_bits` and `mantissa_bits` (sign in the bit above them)
// whose every exponent denotes a finite number: subnormal when the exponent is 0.
float SmallFloat(uint32_t bits, int exponent_bits, int mantissa_bits, int bias) {
  const uint32_t exponent = (bits >> mantissa_bits) & ((1u << exponent_bits) - 1);
  const uint32_t mantissa = bits & ((1u << mantissa_bits) - 1);
  const bool negative = (bits >> (exponent_bits + mantissa_bits)) & 1;
  const float magnitude = exponent == 0
                              ? std::ldexp(static_cast<float>(mantissa), 1 - bias - mantissa_bits)
                              : std::ldexp(static_cast<float>(mantissa + (1u << mantissa_bits)),
                                           static_cast<int>(exponent) - bias - mantissa_bits);
  return negative ? -magnitude : magnitude;
}

template <typename T>
T Load(std::string_view raw, int64_t i) {
  T v;
  std::memcpy(&v, raw.data() + static_cast<size_t>(i) * sizeof(T), sizeof(T));
  return v;
}

// The low `bits` bits as a two's-complement number.
int64_t SignExtend(uint32_t value, int bits) {
  return value >= (1u << (bits - 1)) ? static_cast<int64_t>(value) - (int64_t{1} << bits)
                                     : static_cast<int64_t>(value);
}

}  // namespace

float Float16ToFloat(uint16_t bits) {
  const uint32_t exponent = (bits >> 10) & 0x1f;
  const uint32_t mantissa = bits & 0x3ff;
  if (exponent == 31) {
    const float special = mantissa ? kNan : std::numeric_limits<float>::infinity();
    return (bits & 0x8000) ? -special : special;
  }
  return SmallFloat(bits, 5, 10, 15);
}

uint16_t FloatToFloat16(float value) {
  const uint32_t x = std::bit_cast<uint32_t>(value);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const uint32_t magnitude = x & 0x7fffffff;
  if (magnitude > 0x7f800000) return sign | 0x7e00 | ((magnitude >> 13) & 0x3ff);  // NaN
  // 65520 (0x477ff000) lies halfway between 65504, the largest half, and 65536: rounding to
  // even goes up, to infinity.
  if (magnitude >= 0x477ff000) return sign | 0x7c00;
  const uint32_t exponent = magnitude >> 23;
  if (exponent < 113) {               // below 2^-14: a half subnormal or zero
    if (exponent < 102) return sign;  // below 2^-25, half the smallest subnormal
    const uint32_t mantissa = (magnitude & 0x7fffff) | 0x800000;
    const uint32_t shift = 126 - exponent;
    uint32_t half = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1);
    const uint32_t midpoint = 1u << (shift - 1);
    if (rest > midpoint || (rest == midpoint && (half & 1))) ++half;
    return sign | static_cast<uint16_t>(half);
  }
  uint32_t half = ((exponent - 112) << 10) | ((magnitude >> 13) & 0x3ff);
  const uint32_t rest = magnitude & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) ++half;  // may carry into the exponent
  return sign | static_cast<uint16_t>(half);
}

float Bfloat16ToFloat(uint16_t bits) {
  return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16);
}

uint16_t FloatToBfloat16(float value) {
  const uint32_t x = std::bit_cast<uint32_t>(value);
  if ((x & 0x7fffffff) > 0x7f800000) return static_cast<uint16_t>((x >> 16) | 0x40);  // quiet NaN
  const uint32_t rounding = 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>((x + rounding) >> 16);
}

float Float8ToFloat(uint8_t bits, DataType type) {
  switch (type) {
    case DataType::kFloat8E4M3FN:
      if ((bits & 0x7f) == 0x7f) return kNan;
      return SmallFloat(bits, 4, 3, 7);
    case DataType::kFloat8E4M3FNUZ:
      if (bits == 0x80) return kNan;
      return SmallFloat(bits, 4, 3, 8);
    case DataType::kFloat8E5M2:
      if ((bits & 0x7c) == 0x7c) {  // exponent all ones: IEEE infinities and NaNs
        if (bits & 0x03) return kNan;
        return (bits & 0x80) ? -std::numeric_limits<float>::infinity()
                             : std::numeric_limits<float>::infinity();
      }
      return SmallFloat(bits, 5, 2, 15);
    case DataType::kFloat8E5M2FNUZ:
      if (bits == 0x80) return kNan;
      return SmallFloat(bits, 5, 2, 16);
    case DataType::kFloat8E8M0:
      if (bits == 0xff) return kNan;
      return std::ldexp(1.0f, static_cast<int>(bits) - 127);
    default: return kNan;
  }
}

float Float4E2M1ToFloat(uint8_t bits) { return SmallFloat(bits & 0x0f, 2, 1, 1); }

float Float6ToFloat(uint8_t bits, DataType type) {
  switch (type) {
    case DataType::kFloat6E2M3: return SmallFloat(bits & 0x3f, 2, 3, 1);
    case DataType::kFloat6E3M2: return SmallFloat(bits & 0x3f, 3, 2, 3);
    default: return kNan;
  }
}

uint32_t PackedElementBits(std::string_view raw, int bits, int64_t i) {
  const uint64_t first_bit = static_cast<uint64_t>(i) * static_cast<uint64_t>(bits);
  const size_t byte = static_cast<size_t>(first_bit / 8);
  const int shift = static_cast<int>(first_bit % 8);
  uint32_t word = static_cast<uint8_t>(raw[byte]);
  if (shift + bits > 8 && byte + 1 < raw.size()) {
    word |= static_cast<uint32_t>(static_cast<uint8_t>(raw[byte + 1])) << 8;
  }
  return (word >> shift) & ((1u << bits) - 1);
}

double ElementAsDouble(int32_t type, std::string_view raw, int64_t i) {
  const DataType t = static_cast<DataType>(type);
  switch (t) {
    case DataType::kFloat: return Load<float>(raw, i);
    case DataType::kDouble: return Load<double>(raw, i);
    case DataType::kFloat16: return Float16ToFloat(Load<uint16_t>(raw, i));
    case DataType::kBfloat16: return Bfloat16ToFloat(Load<uint16_t>(raw, i));
    case DataType::kInt8: return Load<int8_t>(raw, i);
    case DataType::kUint8: return Load<uint8_t>(raw, i);
    case DataType::kInt16: return Load<int16_t>(raw, i);
    case DataType::kUint16: return Load<uint16_t>(raw, i);
    case DataType::kInt32: return Load<int32_t>(raw, i);
    case DataType::kUint32: return Load<uint32_t>(raw, i);
    case DataType::kInt64: return static_cast<double>(Load<int64_t>(raw, i));
    case DataType::kUint64: return static_cast<double>(Load<uint64_t>(raw, i));
    case DataType::kBool: return Load<uint8_t>(raw, i) != 0 ? 1.0 : 0.0;
    case DataType::kFloat8E4M3FN:
    case DataType::kFloat8E4M3FNUZ:
    case DataType::kFloat8E5M2:
    case DataType::kFloat8E5M2FNUZ:
    case DataType::kFloat8E8M0: return Float8ToFloat(Load<uint8_t>(raw, i), t);
    case DataType::kUint4: return PackedElementBits(raw, 4, i);
    case DataType::kInt4: return static_cast<double>(SignExtend(PackedElementBits(raw, 4, i), 4));
    case DataType::kFloat4E2M1:
      return Float4E2M1ToFloat(static_cast<uint8_t>(PackedElementBits(raw, 4, i)));
    case DataType::kUint2: return PackedElementBits(raw, 2, i);
    case DataType::kInt2: return static_cast<double>(SignExtend(PackedElementBits(raw, 2, i), 2));
    case DataType::kFloat6E2M3:
    case DataType::kFloat6E3M2:
      return Float6ToFloat(static_cast<uint8_t>(PackedElementBits(raw, 6, i)), t);
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace onnxkit
