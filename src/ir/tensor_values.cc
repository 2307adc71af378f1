// Tensors for computation: typed views, builders from values, conversion of small constants.
#include <fmt/format.h>

#include <cmath>

#include "onnxkit/number_formats.h"
#include "onnxkit/tensor.h"

namespace onnxkit {
namespace {

std::string Label(const Tensor& t) {
  return t.name.empty() ? std::string("tensor") : fmt::format("tensor '{}'", t.name);
}

StatusOr<uint64_t> CheckedProduct(const std::vector<int64_t>& dims) {
  Tensor shape_only;
  shape_only.dims = dims;
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, shape_only.ElementCount());
  return static_cast<uint64_t>(count);
}

// The raw bytes of a numeric tensor of at most `max_elements` elements, and their count.
struct NumericData {
  Bytes bytes;
  int64_t count = 0;
};

StatusOr<NumericData> ReadNumeric(const Tensor& t, int64_t max_elements) {
  if (!IsNumeric(t.data_type)) {
    return absl::InvalidArgumentError(
        fmt::format("{} is {}, not a numeric type", Label(t), DataTypeName(t.data_type)));
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, t.ElementCount());
  if (count > max_elements) {
    return absl::ResourceExhaustedError(
        fmt::format("{} has {} elements, more than the {} this conversion reads", Label(t), count,
                    max_elements));
  }
  ONNXKIT_ASSIGN_OR_RETURN(Bytes bytes, t.Data());
  return NumericData{std::move(bytes), count};
}

// Integer types convert to int64 exactly, without a detour through double.
std::optional<int64_t> ExactInteger(int32_t type, std::string_view raw, int64_t i) {
  int64_t v;
  switch (static_cast<DataType>(type)) {
    case DataType::kInt64: std::memcpy(&v, raw.data() + i * 8, 8); return v;
    case DataType::kUint64: {
      uint64_t u;
      std::memcpy(&u, raw.data() + i * 8, 8);
      if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
      return static_cast<int64_t>(u);
    }
    default: break;
  }
  const double d = ElementAsDouble(type, raw, i);
  // 2^63 is the first double beyond int64's range; -2^63 is in it.
  if (!std::isfinite(d) || d != std::trunc(d) || d >= 9223372036854775808.0 ||
      d < -9223372036854775808.0) {
    return std::nullopt;
  }
  return static_cast<int64_t>(d);
}

}  // namespace

StatusOr<Tensor> Tensor::FromRaw(DataType type, std::vector<int64_t> dims, uint64_t count,
                                 std::string bytes) {
  ONNXKIT_ASSIGN_OR_RETURN(uint64_t expected, CheckedProduct(dims));
  if (count != expected) {
    return absl::InvalidArgumentError(fmt::format("{} values cannot fill dims {} ({} elements)",
                                                  count, DimsToString(dims), expected));
  }
  Tensor t;
  t.data_type = static_cast<int32_t>(type);
  t.dims = std::move(dims);
  t.SetRawData(Bytes::Own(std::move(bytes)));
  return t;
}

StatusOr<Tensor> Tensor::FromStrings(std::vector<int64_t> dims, std::vector<std::string> values) {
  ONNXKIT_ASSIGN_OR_RETURN(uint64_t expected, CheckedProduct(dims));
  if (values.size() != expected) {
    return absl::InvalidArgumentError(fmt::format("{} strings cannot fill dims {} ({} elements)",
                                                  values.size(), DimsToString(dims), expected));
  }
  Tensor t;
  t.data_type = static_cast<int32_t>(DataType::kString);
  t.dims = std::move(dims);
  t.string_data = std::move(values);
  return t;
}

namespace tensor_internal {
StatusOr<Bytes> ViewBytes(const Tensor& tensor, DataType type) {
  if (tensor.data_type != static_cast<int32_t>(type)) {
    return absl::InvalidArgumentError(fmt::format("{} is {}, not {}", Label(tensor),
                                                  DataTypeName(tensor.data_type),
                                                  DataTypeName(static_cast<int32_t>(type))));
  }
  return tensor.Data();
}
}  // namespace tensor_internal

StatusOr<std::vector<double>> ToDoubles(const Tensor& tensor, int64_t max_elements) {
  ONNXKIT_ASSIGN_OR_RETURN(NumericData data, ReadNumeric(tensor, max_elements));
  std::vector<double> out(static_cast<size_t>(data.count));
  for (int64_t i = 0; i < data.count; ++i) {
    out[static_cast<size_t>(i)] = ElementAsDouble(tensor.data_type, data.bytes.view(), i);
  }
  return out;
}

StatusOr<std::vector<int64_t>> ToInt64s(const Tensor& tensor, int64_t max_elements) {
  ONNXKIT_ASSIGN_OR_RETURN(NumericData data, ReadNumeric(tensor, max_elements));
  std::vector<int64_t> out(static_cast<size_t>(data.count));
  for (int64_t i = 0; i < data.count; ++i) {
    std::optional<int64_t> v = ExactInteger(tensor.data_type, data.bytes.view(), i);
    if (!v) {
      return absl::InvalidArgumentError(fmt::format(
          "{} ({}): element {} ({}) is not an int64", Label(tensor), DataTypeName(tensor.data_type),
          i, ElementAsDouble(tensor.data_type, data.bytes.view(), i)));
    }
    out[static_cast<size_t>(i)] = *v;
  }
  return out;
}

}  // namespace onnxkit
