#include "dump/tensor_summary.h"

#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "ir/tensor_chunks.h"
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
template <typename Wide>
class IntegerStats {
 public:
  template <typename Decode>
  void Add(int64_t count, Decode decode) {
    for (int64_t i = 0; i < count; ++i) {
      const Wide v = static_cast<Wide>(decode(i));
      min_ = std::min(min_, v);
      max_ = std::max(max_, v);
      sum_ += static_cast<long double>(v);
    }
    count_ += count;
  }
  Json Result() const { return MinMaxMean(min_, max_, sum_, count_); }

 private:
  Wide min_ = std::numeric_limits<Wide>::max();
  Wide max_ = std::numeric_limits<Wide>::lowest();
  long double sum_ = 0;
  int64_t count_ = 0;
};

// Floating statistics leave NaN and infinities out of min/max/mean and count them instead.
//
// Elements go in blocks of kBlock. A block without NaN or infinity (nearly all) takes a
// branch-free loop over kLanes independent lanes (SSE2 where the target has it), summed in
// double and added to the long double total once per block; a block with one goes element
// by element. Blocks start every kBlock elements of the tensor, whatever the chunks it is
// read in (StatsChunkBytes keeps chunks whole blocks), so the result does not depend on
// the chunk size.
class FloatingStats {
 public:
  static constexpr int64_t kBlock = 1024;

  template <typename Decode>
  void Add(int64_t count, Decode decode) {
    for (int64_t first = 0; first < count; first += kBlock) {
      AddBlock(first, std::min(count, first + kBlock), decode);
    }
  }
  // float32 elements of `raw`.
  void AddFloats(std::string_view raw, int64_t count) {
    for (int64_t first = 0; first < count; first += kBlock) {
      AddFloatBlock(raw, first, std::min(count, first + kBlock));
    }
  }

  Json Result(int32_t dtype) const {
    Json stats;
    if (finite_ > 0) {
      stats["min"] = FloatingJson(dtype, min_);
      stats["max"] = FloatingJson(dtype, max_);
      stats["mean"] = DoubleJson(static_cast<double>(sum_ / static_cast<long double>(finite_)));
    } else {
      stats["min"] = stats["max"] = stats["mean"] = nullptr;
    }
    stats["nan"] = nan_;
    stats["inf"] = inf_;
    return stats;
  }

 private:
  static constexpr int kLanes = 4;

  // Per lane: the minimum, maximum and sum of the elements i with i % kLanes == lane.
  struct Lanes {
    double min[kLanes], max[kLanes], sum[kLanes];
    Lanes() {
      for (int l = 0; l < kLanes; ++l) {
        min[l] = std::numeric_limits<double>::infinity();
        max[l] = -std::numeric_limits<double>::infinity();
        sum[l] = 0;
      }
    }
    // Element `v` into lane `l`; min and max written as comparisons, which is what the
    // SSE2 instructions below compute.
    void Add(int l, double v) {
      min[l] = v < min[l] ? v : min[l];
      max[l] = max[l] < v ? v : max[l];
      sum[l] += v;
    }
  };

  template <typename Decode>
  void AddBlock(int64_t first, int64_t end, Decode decode) {
    Lanes lanes;
    int64_t i = first;
    for (; i + kLanes <= end; i += kLanes) {
      alignas(16) double v[kLanes];
      for (int l = 0; l < kLanes; ++l) v[l] = decode(i + l);
#if defined(__SSE2__)
      // Two lanes per instruction: GCC does not vectorise this loop by itself.
      for (int l = 0; l < kLanes; l += 2) {
        const __m128d x = _mm_load_pd(v + l);
        _mm_storeu_pd(lanes.min + l, _mm_min_pd(x, _mm_loadu_pd(lanes.min + l)));
        _mm_storeu_pd(lanes.max + l, _mm_max_pd(x, _mm_loadu_pd(lanes.max + l)));
        _mm_storeu_pd(lanes.sum + l, _mm_add_pd(_mm_loadu_pd(lanes.sum + l), x));
      }
#else
      for (int l = 0; l < kLanes; ++l) lanes.Add(l, v[l]);
#endif
    }
    FinishBlock(first, i, end, decode, lanes);
  }

  // float32, the common case: the same lanes as AddBlock (so the same result), with min and
  // max taken on four floats per instruction (a float's order is its double's).
  void AddFloatBlock(std::string_view raw, int64_t first, int64_t end) {
    auto decode = [raw](int64_t i) { return static_cast<double>(Load<float>(raw, i)); };
#if defined(__SSE2__)
    static_assert(kLanes == 4);
    __m128 min = _mm_set1_ps(std::numeric_limits<float>::infinity());
    __m128 max = _mm_set1_ps(-std::numeric_limits<float>::infinity());
    __m128d sum_low = _mm_setzero_pd(), sum_high = _mm_setzero_pd();
    int64_t i = first;
    for (; i + kLanes <= end; i += kLanes) {
      const __m128 x = _mm_loadu_ps(reinterpret_cast<const float*>(raw.data()) + i);
      min = _mm_min_ps(x, min);
      max = _mm_max_ps(x, max);
      sum_low = _mm_add_pd(sum_low, _mm_cvtps_pd(x));
      sum_high = _mm_add_pd(sum_high, _mm_cvtps_pd(_mm_movehl_ps(x, x)));
    }
    Lanes lanes;
    float mins[kLanes], maxs[kLanes];
    _mm_storeu_ps(mins, min);
    _mm_storeu_ps(maxs, max);
    for (int l = 0; l < kLanes; ++l) {
      lanes.min[l] = mins[l];
      lanes.max[l] = maxs[l];
    }
    _mm_storeu_pd(lanes.sum, sum_low);
    _mm_storeu_pd(lanes.sum + 2, sum_high);
    FinishBlock(first, i, end, decode, lanes);
#else
    AddBlock(first, end, decode);
#endif
  }

  // The block's elements from `tail` on, then its lanes combined into the totals.
  template <typename Decode>
  void FinishBlock(int64_t first, int64_t tail, int64_t end, Decode decode, Lanes& lanes) {
    for (int l = 0; tail < end; ++tail, ++l) lanes.Add(l, decode(tail));
    double block_min = lanes.min[0], block_max = lanes.max[0], block_sum = lanes.sum[0];
    for (int l = 1; l < kLanes; ++l) {
      block_min = std::min(block_min, lanes.min[l]);
      block_max = std::max(block_max, lanes.max[l]);
      block_sum += lanes.sum[l];
    }
    // A NaN or an infinity makes the sum NaN or infinite (so does, rarely, a double sum
    // that overflows): that block goes again element by element.
    if (!std::isfinite(block_sum)) {
      AddOneByOne(first, end, decode);
      return;
    }
    // Equal extremes are the same number except for zeros: the sign of a zero minimum or
    // maximum is that of its first occurrence, as an element-by-element pass finds it.
    if (block_min == 0) block_min = FirstEqual(first, end, decode, block_min);
    if (block_max == 0) block_max = FirstEqual(first, end, decode, block_max);
    min_ = std::min(min_, block_min);
    max_ = std::max(max_, block_max);
    sum_ += block_sum;
    finite_ += end - first;
  }

  template <typename Decode>
  static double FirstEqual(int64_t first, int64_t end, Decode decode, double value) {
    for (int64_t i = first; i < end; ++i) {
      if (decode(i) == value) return decode(i);
    }
    return value;
  }

  template <typename Decode>
  void AddOneByOne(int64_t first, int64_t end, Decode decode) {
    for (int64_t i = first; i < end; ++i) {
      const double v = decode(i);
      if (std::isnan(v)) {
        ++nan_;
      } else if (std::isinf(v)) {
        ++inf_;
      } else {
        min_ = std::min(min_, v);
        max_ = std::max(max_, v);
        sum_ += v;
        ++finite_;
      }
    }
  }

  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
  long double sum_ = 0;
  int64_t finite_ = 0, nan_ = 0, inf_ = 0;
};

// min/max/mean of a tensor's elements, fed the raw data chunk by chunk. The type switch
// sits outside the loops: statistics may run over millions of elements.
class StatsAccumulator {
 public:
  explicit StatsAccumulator(int32_t dtype) : dtype_(dtype) {}

  // The next `count` elements, which `raw` holds from its first byte.
  void Add(std::string_view raw, int64_t count) {
    auto at = [raw]<typename T>(T, int64_t i) { return Load<T>(raw, i); };
    switch (static_cast<DataType>(dtype_)) {
      case DataType::kFloat: return floating_.AddFloats(raw, count);
      case DataType::kDouble:
        return floating_.Add(count, [&](int64_t i) { return at(double{}, i); });
      case DataType::kFloat16:
        return floating_.Add(count, [&](int64_t i) { return Float16ToFloat(at(uint16_t{}, i)); });
      case DataType::kBfloat16:
        return floating_.Add(count, [&](int64_t i) { return Bfloat16ToFloat(at(uint16_t{}, i)); });
      case DataType::kInt8: return signed_.Add(count, [&](int64_t i) { return Int8At(raw, i); });
      case DataType::kInt16: return signed_.Add(count, [&](int64_t i) { return at(int16_t{}, i); });
      case DataType::kInt32: return signed_.Add(count, [&](int64_t i) { return at(int32_t{}, i); });
      case DataType::kInt64: return signed_.Add(count, [&](int64_t i) { return at(int64_t{}, i); });
      case DataType::kUint8:
        return unsigned_.Add(count, [&](int64_t i) { return at(uint8_t{}, i); });
      case DataType::kBool:
        return unsigned_.Add(count, [&](int64_t i) { return at(uint8_t{}, i) != 0; });
      case DataType::kUint16:
        return unsigned_.Add(count, [&](int64_t i) { return at(uint16_t{}, i); });
      case DataType::kUint32:
        return unsigned_.Add(count, [&](int64_t i) { return at(uint32_t{}, i); });
      case DataType::kUint64:
        return unsigned_.Add(count, [&](int64_t i) { return at(uint64_t{}, i); });
      default: break;
    }
    // The float8, float6 and float4 formats and the packed integers, element by element.
    const int32_t dtype = dtype_;
    switch (CategoryOf(dtype)) {
      case Category::kFloating:
        return floating_.Add(count, [&](int64_t i) { return FloatingAt(dtype, raw, i); });
      case Category::kSigned:
        return signed_.Add(count, [&](int64_t i) { return SignedAt(dtype, raw, i); });
      case Category::kUnsigned:
        return unsigned_.Add(count, [&](int64_t i) { return UnsignedAt(dtype, raw, i); });
      case Category::kOther: break;
    }
  }

  Json Result() const {
    switch (CategoryOf(dtype_)) {
      case Category::kFloating: return floating_.Result(dtype_);
      case Category::kSigned: return signed_.Result();
      case Category::kUnsigned: return unsigned_.Result();
      case Category::kOther: break;
    }
    return nullptr;
  }

 private:
  int32_t dtype_;
  FloatingStats floating_;
  IntegerStats<int64_t> signed_;
  IntegerStats<uint64_t> unsigned_;
};

// Bytes per chunk when reading for statistics: about kDataChunkBytes, a whole
// number of FloatingStats blocks (so that chunking does not move block boundaries).
uint64_t StatsChunkBytes(int32_t dtype) {
  const uint64_t block = *RawByteSizeOf(dtype, FloatingStats::kBlock);
  return std::max<uint64_t>(1, kDataChunkBytes / block) * block;
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
  // One pass over the data, chunk by chunk: a preview stops after the chunk that holds its
  // values, statistics read to the end. A large tensor is never in memory whole.
  const int64_t shown = max_values == kStreamValues ? 0
                        : max_values < 0            ? *count
                                                    : std::min(*count, max_values);
  // Whole element groups, so that the first chunk holds every value shown (float6: three
  // bytes hold four values).
  const uint64_t group = DataTypeGroupBytes(tensor.data_type);
  const uint64_t preview_bytes =
      (*RawByteSizeOf(tensor.data_type, shown) + group - 1) / group * group;
  // Values listed later (kStreamValues) are read through now too, so that an unreadable
  // tensor shows its error here, in its entry.
  const bool read_all = stats || max_values == kStreamValues;
  const uint64_t chunk_bytes =
      read_all ? std::max(StatsChunkBytes(tensor.data_type), preview_bytes) : preview_bytes;
  const size_t bits = DataTypeBits(tensor.data_type);
  Json values = Json::array();
  StatsAccumulator accumulator(tensor.data_type);
  int64_t remaining = *count;
  Status read = ForEachDataChunk(
      tensor,
      [&](std::string_view chunk) {
        if (values.empty() && shown > 0) {
          Elements elements(tensor.data_type, chunk);
          for (int64_t i = 0; i < shown; ++i) values.push_back(elements.ValueAt(i));
        }
        if (!read_all) return false;
        if (!stats) return true;
        const auto whole = static_cast<int64_t>(chunk.size() * 8 / bits);
        const int64_t in_chunk = std::min(remaining, whole);
        accumulator.Add(chunk, in_chunk);
        remaining -= in_chunk;
        return true;
      },
      std::max(chunk_bytes, group));
  if (!read.ok()) {
    out["error"] = std::string(StatusMessage(read));
    return out;
  }
  if (max_values == kStreamValues) {
    out["values"] = nullptr;  // ForEachValueChunk lists them
  } else if (max_values != 0) {
    out["values"] = std::move(values);
  }
  if (stats) {
    stats_bytes_read_ += *bytes;
    out["stats"] = accumulator.Result();
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
  ONNXKIT_ASSIGN_OR_RETURN(uint64_t chunk_bytes, RawByteSizeOf(tensor.data_type, kValueChunk));
  int64_t remaining = count;
  return ForEachDataChunk(
      tensor,
      [&](std::string_view data) {
        Elements elements(tensor.data_type, data);
        Json chunk = Json::array();
        const int64_t in_chunk = std::min(remaining, kValueChunk);
        for (int64_t i = 0; i < in_chunk; ++i) chunk.push_back(elements.ValueAt(i));
        remaining -= in_chunk;
        fn(std::move(chunk));
        return true;
      },
      chunk_bytes);
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
