// Tensors: an element type, dims, and a data source that is not necessarily in memory.
//
// A Tensor keeps its data the way the file stored it: `raw_data` (a shared view, which for a
// loaded model aliases the model file's buffer), the typed fields (`float_data`, `int64_data`,
// …) or an external-data reference that is read on access. Nothing is copied at load time,
// and a tensor saved unchanged is written back byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/preserved.h"
#include "onnxkit/status.h"

namespace onnxkit {

// TensorProto.DataType, with the numbers of the ONNX spec.
enum class DataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBfloat16 = 16,
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUint4 = 21,
  kInt4 = 22,
};

// "float32", "int64", … ; "dtype(N)" for numbers the spec does not define.
std::string DataTypeName(int32_t type);
// Bytes of one element in raw_data; 0 for strings, undefined and unknown types.
size_t DataTypeSize(int32_t type);
// True for the types whose numbers dump may summarise (min/max/mean).
bool IsNumeric(int32_t type);

// "[2,3]"; "[]" for a scalar.
std::string DimsToString(const std::vector<int64_t>& dims);

// An immutable, shared byte range. It keeps alive whatever owns the bytes (a string, a
// memory mapping), so views can outlive the model that produced them.
class Bytes {
 public:
  Bytes() = default;
  Bytes(std::shared_ptr<const void> owner, const char* data, size_t size)
      : owner_(std::move(owner)), data_(data), size_(size) {}
  static Bytes Copy(std::string_view bytes);
  static Bytes Own(std::string bytes);

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_, size_}; }
  Bytes Slice(size_t offset, size_t size) const { return {owner_, data_ + offset, size}; }

 private:
  std::shared_ptr<const void> owner_;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

struct StringPair {
  std::string key;
  std::string value;
  Preserved preserved;
};

// A file identified by device and inode: the same file under any name, hard link or symlink.
struct FileId {
  uint64_t device = 0;
  uint64_t inode = 0;
  friend bool operator==(const FileId&, const FileId&) = default;
};

// An external-data file, opened once when the model was loaded (defined in src/io).
class ExternalDataFile;

// Where an external tensor's bytes are, once its reference was checked at load time.
struct ExternalLocation {
  std::string file;     // the file's path inside the model's folder, for messages
  uint64_t offset = 0;  // byte offset in `file`
  uint64_t length = 0;  // byte count
  // The open file. Its bytes are read through this descriptor only: renaming, replacing or
  // re-linking the path after loading does not change what is read.
  std::shared_ptr<const ExternalDataFile> source;
};

class Tensor {
 public:
  // TensorProto fields, as stored.
  std::string name;
  int32_t data_type = 0;
  std::vector<int64_t> dims;
  std::string doc_string;
  std::optional<std::pair<int64_t, int64_t>> segment;  // (begin, end)
  Preserved segment_preserved;
  Bytes raw_data;  // present when preserved.Has(kRawDataField)
  std::vector<float> float_data;
  std::vector<int32_t> int32_data;
  std::vector<std::string> string_data;
  std::vector<int64_t> int64_data;
  std::vector<double> double_data;
  std::vector<uint64_t> uint64_data;
  std::vector<StringPair> external_data;   // location, offset, length, checksum
  int32_t data_location = 0;               // 0 DEFAULT, 1 EXTERNAL
  std::vector<StringPair> metadata_props;  // IR 10
  Preserved preserved;

  static constexpr int kRawDataField = 9;

  // Set by the loader for a checked external reference; the bytes are read on first access.
  std::shared_ptr<const ExternalLocation> external;

  bool is_external() const { return data_location == 1; }
  bool has_raw_data() const { return preserved.Has(kRawDataField) || !raw_data.empty(); }

  // Product of dims; an error for negative dims or when the product overflows int64.
  StatusOr<int64_t> ElementCount() const;
  // Bytes the tensor's data takes in raw form (0 for strings).
  StatusOr<uint64_t> RawByteSize() const;
  // The data as little-endian raw bytes (raw_data, the typed fields converted, or the
  // external file's bytes, read when asked for). Strings have no raw form: an error.
  StatusOr<Bytes> Data() const;
  // Number of elements stored in the typed field that this data type uses.
  size_t TypedElementCount() const;
  // Makes the tensor hold `bytes` as inline raw_data (typed fields and external ref cleared).
  void SetRawData(Bytes bytes);
};

struct SparseTensor {
  std::optional<Tensor> values;
  std::optional<Tensor> indices;
  std::vector<int64_t> dims;
  Preserved preserved;
};

}  // namespace onnxkit
