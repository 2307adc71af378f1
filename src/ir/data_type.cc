#include <string>

#include "onnxkit/tensor.h"

namespace onnxkit {

namespace {
struct TypeInfo {
  const char* name;
  size_t size;
  bool numeric;
};

constexpr TypeInfo kTypes[] = {
    {"undefined", 0, false},      {"float32", 4, true},
    {"uint8", 1, true},           {"int8", 1, true},
    {"uint16", 2, true},          {"int16", 2, true},
    {"int32", 4, true},           {"int64", 8, true},
    {"string", 0, false},         {"bool", 1, true},
    {"float16", 2, true},         {"float64", 8, true},
    {"uint32", 4, true},          {"uint64", 8, true},
    {"complex64", 8, false},      {"complex128", 16, false},
    {"bfloat16", 2, true},        {"float8e4m3fn", 1, false},
    {"float8e4m3fnuz", 1, false}, {"float8e5m2", 1, false},
    {"float8e5m2fnuz", 1, false}, {"uint4", 1, false},
    {"int4", 1, false},
};

const TypeInfo* Find(int32_t type) {
  if (type < 0 || static_cast<size_t>(type) >= std::size(kTypes)) return nullptr;
  return &kTypes[type];
}
}  // namespace

std::string DataTypeName(int32_t type) {
  const TypeInfo* info = Find(type);
  return info ? info->name : "dtype(" + std::to_string(type) + ")";
}

size_t DataTypeSize(int32_t type) {
  const TypeInfo* info = Find(type);
  return info ? info->size : 0;
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
