#include "eval/array.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "fmt/format.h"
#include "onnxkit/number_formats.h"

namespace onnxkit::eval {
namespace {

DataType Dt(int32_t type) { return static_cast<DataType>(type); }

// Reads the elements of a tensor whose C++ element type is T into Storage (int64, or double
// for the float types).
template <typename T, typename Storage = int64_t>
StatusOr<std::vector<Storage>> ReadElements(const Tensor& tensor) {
  ONNXKIT_ASSIGN_OR_RETURN(TypedView<T> view, View<T>(tensor));
  std::vector<Storage> out;
  out.reserve(view.size());
  for (size_t i = 0; i < view.size(); ++i) out.push_back(static_cast<Storage>(view[i]));
  return out;
}

// The elements of a floating-point tensor as doubles: float and double read typed, the
// narrow formats element by element.
StatusOr<std::vector<double>> ReadRealElements(const Tensor& tensor, int64_t max_elements) {
  switch (Dt(tensor.data_type)) {
    case DataType::kFloat: return ReadElements<float, double>(tensor);
    case DataType::kDouble: return ReadElements<double, double>(tensor);
    default: return ToDoubles(tensor, max_elements);
  }
}

// A tensor of element type T holding `convert` of each of `values`, written straight into
// its raw bytes (a vector of T first would copy every output twice).
template <typename T, typename V, typename Convert>
StatusOr<Tensor> Written(const std::vector<int64_t>& dims, const std::vector<V>& values,
                         Convert convert) {
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, CheckedCount(dims, INT64_MAX));
  if (static_cast<uint64_t>(count) != values.size()) {
    return absl::InternalError(
        fmt::format("{} values cannot fill dims {}", values.size(), DimsToString(dims)));
  }
  std::string bytes(values.size() * sizeof(T), '\0');
  char* to = bytes.data();
  for (const V& v : values) {
    const T x = convert(v);
    std::memcpy(to, &x, sizeof(T));
    to += sizeof(T);
  }
  Tensor t;
  t.data_type = static_cast<int32_t>(DataTypeOf<T>());
  t.dims = dims;
  t.SetRawData(Bytes::Own(std::move(bytes)));
  return t;
}

template <typename T>
StatusOr<Tensor> IntsAs(const Array& a) {
  return Written<T>(a.dims, a.ints, [](int64_t v) {
    if constexpr (std::is_same_v<T, bool>) {
      return v != 0;
    } else {
      return static_cast<T>(v);
    }
  });
}

template <typename T>
StatusOr<Tensor> RealsAs(const Array& a) {
  return Written<T>(a.dims, a.reals, [](double v) {
    if constexpr (std::is_same_v<T, Float16>) {
      return ToFloat16(static_cast<float>(v));
    } else if constexpr (std::is_same_v<T, Bfloat16>) {
      return ToBfloat16(static_cast<float>(v));
    } else {
      return static_cast<T>(v);
    }
  });
}

// The elements of a tensor stored as int64 (the signed and narrow unsigned integers, bool).
StatusOr<std::vector<int64_t>> ReadIntElements(const Tensor& tensor) {
  switch (Dt(tensor.data_type)) {
    case DataType::kInt64: return ReadElements<int64_t>(tensor);
    case DataType::kInt32: return ReadElements<int32_t>(tensor);
    case DataType::kInt16: return ReadElements<int16_t>(tensor);
    case DataType::kInt8: return ReadElements<int8_t>(tensor);
    case DataType::kUint32: return ReadElements<uint32_t>(tensor);
    case DataType::kUint16: return ReadElements<uint16_t>(tensor);
    case DataType::kUint8: return ReadElements<uint8_t>(tensor);
    case DataType::kBool: return ReadElements<bool>(tensor);
    default: break;
  }
  return absl::InternalError("not an integer type");
}

}  // namespace

bool IsFloatingType(int32_t type) {
  switch (Dt(type)) {
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kFloat16:
    case DataType::kBfloat16: return true;
    default: return false;
  }
}

bool IsSignedIntType(int32_t type) {
  switch (Dt(type)) {
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64: return true;
    default: return false;
  }
}

bool IsUnsignedIntType(int32_t type) {
  switch (Dt(type)) {
    case DataType::kUint8:
    case DataType::kUint16:
    case DataType::kUint32:
    case DataType::kUint64: return true;
    default: return false;
  }
}

bool IsEvaluatedType(int32_t type) {
  return IsFloatingType(type) || IsSignedIntType(type) || IsUnsignedIntType(type) ||
         type == static_cast<int32_t>(DataType::kBool) ||
         type == static_cast<int32_t>(DataType::kString);
}

Storage StorageOf(int32_t type) {
  if (IsFloatingType(type)) return Storage::kReal;
  if (type == static_cast<int32_t>(DataType::kUint64)) return Storage::kUint;
  if (type == static_cast<int32_t>(DataType::kString)) return Storage::kString;
  return Storage::kInt;
}

Array Array::Zeros(int32_t type, std::vector<int64_t> dims) {
  Array a;
  a.type = type;
  a.dims = std::move(dims);
  const auto n = static_cast<size_t>(a.size());
  a.Visit([n](auto& v) { v.resize(n); });
  return a;
}

Array Array::Ints(int32_t type, std::vector<int64_t> dims, std::vector<int64_t> values) {
  Array a;
  a.type = type;
  a.dims = std::move(dims);
  a.ints = std::move(values);
  return a;
}

Array Array::Reals(int32_t type, std::vector<int64_t> dims, std::vector<double> values) {
  Array a;
  a.type = type;
  a.dims = std::move(dims);
  a.reals = std::move(values);
  return a;
}

Array Array::Int64s(std::vector<int64_t> values) {
  std::vector<int64_t> dims{static_cast<int64_t>(values.size())};
  return Ints(static_cast<int32_t>(DataType::kInt64), std::move(dims), std::move(values));
}

int64_t Array::size() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

double Array::RealAt(int64_t i) const {
  const auto k = static_cast<size_t>(i);
  switch (storage()) {
    case Storage::kReal: return reals[k];
    case Storage::kInt: return static_cast<double>(ints[k]);
    case Storage::kUint: return static_cast<double>(uints[k]);
    case Storage::kString: break;
  }
  return 0;
}

int64_t Array::IntAt(int64_t i) const {
  const auto k = static_cast<size_t>(i);
  switch (storage()) {
    case Storage::kReal: return static_cast<int64_t>(reals[k]);
    case Storage::kInt: return ints[k];
    case Storage::kUint: return static_cast<int64_t>(uints[k]);
    case Storage::kString: break;
  }
  return 0;
}

std::vector<int64_t> Array::ToInt64s() const {
  std::vector<int64_t> out;
  const int64_t n = size();
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out.push_back(IntAt(i));
  return out;
}

Array Array::Reshaped(std::vector<int64_t> new_dims) const {
  Array a = *this;
  a.dims = std::move(new_dims);
  return a;
}

namespace {

// `v` as a float rounded to odd: truncated toward zero, with the last bit set when that
// lost anything. Rounding this float to nearest-even at float16's or bfloat16's precision
// (at least two bits fewer) gives the nearest value to `v` itself; rounding v to float
// first (nearest-even) and then again could land on a tie that v was not, and round wrong.
float RoundToOddFloat(double v) {
  float f = static_cast<float>(v);
  if (static_cast<double>(f) == v || std::isnan(v)) return f;
  if (std::fabs(static_cast<double>(f)) > std::fabs(v)) f = std::nextafter(f, 0.0f);
  return std::bit_cast<float>(std::bit_cast<uint32_t>(f) | 1u);
}

}  // namespace

double RoundTo(int32_t type, double v) {
  switch (Dt(type)) {
    case DataType::kFloat: return static_cast<float>(v);
    case DataType::kFloat16: return Float16ToFloat(FloatToFloat16(RoundToOddFloat(v)));
    case DataType::kBfloat16: return Bfloat16ToFloat(FloatToBfloat16(RoundToOddFloat(v)));
    default: return v;
  }
}

int64_t WrapTo(int32_t type, int64_t v) {
  switch (Dt(type)) {
    case DataType::kInt8: return static_cast<int8_t>(v);
    case DataType::kInt16: return static_cast<int16_t>(v);
    case DataType::kInt32: return static_cast<int32_t>(v);
    case DataType::kUint8: return static_cast<uint8_t>(v);
    case DataType::kUint16: return static_cast<uint16_t>(v);
    case DataType::kUint32: return static_cast<uint32_t>(v);
    case DataType::kBool: return v != 0 ? 1 : 0;
    default: return v;
  }
}

void Normalize(Array& a) {
  switch (a.storage()) {
    case Storage::kReal:
      if (Dt(a.type) != DataType::kDouble) {
        for (double& v : a.reals) v = RoundTo(a.type, v);
      }
      break;
    case Storage::kInt:
      if (Dt(a.type) != DataType::kInt64) {
        for (int64_t& v : a.ints) v = WrapTo(a.type, v);
      }
      break;
    default: break;
  }
}

StatusOr<Array> FromTensor(const Tensor& tensor, int64_t max_elements) {
  if (!IsEvaluatedType(tensor.data_type)) {
    return absl::UnimplementedError(
        fmt::format("tensor '{}' has element type {}, which the "
                    "evaluator does not compute with",
                    tensor.name, DataTypeName(tensor.data_type)));
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, CheckedCount(tensor.dims, max_elements));
  Array a;
  a.type = tensor.data_type;
  a.dims = tensor.dims;
  switch (Dt(tensor.data_type)) {
    case DataType::kString: {
      if (tensor.is_external() || static_cast<int64_t>(tensor.string_data.size()) != count) {
        return absl::InvalidArgumentError(
            fmt::format("string tensor '{}' has {} elements where its dims {} need {}", tensor.name,
                        tensor.string_data.size(), DimsToString(tensor.dims), count));
      }
      a.strings = tensor.string_data;
      return a;
    }
    case DataType::kUint64: {
      ONNXKIT_ASSIGN_OR_RETURN(TypedView<uint64_t> view, View<uint64_t>(tensor));
      a.uints = view.ToVector();
      break;
    }
    default: {
      if (IsFloatingType(a.type)) {
        ONNXKIT_ASSIGN_OR_RETURN(a.reals, ReadRealElements(tensor, max_elements));
      } else {
        ONNXKIT_ASSIGN_OR_RETURN(a.ints, ReadIntElements(tensor));
      }
      break;
    }
  }
  const size_t held = a.Visit([](const auto& v) { return v.size(); });
  if (static_cast<int64_t>(held) != count) {
    return absl::InvalidArgumentError(
        fmt::format("tensor '{}' has {} elements where its dims {} need {}", tensor.name, held,
                    DimsToString(tensor.dims), count));
  }
  return a;
}

StatusOr<Tensor> ToTensor(const Array& a, std::string name) {
  StatusOr<Tensor> t = absl::UnimplementedError(
      fmt::format("the evaluator cannot write element type {}", DataTypeName(a.type)));
  switch (Dt(a.type)) {
    case DataType::kFloat: t = RealsAs<float>(a); break;
    case DataType::kDouble: t = RealsAs<double>(a); break;
    case DataType::kFloat16: t = RealsAs<Float16>(a); break;
    case DataType::kBfloat16: t = RealsAs<Bfloat16>(a); break;
    case DataType::kInt8: t = IntsAs<int8_t>(a); break;
    case DataType::kInt16: t = IntsAs<int16_t>(a); break;
    case DataType::kInt32: t = IntsAs<int32_t>(a); break;
    case DataType::kInt64: t = IntsAs<int64_t>(a); break;
    case DataType::kUint8: t = IntsAs<uint8_t>(a); break;
    case DataType::kUint16: t = IntsAs<uint16_t>(a); break;
    case DataType::kUint32: t = IntsAs<uint32_t>(a); break;
    case DataType::kBool: t = IntsAs<bool>(a); break;
    case DataType::kUint64: t = Tensor::FromValues<uint64_t>(a.dims, a.uints); break;
    case DataType::kString: t = Tensor::FromStrings(a.dims, a.strings); break;
    default: break;
  }
  if (t.ok()) t->name = std::move(name);
  return t;
}

std::vector<int64_t> Strides(std::span<const int64_t> dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * dims[i];
  return strides;
}

StatusOr<int64_t> CheckedCount(std::span<const int64_t> dims, int64_t max_elements) {
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0) {
      return absl::InvalidArgumentError(
          fmt::format("negative dimension {} in dims {}", d,
                      DimsToString(std::vector<int64_t>(dims.begin(), dims.end()))));
    }
    if (d != 0 && count > max_elements / d) {
      return absl::ResourceExhaustedError(
          fmt::format("a tensor of dims {} has more than {} elements",
                      DimsToString(std::vector<int64_t>(dims.begin(), dims.end())), max_elements));
    }
    count *= d;
  }
  return count;
}

Array Take(const Array& src, std::span<const int64_t> indices, std::vector<int64_t> dims) {
  Array out;
  out.type = src.type;
  out.dims = std::move(dims);
  src.Visit([&](const auto& from) {
    using Vec = std::decay_t<decltype(from)>;
    Vec to;
    to.reserve(indices.size());
    for (int64_t i : indices) to.push_back(from[static_cast<size_t>(i)]);
    if constexpr (std::is_same_v<Vec, std::vector<double>>) {
      out.reals = std::move(to);
    } else if constexpr (std::is_same_v<Vec, std::vector<int64_t>>) {
      out.ints = std::move(to);
    } else if constexpr (std::is_same_v<Vec, std::vector<uint64_t>>) {
      out.uints = std::move(to);
    } else {
      out.strings = std::move(to);
    }
  });
  return out;
}

void CopyElement(const Array& src, int64_t from, Array& dst, int64_t to) {
  const auto f = static_cast<size_t>(from);
  const auto t = static_cast<size_t>(to);
  switch (src.storage()) {
    case Storage::kReal: dst.reals[t] = src.reals[f]; break;
    case Storage::kInt: dst.ints[t] = src.ints[f]; break;
    case Storage::kUint: dst.uints[t] = src.uints[f]; break;
    case Storage::kString: dst.strings[t] = src.strings[f]; break;
  }
}

}  // namespace onnxkit::eval
