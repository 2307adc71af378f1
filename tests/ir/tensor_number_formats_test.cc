// Element types and their number formats (onnxkit/tensor.h, onnxkit/number_formats.h):
// names, packed byte sizes, typed-field entry counts, float16/bfloat16 both ways, and the
// decoding of float8, float6, float4 and the packed integers.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "onnxkit/number_formats.h"
#include "onnxkit/tensor.h"

namespace onnxkit {
namespace {

constexpr int32_t T(DataType type) { return static_cast<int32_t>(type); }

TEST(DataTypes, NamesOfTheNewTypes) {
  EXPECT_EQ(DataTypeName(T(DataType::kFloat8E4M3FN)), "float8e4m3fn");
  EXPECT_EQ(DataTypeName(T(DataType::kFloat4E2M1)), "float4e2m1");
  EXPECT_EQ(DataTypeName(T(DataType::kFloat8E8M0)), "float8e8m0");
  EXPECT_EQ(DataTypeName(T(DataType::kUint2)), "uint2");
  EXPECT_EQ(DataTypeName(T(DataType::kInt2)), "int2");
  EXPECT_EQ(DataTypeName(T(DataType::kFloat6E2M3)), "float6e2m3");
  EXPECT_EQ(DataTypeName(T(DataType::kFloat6E3M2)), "float6e3m2");
  EXPECT_EQ(DataTypeName(29), "dtype(29)");
  EXPECT_TRUE(IsKnownDataType(28));
  EXPECT_FALSE(IsKnownDataType(29));
  EXPECT_FALSE(IsKnownDataType(0));
}

// The byte size of packed types is not elements × size: it rounds up.
TEST(DataTypes, PackedByteSizes) {
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kInt4), 25), 13u);
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kUint4), 24), 12u);
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kFloat4E2M1), 15), 8u);
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kInt2), 7), 2u);
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kUint2), 8), 2u);
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kFloat6E2M3), 4), 3u);
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kFloat6E3M2), 5), 4u);
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kFloat8E8M0), 5), 5u);
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kFloat), 5), 20u);
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kString), 5), 0u);
  EXPECT_EQ(*RawByteSizeOf(T(DataType::kInt4), 0), 0u);
  EXPECT_FALSE(RawByteSizeOf(T(DataType::kFloat), -1).ok());
  EXPECT_FALSE(RawByteSizeOf(T(DataType::kComplex128), INT64_MAX).ok());  // overflows
  EXPECT_TRUE(RawByteSizeOf(T(DataType::kInt4), INT64_MAX).ok());
  EXPECT_EQ(DataTypeSize(T(DataType::kInt4)), 0u);
  EXPECT_EQ(DataTypeBits(T(DataType::kInt4)), 4u);
  EXPECT_TRUE(IsPackedType(T(DataType::kFloat6E3M2)));
  EXPECT_FALSE(IsPackedType(T(DataType::kFloat8E5M2)));

  Tensor t;
  t.data_type = T(DataType::kUint4);
  t.dims = {5, 5};
  EXPECT_EQ(*t.RawByteSize(), 13u);
}

// TensorProto: int32_data holds two 4-bit or four 2-bit elements per entry, one element of
// every other type (float6 included).
TEST(DataTypes, TypedFieldEntries) {
  EXPECT_EQ(TypedFieldSizeOf(T(DataType::kInt4), 5), 3u);
  EXPECT_EQ(TypedFieldSizeOf(T(DataType::kFloat4E2M1), 4), 2u);
  EXPECT_EQ(TypedFieldSizeOf(T(DataType::kUint2), 5), 2u);
  EXPECT_EQ(TypedFieldSizeOf(T(DataType::kInt2), 4), 1u);
  EXPECT_EQ(TypedFieldSizeOf(T(DataType::kFloat6E2M3), 5), 5u);
  EXPECT_EQ(TypedFieldSizeOf(T(DataType::kComplex64), 3), 6u);
  EXPECT_EQ(TypedFieldSizeOf(T(DataType::kFloat8E8M0), 3), 3u);
  EXPECT_EQ(TypedFieldName(T(DataType::kUint32)), "uint64_data");
  EXPECT_EQ(TypedFieldName(T(DataType::kFloat8E4M3FN)), "int32_data");
}

TEST(Float16, EveryHalfSurvivesTheRoundTrip) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const float f = Float16ToFloat(static_cast<uint16_t>(bits));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(Float16ToFloat(FloatToFloat16(f)))) << bits;
    } else {
      EXPECT_EQ(FloatToFloat16(f), bits) << bits;
    }
  }
}

TEST(Float16, KnownValuesAndRounding) {
  EXPECT_EQ(Float16ToFloat(0x3c00), 1.0f);
  EXPECT_EQ(Float16ToFloat(0x7bff), 65504.0f);
  EXPECT_EQ(Float16ToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(Float16ToFloat(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(FloatToFloat16(65519.0f), 0x7bff);  // below the midpoint to 65536
  EXPECT_EQ(FloatToFloat16(65520.0f), 0x7c00);  // the midpoint rounds to even: infinity
  EXPECT_EQ(FloatToFloat16(1e10f), 0x7c00);
  EXPECT_EQ(FloatToFloat16(-1e10f), 0xfc00);
  // 1 + 2^-11 lies halfway between 1 and the next half: ties go to the even mantissa.
  EXPECT_EQ(FloatToFloat16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  EXPECT_EQ(FloatToFloat16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  EXPECT_EQ(FloatToFloat16(std::ldexp(1.0f, -25)), 0x0000);  // half the smallest subnormal
  EXPECT_EQ(FloatToFloat16(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(FloatToFloat16(-0.0f), 0x8000);
  EXPECT_EQ(FloatToFloat16(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
  EXPECT_TRUE(std::isnan(Float16ToFloat(FloatToFloat16(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(Bfloat16, RoundsToNearestEven) {
  EXPECT_EQ(Bfloat16ToFloat(0x3f80), 1.0f);
  EXPECT_EQ(FloatToBfloat16(1.0f), 0x3f80);
  EXPECT_EQ(FloatToBfloat16(std::bit_cast<float>(0x3f808000u)), 0x3f80);  // tie, even stays
  EXPECT_EQ(FloatToBfloat16(std::bit_cast<float>(0x3f818000u)), 0x3f82);  // tie, odd goes up
  EXPECT_EQ(FloatToBfloat16(std::bit_cast<float>(0x3f808001u)), 0x3f81);
  EXPECT_EQ(FloatToBfloat16(std::numeric_limits<float>::max()), 0x7f80);  // to infinity
  EXPECT_TRUE(
      std::isnan(Bfloat16ToFloat(FloatToBfloat16(std::numeric_limits<float>::quiet_NaN()))));
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const float f = Bfloat16ToFloat(static_cast<uint16_t>(bits));
    if (!std::isnan(f)) EXPECT_EQ(FloatToBfloat16(f), bits) << bits;
  }
}

TEST(Float8, KnownValuesOfEachFormat) {
  EXPECT_EQ(Float8ToFloat(0x7e, DataType::kFloat8E4M3FN), 448.0f);  // its largest
  EXPECT_TRUE(std::isnan(Float8ToFloat(0x7f, DataType::kFloat8E4M3FN)));
  EXPECT_TRUE(std::isnan(Float8ToFloat(0xff, DataType::kFloat8E4M3FN)));
  EXPECT_EQ(Float8ToFloat(0x01, DataType::kFloat8E4M3FN), std::ldexp(1.0f, -9));
  EXPECT_EQ(Float8ToFloat(0x38, DataType::kFloat8E4M3FN), 1.0f);
  EXPECT_EQ(Float8ToFloat(0x80, DataType::kFloat8E4M3FN), -0.0f);

  EXPECT_EQ(Float8ToFloat(0x7f, DataType::kFloat8E4M3FNUZ), 240.0f);
  EXPECT_TRUE(std::isnan(Float8ToFloat(0x80, DataType::kFloat8E4M3FNUZ)));
  EXPECT_EQ(Float8ToFloat(0x40, DataType::kFloat8E4M3FNUZ), 1.0f);

  EXPECT_EQ(Float8ToFloat(0x7b, DataType::kFloat8E5M2), 57344.0f);
  EXPECT_EQ(Float8ToFloat(0x7c, DataType::kFloat8E5M2), std::numeric_limits<float>::infinity());
  EXPECT_EQ(Float8ToFloat(0xfc, DataType::kFloat8E5M2), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(Float8ToFloat(0x7d, DataType::kFloat8E5M2)));
  EXPECT_EQ(Float8ToFloat(0x3c, DataType::kFloat8E5M2), 1.0f);

  EXPECT_EQ(Float8ToFloat(0x7f, DataType::kFloat8E5M2FNUZ), 57344.0f);
  EXPECT_TRUE(std::isnan(Float8ToFloat(0x80, DataType::kFloat8E5M2FNUZ)));
  EXPECT_EQ(Float8ToFloat(0x40, DataType::kFloat8E5M2FNUZ), 1.0f);

  EXPECT_EQ(Float8ToFloat(127, DataType::kFloat8E8M0), 1.0f);
  EXPECT_EQ(Float8ToFloat(0, DataType::kFloat8E8M0), std::ldexp(1.0f, -127));
  EXPECT_EQ(Float8ToFloat(254, DataType::kFloat8E8M0), std::ldexp(1.0f, 127));
  EXPECT_TRUE(std::isnan(Float8ToFloat(0xff, DataType::kFloat8E8M0)));
}

TEST(SmallFloats, Float4AndFloat6) {
  const float e2m1[] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6};
  for (uint8_t i = 0; i < 8; ++i) {
    EXPECT_EQ(Float4E2M1ToFloat(i), e2m1[i]) << int{i};
    EXPECT_EQ(Float4E2M1ToFloat(static_cast<uint8_t>(i | 8)), -e2m1[i]) << int{i};
  }
  EXPECT_EQ(Float6ToFloat(0x1f, DataType::kFloat6E2M3), 7.5f);    // largest e2m3
  EXPECT_EQ(Float6ToFloat(0x01, DataType::kFloat6E2M3), 0.125f);  // smallest subnormal
  EXPECT_EQ(Float6ToFloat(0x08, DataType::kFloat6E2M3), 1.0f);
  EXPECT_EQ(Float6ToFloat(0x3f, DataType::kFloat6E2M3), -7.5f);
  EXPECT_EQ(Float6ToFloat(0x1f, DataType::kFloat6E3M2), 28.0f);    // largest e3m2
  EXPECT_EQ(Float6ToFloat(0x01, DataType::kFloat6E3M2), 0.0625f);  // smallest subnormal
  EXPECT_EQ(Float6ToFloat(0x0c, DataType::kFloat6E3M2), 1.0f);
}

TEST(PackedElements, LeastSignificantBitsFirst) {
  const std::string int4("\x8f\x07", 2);  // -1, -8, 7, 0
  EXPECT_EQ(ElementAsDouble(T(DataType::kInt4), int4, 0), -1);
  EXPECT_EQ(ElementAsDouble(T(DataType::kInt4), int4, 1), -8);
  EXPECT_EQ(ElementAsDouble(T(DataType::kInt4), int4, 2), 7);
  EXPECT_EQ(ElementAsDouble(T(DataType::kUint4), int4, 1), 8);
  const std::string two("\xe4", 1);  // 0b11'10'01'00: 0, 1, 2, 3
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ElementAsDouble(T(DataType::kUint2), two, i), i);
  EXPECT_EQ(ElementAsDouble(T(DataType::kInt2), two, 2), -2);
  EXPECT_EQ(ElementAsDouble(T(DataType::kInt2), two, 3), -1);
  // float6: x0 | x1 << 6 | x2 << 12 | x3 << 18 in three bytes.
  const uint32_t stream = 0x08 | (0x1f << 6) | (0x01 << 12) | (0x28 << 18);
  const std::string six{static_cast<char>(stream & 0xff), static_cast<char>((stream >> 8) & 0xff),
                        static_cast<char>(stream >> 16)};
  EXPECT_EQ(ElementAsDouble(T(DataType::kFloat6E2M3), six, 0), 1.0);
  EXPECT_EQ(ElementAsDouble(T(DataType::kFloat6E2M3), six, 1), 7.5);
  EXPECT_EQ(ElementAsDouble(T(DataType::kFloat6E2M3), six, 2), 0.125);
  EXPECT_EQ(ElementAsDouble(T(DataType::kFloat6E2M3), six, 3), -1.0);
}

// float6 in int32_data keeps one element per entry; Data() packs them.
TEST(PackedElements, Float6TypedFieldPacksIntoRawForm) {
  Tensor t;
  t.data_type = T(DataType::kFloat6E2M3);
  t.dims = {5};
  t.int32_data = {0x08, 0x1f, 0x01, 0x28, 0x3f};
  StatusOr<Bytes> data = t.Data();
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->size(), 4u);
  const double expected[] = {1.0, 7.5, 0.125, -1.0, -7.5};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(ElementAsDouble(t.data_type, data->view(), i), expected[i]);
  t.int32_data.pop_back();
  EXPECT_FALSE(t.Data().ok());
}

}  // namespace
}  // namespace onnxkit
