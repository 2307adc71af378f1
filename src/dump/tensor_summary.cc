#include "dump/tensor_summary.h"

#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "onnxkit/number_formats.h"

namespace onnxkit::dump_internal {
namespace {

template <typename T>
T Load(std::string_view raw, int64_t i) {
  T v;
  std::memcpy(&v, raw.data() + static_cast<size_t>(i) * sizeof(T), sizeof(T));
  return v;
}

enum class Category { kFloating, kSigned, kUnsigned, kOther };

Category CategoryOf(int32_t dtype) {
  switch (static_cast<DataType>(dtype)) {
    case DataType::kFloat:
    case DataType::kFloat16:
    case DataType::kBfloat16:
    case DataType::kDouble:
    case DataType::kFloat8E4M3FN:
    case DataType::kFloat8E4M3FNUZ:
    case DataType::kFloat8E5M2:
    case DataType::kFloat8E5M2FNUZ:
    case DataType::kFloat8E8M0:
    case DataType::kFloat4E2M1:
    case DataType::kFloat6E2M3:
    case DataType::kFloat6E3M2: return Category::kFloating;
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kInt4:
    case DataType::kInt2: return Category::kSigned;
    case DataType::kUint8:
    case DataType::kUint16:
    case DataType::kUint32:
    case DataType::kUint64:
    case DataType::kBool:
    case DataType::kUint4:
    case DataType::kUint2: return Category::kUnsigned;
    default: return Category::kOther;
  }
}

// An int8 sign-extended from its byte (no signed-char conversion to trip over).
int64_t Int8At(std::string_view raw, int64_t i) {
  const int64_t byte = Load<uint8_t>(raw, i);
  return byte >= 128 ? byte - 256 : byte;
}

int64_t SignedAt(int32_t dtype, std::string_view raw, int64_t i) {
  switch (static_cast<DataType>(dtype)) {
    case DataType::kInt8: return Int8At(raw, i);
    case DataType::kInt16: return Load<int16_t>(raw, i);
    case DataType::kInt32: return Load<int32_t>(raw, i);
    case DataType::kInt64: return Load<int64_t>(raw, i);
    default: return static_cast<int64_t>(ElementAsDouble(dtype, raw, i));  // int4, int2
  }
}

uint64_t UnsignedAt(int32_t dtype, std::string_view raw, int64_t i) {
  switch (static_cast<DataType>(dtype)) {
    case DataType::kUint8: return Load<uint8_t>(raw, i);
    case DataType::kBool: return Load<uint8_t>(raw, i) != 0;
    case DataType::kUint16: return Load<uint16_t>(raw, i);
    case DataType::kUint32: return Load<uint32_t>(raw, i);
    case DataType::kUint64: return Load<uint64_t>(raw, i);
    default: return static_cast<uint64_t>(ElementAsDouble(dtype, raw, i));  // uint4, uint2
  }
}

double FloatingAt(int32_t dtype, std::string_view raw, int64_t i) {
  switch (static_cast<DataType>(dtype)) {
    case DataType::kFloat: return Load<float>(raw, i);
    case DataType::kDouble: return Load<double>(raw, i);
    default: return ElementAsDouble(dtype, raw, i);  // the 16-, 8-, 6- and 4-bit floats
  }
}

// float64 keeps double precision in the output; every narrower float prints as a float.
Json FloatingJson(int32_t dtype, double v) {
  return dtype == static_cast<int32_t>(DataType::kDouble) ? DoubleJson(v)
                                                          : FloatJson(static_cast<float>(v));
}

template <typename T>
Json MinMaxMean(T min, T max, long double sum, int64_t count) {
  Json stats;
  stats["min"] = min;
  stats["max"] = max;
  stats["mean"] = DoubleJson(static_cast<double>(sum / static_cast<long double>(count)));
  return stats;
}

// Integer statistics in the integer's own type, so that extremes print exactly.
template <typename Wide, typename Decode>
Json IntegerStats(int64_t count, Decode decode) {
  Wide min = static_cast<Wide>(decode(0)), max = min;
  long double sum = 0;
  for (int64_t i = 0; i < count; ++i) {
    const Wide v = static_cast<Wide>(decode(i));
    min = std::min(min, v);
    max = std::max(max, v);
    sum += static_cast<long double>(v);
  }
  return MinMaxMean(min, max, sum, count);
}

// Floating statistics leave NaN and infinities out of min/max/mean and count them instead.
template <typename Decode>
Json FloatingStats(int32_t dtype, int64_t count, Decode decode) {
  double min = std::numeric_limits<double>::infinity();
  double max = -min;
  long double sum = 0;
  int64_t finite = 0, nan = 0, inf = 0;
  auto add_one_by_one = [&](int64_t first, int64_t end) {
    for (int64_t i = first; i < end; ++i) {
      const double v = decode(i);
      if (std::isnan(v)) {
        ++nan;
      } else if (std::isinf(v)) {
        ++inf;
      } else {
        min = std::min(min, v);
        max = std::max(max, v);
        sum += v;
        ++finite;
      }
    }
  };
  // Blocks without NaN or infinity (nearly all) take a branch-free loop the compiler can
  // vectorise, summed in double and added to the long double total once per block; a block
  // with one goes element by element.
  constexpr int64_t kBlock = 1024;
  for (int64_t first = 0; first < count; first += kBlock) {
    const int64_t end = std::min(count, first + kBlock);
    double block_min = min, block_max = max, block_sum = 0;
    bool all_finite = true;
    for (int64_t i = first; i < end; ++i) {
      const double v = decode(i);
      all_finite &= v - v == 0;  // false for NaN and infinities
      block_min = std::min(block_min, v);
      block_max = std::max(block_max, v);
      block_sum += v;
    }
    if (!all_finite) {
      add_one_by_one(first, end);
      continue;
    }
    min = block_min;
    max = block_max;
    sum += block_sum;
    finite += end - first;
  }
  Json stats;
  if (finite > 0) {
    stats["min"] = FloatingJson(dtype, min);
    stats["max"] = FloatingJson(dtype, max);
    stats["mean"] = DoubleJson(static_cast<double>(sum / static_cast<long double>(finite)));
  } else {
    stats["min"] = stats["max"] = stats["mean"] = nullptr;
  }
  stats["nan"] = nan;
  stats["inf"] = inf;
  return stats;
}

// min/max/mean of the elements. The type switch sits outside the loops: statistics may
// run over millions of elements.
Json ComputeStats(int32_t dtype, std::string_view raw, int64_t count) {
  auto at = [raw]<typename T>(T, int64_t i) { return Load<T>(raw, i); };
  switch (static_cast<DataType>(dtype)) {
    case DataType::kFloat:
      return FloatingStats(dtype, count, [&](int64_t i) { return at(float{}, i); });
    case DataType::kDouble:
      return FloatingStats(dtype, count, [&](int64_t i) { return at(double{}, i); });
    case DataType::kFloat16:
      return FloatingStats(dtype, count,
                           [&](int64_t i) { return Float16ToFloat(at(uint16_t{}, i)); });
    case DataType::kBfloat16:
      return FloatingStats(dtype, count,
                           [&](int64_t i) { return Bfloat16ToFloat(at(uint16_t{}, i)); });
    case DataType::kInt8:
      return IntegerStats<int64_t>(count, [&](int64_t i) { return Int8At(raw, i); });
    case DataType::kInt16:
      return IntegerStats<int64_t>(count, [&](int64_t i) { return at(int16_t{}, i); });
    case DataType::kInt32:
      return IntegerStats<int64_t>(count, [&](int64_t i) { return at(int32_t{}, i); });
    case DataType::kInt64:
      return IntegerStats<int64_t>(count, [&](int64_t i) { return at(int64_t{}, i); });
    case DataType::kUint8:
      return IntegerStats<uint64_t>(count, [&](int64_t i) { return at(uint8_t{}, i); });
    case DataType::kBool:
      return IntegerStats<uint64_t>(count, [&](int64_t i) { return at(uint8_t{}, i) != 0; });
    case DataType::kUint16:
      return IntegerStats<uint64_t>(count, [&](int64_t i) { return at(uint16_t{}, i); });
    case DataType::kUint32:
      return IntegerStats<uint64_t>(count, [&](int64_t i) { return at(uint32_t{}, i); });
    case DataType::kUint64:
      return IntegerStats<uint64_t>(count, [&](int64_t i) { return at(uint64_t{}, i); });
    default: break;
  }
  // The float8, float6 and float4 formats and the packed integers, element by element.
  switch (CategoryOf(dtype)) {
    case Category::kFloating:
      return FloatingStats(dtype, count, [&](int64_t i) { return FloatingAt(dtype, raw, i); });
    case Category::kSigned:
      return IntegerStats<int64_t>(count, [&](int64_t i) { return SignedAt(dtype, raw, i); });
    case Category::kUnsigned:
      return IntegerStats<uint64_t>(count, [&](int64_t i) { return UnsignedAt(dtype, raw, i); });
    case Category::kOther: break;
  }
  return nullptr;
}

Json ExternalJson(const Tensor& tensor) {
  Json external;
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const StringPair& kv : tensor.external_data) {
    if (kv.key == "location") location = kv.value;
    if (kv.key == "offset") offset = std::strtoull(kv.value.c_str(), nullptr, 10);
    if (kv.key == "length") length = std::strtoull(kv.value.c_str(), nullptr, 10);
  }
  // The resolved reference is authoritative; the strings are what the file says.
  if (tensor.external) {
    offset = tensor.external->offset;
    length = tensor.external->length;
  }
  external["location"] = location;
  external["offset"] = offset;
  if (length) external["length"] = *length;
  return external;
}

Json StringValues(const Tensor& tensor, int64_t max_values) {
  Json values = Json::array();
  for (const std::string& s : tensor.string_data) {
    if (max_values >= 0 && static_cast<int64_t>(values.size()) >= max_values) break;
    values.push_back(s);
  }
  return values;
}

}  // namespace

Json FloatJson(float value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // The double nearest to the float's shortest decimal form, so that JSON (which prints a
  // double's shortest form) shows 0.1, not 0.10000000149011612.
  char text[32];
  char* end = fmt::format_to_n(text, sizeof text, "{}", value).out;
  double nearest = 0;
  std::from_chars(text, end, nearest);
  return nearest;
}

Json DoubleJson(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

bool Elements::CanDecode(int32_t dtype) {
  return IsKnownDataType(dtype) && dtype != static_cast<int32_t>(DataType::kString);
}

Json Elements::ValueAt(int64_t i) const {
  const DataType type = static_cast<DataType>(dtype_);
  switch (type) {
    case DataType::kBool: return Load<uint8_t>(raw_, i) != 0;
    case DataType::kComplex64:
      return Json::array(
          {FloatJson(Load<float>(raw_, 2 * i)), FloatJson(Load<float>(raw_, 2 * i + 1))});
    case DataType::kComplex128:
      return Json::array(
          {DoubleJson(Load<double>(raw_, 2 * i)), DoubleJson(Load<double>(raw_, 2 * i + 1))});
    default: break;
  }
  switch (CategoryOf(dtype_)) {
    case Category::kFloating: return FloatingJson(dtype_, FloatingAt(dtype_, raw_, i));
    case Category::kSigned: return SignedAt(dtype_, raw_, i);
    case Category::kUnsigned: return UnsignedAt(dtype_, raw_, i);
    case Category::kOther: break;
  }
  return nullptr;
}

std::string TensorSummarizer::StatsSkipReason(uint64_t bytes) const {
  if (options_.initializers == DumpOptions::Initializers::kFull) return "";
  if (bytes > options_.stats_limit) {
    return fmt::format("larger than {}", FormatBytes(options_.stats_limit));
  }
  if (stats_bytes_read_ + bytes > options_.stats_budget) {
    return fmt::format("{} read for statistics already", FormatBytes(options_.stats_budget));
  }
  return "";
}

Json TensorSummarizer::Summarize(const Tensor& tensor, int64_t max_values, bool with_stats) {
  Json out;
  out["dtype"] = DataTypeName(tensor.data_type);
  out["dims"] = tensor.dims;
  StatusOr<int64_t> count = tensor.ElementCount();
  StatusOr<uint64_t> bytes = tensor.RawByteSize();
  if (!count.ok() || !bytes.ok()) {
    out["error"] = std::string(StatusMessage(count.ok() ? bytes.status() : count.status()));
    return out;
  }
  out["bytes"] = *bytes;
  if (tensor.is_external()) out["external"] = ExternalJson(tensor);
  if (tensor.data_type == static_cast<int32_t>(DataType::kString)) {
    if (max_values == kStreamValues) {
      out["values"] = nullptr;
    } else if (max_values != 0) {
      out["values"] = StringValues(tensor, max_values);
    }
    return out;
  }
  if (!Elements::CanDecode(tensor.data_type)) return out;

  const bool numeric = IsNumeric(tensor.data_type) && *count > 0;
  std::string skip = with_stats && numeric ? StatsSkipReason(*bytes) : "";
  const bool stats = with_stats && numeric && skip.empty();
  if (max_values == 0 && !stats) {
    if (!skip.empty()) out["stats_skipped"] = skip;
    return out;
  }
  // For an external or memory-mapped tensor this maps the bytes; only the pages the preview
  // and the statistics touch are read.
  StatusOr<Bytes> data = tensor.Data();
  if (!data.ok()) {
    out["error"] = std::string(StatusMessage(data.status()));
    return out;
  }
  Elements elements(tensor.data_type, data->view());
  if (max_values == kStreamValues) {
    out["values"] = nullptr;  // ForEachValueChunk lists them
  } else if (max_values != 0) {
    int64_t shown = max_values < 0 ? *count : std::min(*count, max_values);
    Json values = Json::array();
    for (int64_t i = 0; i < shown; ++i) values.push_back(elements.ValueAt(i));
    out["values"] = std::move(values);
  }
  if (stats) {
    stats_bytes_read_ += *bytes;
    out["stats"] = ComputeStats(tensor.data_type, data->view(), *count);
  } else if (!skip.empty()) {
    out["stats_skipped"] = skip;
  }
  return out;
}

Json TensorSummarizer::SummarizeInitializer(const Tensor& tensor) {
  if (options_.initializers != DumpOptions::Initializers::kFull) {
    return Summarize(tensor, kPreviewValues, /*with_stats=*/true);
  }
  StatusOr<int64_t> count = tensor.ElementCount();
  const bool many = count.ok() && *count > kConstantValues;
  return Summarize(tensor, many ? kStreamValues : -1, /*with_stats=*/true);
}

Status TensorSummarizer::ForEachValueChunk(const Tensor& tensor,
                                           const std::function<void(Json)>& fn) const {
  if (tensor.data_type == static_cast<int32_t>(DataType::kString)) {
    fn(StringValues(tensor, -1));
    return absl::OkStatus();
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, tensor.ElementCount());
  ONNXKIT_ASSIGN_OR_RETURN(Bytes data, tensor.Data());
  Elements elements(tensor.data_type, data.view());
  for (int64_t first = 0; first < count; first += kValueChunk) {
    Json chunk = Json::array();
    const int64_t end = std::min(count, first + kValueChunk);
    for (int64_t i = first; i < end; ++i) chunk.push_back(elements.ValueAt(i));
    fn(std::move(chunk));
  }
  return absl::OkStatus();
}

Json TensorSummarizer::SummarizeConstant(const Tensor& tensor) {
  StatusOr<int64_t> count = tensor.ElementCount();
  const bool few = count.ok() && *count <= kConstantValues;
  return Summarize(tensor, few ? kConstantValues : 0, /*with_stats=*/false);
}

Json TensorSummarizer::SummarizeAttribute(const Tensor& tensor) {
  return Summarize(tensor, kPreviewValues, /*with_stats=*/false);
}

Json TensorSummarizer::SummarizeSparse(const SparseTensor& tensor, bool all_values) {
  const int64_t max_values = all_values ? -1 : kPreviewValues;
  Json out;
  out["dims"] = tensor.dims;
  out["values"] = tensor.values ? Summarize(*tensor.values, max_values, false) : Json(nullptr);
  out["indices"] = tensor.indices ? Summarize(*tensor.indices, max_values, false) : Json(nullptr);
  return out;
}

}  // namespace onnxkit::dump_internal

namespace onnxkit {

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

}  // namespace onnxkit
