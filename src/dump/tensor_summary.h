// Tensor summaries for dump (internal): decoding elements of every ONNX type for display,
// min/max/mean, and the rules that decide how much of a tensor's data is read.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "onnxkit/dump.h"
#include "onnxkit/tensor.h"

namespace onnxkit::dump_internal {

// Keys keep insertion order, so the JSON output has a fixed key order.
using Json = nlohmann::ordered_json;

using ::onnxkit::FormatBytes;

// A float as JSON: the double nearest to its shortest round-trip decimal (so that 0.1f
// prints as 0.1, not 0.10000000149011612); "nan", "inf", "-inf" as strings, since JSON has
// no literal for them.
Json FloatJson(float value);
Json DoubleJson(double value);

// Elements of little-endian raw tensor data, decoded for display.
class Elements {
 public:
  // Whether dump can decode `dtype` (every defined type but string and undefined).
  static bool CanDecode(int32_t dtype);
  Elements(int32_t dtype, std::string_view raw) : dtype_(dtype), raw_(raw) {}

  // Element i as JSON: a number, a bool, a [real, imaginary] pair, or a non-finite marker.
  Json ValueAt(int64_t i) const;

 private:
  int32_t dtype_;
  std::string_view raw_;
};

// How much of each tensor a dump reads. Keeps the running total of bytes read for
// statistics, which `DumpOptions::stats_budget` bounds.
class TensorSummarizer {
 public:
  explicit TensorSummarizer(const DumpOptions& options) : options_(options) {}

  // {"dtype", "dims", "bytes", ["external"], ["values"], ["stats" | "stats_skipped"],
  // ["error"]}: at most `max_values` values (-1 = all), statistics when `with_stats`.
  Json Summarize(const Tensor& tensor, int64_t max_values, bool with_stats);
  // An initializer as the listing shows it: values and statistics as the options say. With
  // every value asked for (--initializers=full) and more than kConstantValues of them,
  // "values" is null: the printers list them through ForEachValueChunk, so memory holds one
  // chunk of a tensor's values, not all of them as JSON.
  Json SummarizeInitializer(const Tensor& tensor);
  // Calls `fn` with the tensor's values in order, as JSON arrays of at most kValueChunk
  // values (strings: one array). Errors are those Summarize reports in "error".
  Status ForEachValueChunk(const Tensor& tensor, const std::function<void(Json)>& fn) const;
  // A Summarize max_values: every value, listed later by ForEachValueChunk.
  static constexpr int64_t kStreamValues = -2;
  // A constant feeding a node input: type, and its values when there are only a few.
  Json SummarizeConstant(const Tensor& tensor);
  // A tensor attribute: type and a few values.
  Json SummarizeAttribute(const Tensor& tensor);
  // A sparse tensor: dense dims, then values and indices as SummarizeAttribute shows them
  // (every value when `all_values`).
  Json SummarizeSparse(const SparseTensor& tensor, bool all_values = false);

 private:
  // Why statistics are not computed for a tensor of `bytes` bytes, or "" to compute them.
  std::string StatsSkipReason(uint64_t bytes) const;

  const DumpOptions& options_;
  uint64_t stats_bytes_read_ = 0;
};

// Values shown by the summary listing and by constant inputs.
inline constexpr int64_t kPreviewValues = 6;
inline constexpr int64_t kConstantValues = 8;
// Values per ForEachValueChunk call.
inline constexpr int64_t kValueChunk = 4096;

}  // namespace onnxkit::dump_internal
