#include <fmt/format.h>

#include <string>

#include "onnxkit/tensor.h"

namespace onnxkit {

namespace {
struct TypeInfo {
  const char* name;
  size_t bits;  // of one element in raw_data; 0 when there is no raw form
  bool numeric;
  std::string_view field;  // the typed field
};

// Indexed by TensorProto.DataType; names as ONNX spells them in lower case.
constexpr TypeInfo kTypes[] = {
    {"undefined", 0, false, ""},
    {"float32", 32, true, "float_data"},
    {"uint8", 8, true, "int32_data"},
    {"int8", 8, true, "int32_data"},
    {"uint16", 16, true, "int32_data"},
    {"int16", 16, true, "int32_data"},
    {"int32", 32, true, "int32_data"},
    {"int64", 64, true, "int64_data"},
    {"string", 0, false, "string_data"},
    {"bool", 8, true, "int32_data"},
    {"float16", 16, true, "int32_data"},
    {"float64", 64, true, "double_data"},
    {"uint32", 32, true, "uint64_data"},
    {"uint64", 64, true, "uint64_data"},
    {"complex64", 64, false, "float_data"},
    {"complex128", 128, false, "double_data"},
    {"bfloat16", 16, true, "int32_data"},
    {"float8e4m3fn", 8, true, "int32_data"},
    {"float8e4m3fnuz", 8, true, "int32_data"},
    {"float8e5m2", 8, true, "int32_data"},
    {"float8e5m2fnuz", 8, true, "int32_data"},
    {"uint4", 4, true, "int32_data"},
    {"int4", 4, true, "int32_data"},
    {"float4e2m1", 4, true, "int32_data"},
    {"float8e8m0", 8, true, "int32_data"},
    {"uint2", 2, true, "int32_data"},
    {"int2", 2, true, "int32_data"},
    {"float6e2m3", 6, true, "int32_data"},
    {"float6e3m2", 6, true, "int32_data"},
};
static_assert(std::size(kTypes) == kLastDataType + 1);

const TypeInfo* Find(int32_t type) {
  if (type < 0 || type > kLastDataType) return nullptr;
  return &kTypes[type];
}
}  // namespace

std::string DataTypeName(int32_t type) {
  const TypeInfo* info = Find(type);
  return info ? info->name : "dtype(" + std::to_string(type) + ")";
}

bool IsKnownDataType(int32_t type) { return type > 0 && type <= kLastDataType; }

size_t DataTypeBits(int32_t type) {
  const TypeInfo* info = Find(type);
  return info ? info->bits : 0;
}

size_t DataTypeSize(int32_t type) {
  size_t bits = DataTypeBits(type);
  return bits % 8 == 0 ? bits / 8 : 0;
}

bool IsPackedType(int32_t type) { return DataTypeBits(type) % 8 != 0; }

StatusOr<uint64_t> RawByteSizeOf(int32_t type, int64_t count) {
  if (count < 0) return absl::InvalidArgumentError(fmt::format("negative element count {}", count));
  const unsigned __int128 bits = static_cast<unsigned __int128>(count) * DataTypeBits(type);
  const unsigned __int128 bytes = (bits + 7) / 8;
  if (bytes > UINT64_MAX) {
    return absl::InvalidArgumentError(
        fmt::format("{} elements of {} overflow a 64-bit byte size", count, DataTypeName(type)));
  }
  return static_cast<uint64_t>(bytes);
}

uint64_t TypedFieldSizeOf(int32_t type, uint64_t count) {
  switch (static_cast<DataType>(type)) {
    case DataType::kComplex64:
    case DataType::kComplex128: return count * 2;
    case DataType::kInt4:
    case DataType::kUint4:
    case DataType::kFloat4E2M1: return count / 2 + count % 2;
    case DataType::kInt2:
    case DataType::kUint2: return count / 4 + (count % 4 != 0);
    default: return count;
  }
}

std::string_view TypedFieldName(int32_t type) {
  const TypeInfo* info = Find(type);
  return info && !info->field.empty() ? info->field : "int32_data";
}

bool IsNumeric(int32_t type) {
  const TypeInfo* info = Find(type);
  return info && info->numeric;
}

std::string DimsToString(const std::vector<int64_t>& dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(dims[i]);
  }
  return out + "]";
}

}  // namespace onnxkit
