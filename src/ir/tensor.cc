#include "onnxkit/tensor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "ir/tensor_chunks.h"

namespace onnxkit {

size_t DataTypeGroupBytes(int32_t type) {
  const size_t bits = DataTypeBits(type);
  if (bits == 0) return 1;
  // The smallest number of whole bytes that ends on an element boundary.
  return std::lcm(bits, size_t{8}) / 8;
}

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
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ElementCount());
  return RawByteSizeOf(data_type, count);
}

size_t Tensor::TypedFieldSize() const {
  switch (static_cast<DataType>(data_type)) {
    case DataType::kFloat:
    case DataType::kComplex64: return float_data.size();
    case DataType::kDouble:
    case DataType::kComplex128: return double_data.size();
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

// float6 keeps one element per int32_data entry (its low 6 bits); raw data packs them into
// a 6-bit stream, least significant bit first.
std::string PackSixBits(const std::vector<int32_t>& values, uint64_t byte_size) {
  std::string out(byte_size, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    const uint32_t bits = static_cast<uint32_t>(values[i]) & 0x3f;
    const size_t first_bit = i * 6;
    const size_t byte = first_bit / 8;
    const int shift = static_cast<int>(first_bit % 8);
    out[byte] = static_cast<char>(static_cast<uint8_t>(out[byte]) | ((bits << shift) & 0xff));
    if (shift > 2) {
      out[byte + 1] =
          static_cast<char>(static_cast<uint8_t>(out[byte + 1]) | (bits >> (8 - shift)));
    }
  }
  return out;
}
}  // namespace

namespace {
// Why an external tensor's reference cannot be read as `size` bytes, or OK.
Status CheckExternal(const Tensor& t, uint64_t size) {
  if (!t.external || !t.external->source) {
    return absl::FailedPreconditionError(
        fmt::format("tensor '{}' is external but its reference was not resolved at load", t.name));
  }
  if (t.external->length != size) {
    return absl::InvalidArgumentError(
        fmt::format("{}: tensor '{}': external length {} disagrees with its size {} bytes",
                    t.external->file, t.name, t.external->length, size));
  }
  return absl::OkStatus();
}

Status StringsHaveNoRawForm() {
  return absl::InvalidArgumentError("string tensors have no raw byte form");
}
}  // namespace

StatusOr<Bytes> Tensor::Data() const {
  if (data_type == static_cast<int32_t>(DataType::kString)) return StringsHaveNoRawForm();
  auto size = RawByteSize();
  if (!size.ok()) return size.status();
  if (is_external()) {
    ONNXKIT_RETURN_IF_ERROR(CheckExternal(*this, *size));
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
  ONNXKIT_ASSIGN_OR_RETURN(int64_t elements, ElementCount());
  const size_t count = TypedFieldSize();
  const uint64_t expected_count = TypedFieldSizeOf(data_type, static_cast<uint64_t>(elements));
  if (count != expected_count) {
    return absl::InvalidArgumentError(fmt::format(
        "tensor '{}' has {} values in {} but {}{} needs {}", name, count, TypedFieldName(data_type),
        DataTypeName(data_type), DimsToString(dims), expected_count));
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
    case DataType::kFloat8E5M2FNUZ:
    case DataType::kFloat8E8M0:
    // The 4-bit and 2-bit types hold one packed byte per int32_data entry.
    case DataType::kInt4:
    case DataType::kUint4:
    case DataType::kFloat4E2M1:
    case DataType::kInt2:
    case DataType::kUint2: out = Narrow<uint8_t>(int32_data); break;
    case DataType::kFloat6E2M3:
    case DataType::kFloat6E3M2: out = PackSixBits(int32_data, *size); break;
    default:
      return absl::InvalidArgumentError(fmt::format("tensor '{}' of type {} has no readable data",
                                                    name, DataTypeName(data_type)));
  }
  return Bytes::Own(std::move(out));
}

Status ForEachDataChunk(const Tensor& tensor, const std::function<bool(std::string_view)>& fn,
                        uint64_t chunk_bytes) {
  const uint64_t group = DataTypeGroupBytes(tensor.data_type);
  const uint64_t step = std::max(group, chunk_bytes / group * group);
  if (!tensor.is_external()) {
    // Inline data is in memory already (typed fields are converted once, as Data() does).
    ONNXKIT_ASSIGN_OR_RETURN(Bytes data, tensor.Data());
    const std::string_view all = data.view();
    for (uint64_t done = 0; done < all.size(); done += step) {
      if (!fn(all.substr(done, step))) break;
    }
    return absl::OkStatus();
  }
  if (tensor.data_type == static_cast<int32_t>(DataType::kString)) return StringsHaveNoRawForm();
  ONNXKIT_ASSIGN_OR_RETURN(uint64_t size, tensor.RawByteSize());
  ONNXKIT_RETURN_IF_ERROR(CheckExternal(tensor, size));
  const ExternalLocation& where = *tensor.external;
  for (uint64_t done = 0; done < size; done += step) {
    const uint64_t piece = std::min(step, size - done);
    StatusOr<Bytes> bytes = where.source->Read(where.offset + done, piece, tensor.name);
    if (!bytes.ok()) {
      // The message of a whole read names the tensor's range, not this piece's.
      StatusOr<Bytes> whole = where.source->Read(where.offset, where.length, tensor.name);
      return whole.ok() ? bytes.status() : whole.status();
    }
    if (!fn(bytes->view())) break;
  }
  return absl::OkStatus();
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
