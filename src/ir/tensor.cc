#include "onnxkit/tensor.h"

#include <fmt/format.h>

#include <cstring>

#include "io/input_file.h"

namespace onnxkit {

Bytes Bytes::Copy(std::string_view bytes) { return Own(std::string(bytes)); }

Bytes Bytes::Own(std::string bytes) {
  auto owner = std::make_shared<const std::string>(std::move(bytes));
  return Bytes(owner, owner->data(), owner->size());
}

StatusOr<int64_t> Tensor::ElementCount() const {
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0) return absl::InvalidArgumentError(fmt::format("negative dimension {}", d));
    if (d != 0 && count > INT64_MAX / d) {
      return absl::InvalidArgumentError(
          fmt::format("dims {} overflow a 64-bit element count", DimsToString(dims)));
    }
    count *= d;
  }
  return count;
}

StatusOr<uint64_t> Tensor::RawByteSize() const {
  auto count = ElementCount();
  if (!count.ok()) return count.status();
  size_t elem = DataTypeSize(data_type);
  if (data_type == static_cast<int32_t>(DataType::kInt4) ||
      data_type == static_cast<int32_t>(DataType::kUint4)) {
    return (static_cast<uint64_t>(*count) + 1) / 2;
  }
  unsigned __int128 bytes = static_cast<unsigned __int128>(*count) * elem;
  if (bytes > UINT64_MAX) return absl::InvalidArgumentError("tensor byte size overflows");
  return static_cast<uint64_t>(bytes);
}

size_t Tensor::TypedElementCount() const {
  switch (static_cast<DataType>(data_type)) {
    case DataType::kFloat: return float_data.size();
    case DataType::kComplex64: return float_data.size() / 2;
    case DataType::kDouble: return double_data.size();
    case DataType::kComplex128: return double_data.size() / 2;
    case DataType::kInt64: return int64_data.size();
    case DataType::kUint32:
    case DataType::kUint64: return uint64_data.size();
    case DataType::kString: return string_data.size();
    default: return int32_data.size();
  }
}

namespace {
template <typename To, typename From>
std::string Narrow(const std::vector<From>& values) {
  std::string out(values.size() * sizeof(To), '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    To v = static_cast<To>(values[i]);
    std::memcpy(out.data() + i * sizeof(To), &v, sizeof(To));
  }
  return out;
}

template <typename T>
std::string Copy(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}
}  // namespace

StatusOr<Bytes> Tensor::Data() const {
  if (data_type == static_cast<int32_t>(DataType::kString)) {
    return absl::InvalidArgumentError("string tensors have no raw byte form");
  }
  auto size = RawByteSize();
  if (!size.ok()) return size.status();
  if (is_external()) {
    if (!external || !external->source) {
      return absl::FailedPreconditionError(
          fmt::format("tensor '{}' is external but its reference was not resolved at load", name));
    }
    if (external->length != *size) {
      return absl::InvalidArgumentError(
          fmt::format("{}: tensor '{}': external length {} disagrees with its size {} bytes",
                      external->file, name, external->length, *size));
    }
    return external->source->Read(external->offset, external->length, name);
  }
  if (has_raw_data()) {
    if (raw_data.size() != *size) {
      return absl::InvalidArgumentError(
          fmt::format("tensor '{}': raw_data holds {} bytes, its type and dims need {}", name,
                      raw_data.size(), *size));
    }
    return raw_data;
  }
  size_t count = TypedElementCount();
  size_t expected_count = DataTypeSize(data_type) == 0 ? 0 : *size / DataTypeSize(data_type);
  if (count != expected_count) {
    return absl::InvalidArgumentError(
        fmt::format("tensor '{}' has {} values in its data field but dims {} need {}", name, count,
                    DimsToString(dims), expected_count));
  }
  std::string out;
  switch (static_cast<DataType>(data_type)) {
    case DataType::kFloat:
    case DataType::kComplex64: out = Copy(float_data); break;
    case DataType::kDouble:
    case DataType::kComplex128: out = Copy(double_data); break;
    case DataType::kInt64: out = Copy(int64_data); break;
    case DataType::kUint64: out = Copy(uint64_data); break;
    case DataType::kUint32: out = Narrow<uint32_t>(uint64_data); break;
    case DataType::kInt32: out = Copy(int32_data); break;
    case DataType::kInt16:
    case DataType::kUint16:
    case DataType::kFloat16:
    case DataType::kBfloat16: out = Narrow<uint16_t>(int32_data); break;
    case DataType::kInt8:
    case DataType::kUint8:
    case DataType::kBool:
    case DataType::kFloat8E4M3FN:
    case DataType::kFloat8E4M3FNUZ:
    case DataType::kFloat8E5M2:
    case DataType::kFloat8E5M2FNUZ: out = Narrow<uint8_t>(int32_data); break;
    default:
      return absl::InvalidArgumentError(fmt::format("tensor '{}' of type {} has no readable data",
                                                    name, DataTypeName(data_type)));
  }
  return Bytes::Own(std::move(out));
}

void Tensor::SetRawData(Bytes bytes) {
  float_data.clear();
  int32_data.clear();
  int64_data.clear();
  double_data.clear();
  uint64_data.clear();
  external_data.clear();
  external.reset();
  data_location = 0;
  preserved.present &= ~(uint64_t{1} << 14);
  raw_data = std::move(bytes);
  preserved.Mark(kRawDataField);
}

}  // namespace onnxkit
