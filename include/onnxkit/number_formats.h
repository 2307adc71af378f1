// The number formats of ONNX element types, converted in one place: float16 and bfloat16 in
// both directions, and decoding of float8 (e4m3fn, e4m3fnuz, e5m2, e5m2fnuz, e8m0),
// float6 (e2m3, e3m2), float4e2m1 and the packed integers (int4, uint4, int2, uint2).
//
// Raw data is little-endian. Packed types form a bit stream that starts at the least
// significant bit of the first byte: int4/uint4/float4e2m1 put the first element in the low
// nibble, int2/uint2 in bits 0-1, float6 in bits 0-5 (TensorProto's comments).
#pragma once

#include <cstdint>
#include <string_view>

#include "onnxkit/tensor.h"

namespace onnxkit {

// IEEE 754 binary16. Conversions from float round to nearest even; values beyond the
// largest finite half become infinities; NaN stays NaN.
float Float16ToFloat(uint16_t bits);
uint16_t FloatToFloat16(float value);
// bfloat16: the upper half of a float32. From float: round to nearest even, NaN stays NaN.
float Bfloat16ToFloat(uint16_t bits);
uint16_t FloatToBfloat16(float value);

inline float ToFloat(Float16 h) { return Float16ToFloat(h.bits); }
inline float ToFloat(Bfloat16 b) { return Bfloat16ToFloat(b.bits); }
inline Float16 ToFloat16(float value) { return Float16{FloatToFloat16(value)}; }
inline Bfloat16 ToBfloat16(float value) { return Bfloat16{FloatToBfloat16(value)}; }

// One byte of a float8 `type` (kFloat8E4M3FN, kFloat8E4M3FNUZ, kFloat8E5M2, kFloat8E5M2FNUZ,
// kFloat8E8M0) as a float. E4M3FN has no infinities and 0x7f/0xff as NaN; the FNUZ formats
// have no negative zero, 0x80 is their only NaN and their bias is one higher; E5M2 follows
// IEEE 754; E8M0 is an exponent alone (2^(bits-127)), 0xff its NaN. NaN for other types.
float Float8ToFloat(uint8_t bits, DataType type);
// The low 4 bits as float4 e2m1 (no infinities, no NaN: ±0, ±0.5 … ±6).
float Float4E2M1ToFloat(uint8_t bits);
// The low 6 bits as float6 `type` (kFloat6E2M3 or kFloat6E3M2; no infinities, no NaN).
float Float6ToFloat(uint8_t bits, DataType type);

// The bits of element `i` in a packed stream of `bits`-bit elements (1 to 8 bits).
// `raw` must hold the element.
uint32_t PackedElementBits(std::string_view raw, int bits, int64_t i);

// Element `i` of raw data of `type` as a double, for every numeric type (IsNumeric): bool
// as 0/1, the small floats decoded, packed integers sign-extended where signed. int64 and
// uint64 beyond 2^53 round. NaN for types that are not numeric. `raw` must hold the element.
double ElementAsDouble(int32_t type, std::string_view raw, int64_t i);

}  // namespace onnxkit
