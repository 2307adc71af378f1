// Tensors: an element type, dims, and a data source that is not necessarily in memory.
//
// A Tensor keeps its data the way the file stored it: `raw_data` (a shared view, which for a
// loaded model aliases the model file's buffer), the typed fields (`float_data`, `int64_data`,
// …) or an external-data reference that is read on access. Nothing is copied at load time,
// and a tensor saved unchanged is written back byte for byte.
//
// For computation: `View<T>(tensor)` reads the elements as T whichever field holds them,
// `Tensor::FromValues` / `Scalar` / `FromStrings` build tensors, and `ToDoubles` /
// `ToInt64s` read a small constant of any numeric type. The IR reads no files: an external
// tensor's bytes come from a `DataSource` that the loader (src/io) attached to it.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
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
  kUint4 = 21,  // packed two per byte, the first element in the low nibble
  kInt4 = 22,
  kFloat4E2M1 = 23,  // packed like int4
  kFloat8E8M0 = 24,
  kUint2 = 25,  // packed four per byte, the first element in bits 0-1
  kInt2 = 26,
  kFloat6E2M3 = 27,  // packed four per three bytes (a 6-bit stream, least significant bit first)
  kFloat6E3M2 = 28,
};
// The highest DataType number this library knows (ONNX 1.23).
inline constexpr int32_t kLastDataType = static_cast<int32_t>(DataType::kFloat6E3M2);

// "float32", "int64", "float8e4m3fn", "int4", … ; "dtype(N)" for numbers the spec does not
// define.
std::string DataTypeName(int32_t type);
// Whether `type` is a TensorProto.DataType this library knows, other than UNDEFINED.
bool IsKnownDataType(int32_t type);
// Bits of one element in raw_data: 2, 4 or 6 for the packed types, 8 × the byte size for the
// others; 0 for strings, undefined and unknown types.
size_t DataTypeBits(int32_t type);
// Bytes of one element in raw_data for the types whose elements are whole bytes; 0 for the
// packed sub-byte types (int4, uint4, float4e2m1, int2, uint2, float6*), strings, undefined
// and unknown types. The byte size of a number of elements is RawByteSizeOf's.
size_t DataTypeSize(int32_t type);
// Whether several elements share a byte (int4, uint4, float4e2m1, int2, uint2, float6*).
bool IsPackedType(int32_t type);
// Bytes `count` elements of `type` take in raw_data: ceil(count × bits / 8). 0 for strings
// and types without a raw form (undefined, unknown); an error for a negative count.
StatusOr<uint64_t> RawByteSizeOf(int32_t type, int64_t count);
// Entries `count` elements take in the typed field of `type` (TensorProto's comments):
// two per element for complex types, ceil(count / 2) for the 4-bit types in int32_data (two
// per entry), ceil(count / 4) for the 2-bit types, `count` for all others (float6 included:
// one element per entry).
uint64_t TypedFieldSizeOf(int32_t type, uint64_t count);
// The name of the typed field `type` stores its values in: "float_data", "int32_data", ….
std::string_view TypedFieldName(int32_t type);
// True for the types whose numbers can be read as numbers (ElementAsDouble, dump's
// min/max/mean): every known type but undefined, string and the complex types.
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

// Where an external tensor's bytes are read from. The IR reads no files itself: the loader
// (src/io) implements this with an external-data file it opened once at load and reads
// through that descriptor only, so renaming, replacing or re-linking the path after loading
// does not change what is read.
class DataSource {
 public:
  virtual ~DataSource() = default;
  // Bytes [offset, offset + length). An error names the source and `tensor` (e.g. a file
  // truncated after loading).
  virtual StatusOr<Bytes> Read(uint64_t offset, uint64_t length, std::string_view tensor) const = 0;
  // The file the bytes live in, whatever name reaches it: the writer refuses to overwrite a
  // file the model still reads.
  virtual FileId id() const = 0;
};

// Where an external tensor's bytes are, once its reference was checked at load time.
struct ExternalLocation {
  std::string file;     // the file's path inside the model's folder, for messages
  uint64_t offset = 0;  // byte offset in `file`
  uint64_t length = 0;  // byte count
  std::shared_ptr<const DataSource> source;
};

// The element types of View<T> and Tensor::FromValues besides the C++ arithmetic types:
// 16-bit floats by their bits (number_formats.h converts them to and from float).
struct Float16 {
  uint16_t bits = 0;
  friend bool operator==(const Float16&, const Float16&) = default;
};
struct Bfloat16 {
  uint16_t bits = 0;
  friend bool operator==(const Bfloat16&, const Bfloat16&) = default;
};

// The DataType whose raw elements are laid out as a T: float, double, int8_t … uint64_t,
// bool, Float16, Bfloat16, std::complex<float> and std::complex<double>. Other types have
// none (a compile error).
template <typename T>
struct ElementTypeOf;
#define ONNXKIT_ELEMENT_TYPE(T, type)                 \
  template <>                                         \
  struct ElementTypeOf<T> {                           \
    static constexpr DataType value = DataType::type; \
  }
ONNXKIT_ELEMENT_TYPE(float, kFloat);
ONNXKIT_ELEMENT_TYPE(double, kDouble);
ONNXKIT_ELEMENT_TYPE(int8_t, kInt8);
ONNXKIT_ELEMENT_TYPE(uint8_t, kUint8);
ONNXKIT_ELEMENT_TYPE(int16_t, kInt16);
ONNXKIT_ELEMENT_TYPE(uint16_t, kUint16);
ONNXKIT_ELEMENT_TYPE(int32_t, kInt32);
ONNXKIT_ELEMENT_TYPE(uint32_t, kUint32);
ONNXKIT_ELEMENT_TYPE(int64_t, kInt64);
ONNXKIT_ELEMENT_TYPE(uint64_t, kUint64);
ONNXKIT_ELEMENT_TYPE(bool, kBool);
ONNXKIT_ELEMENT_TYPE(Float16, kFloat16);
ONNXKIT_ELEMENT_TYPE(Bfloat16, kBfloat16);
ONNXKIT_ELEMENT_TYPE(std::complex<float>, kComplex64);
ONNXKIT_ELEMENT_TYPE(std::complex<double>, kComplex128);
#undef ONNXKIT_ELEMENT_TYPE

template <typename T>
constexpr DataType DataTypeOf() {
  return ElementTypeOf<std::remove_cv_t<T>>::value;
}

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
  // Bytes the tensor's data takes in raw form (RawByteSizeOf: packed types round up; 0 for
  // strings).
  StatusOr<uint64_t> RawByteSize() const;
  // The data as little-endian raw bytes (raw_data, the typed fields converted and packed,
  // or the data source's bytes, read when asked for). Strings have no raw form: an error.
  StatusOr<Bytes> Data() const;
  // Number of entries in the typed field that this data type uses (see TypedFieldSizeOf).
  size_t TypedFieldSize() const;
  // Makes the tensor hold `bytes` as inline raw_data (typed fields and external ref cleared).
  void SetRawData(Bytes bytes);

  // Builders: a tensor of type DataTypeOf<T>() holding `values` as raw_data, row-major. An
  // error when the number of values is not the product of `dims` (or a dim is negative).
  template <typename T>
  static StatusOr<Tensor> FromValues(std::vector<int64_t> dims, std::span<const T> values);
  template <typename T>
  static StatusOr<Tensor> FromValues(std::vector<int64_t> dims, const std::vector<T>& values) {
    return FromValues<T>(std::move(dims), std::span<const T>(values));
  }
  // A 0-D tensor (dims []) holding `value`.
  template <typename T>
  static Tensor Scalar(T value);
  // A string tensor (string_data); the same count rule as FromValues.
  static StatusOr<Tensor> FromStrings(std::vector<int64_t> dims, std::vector<std::string> values);

 private:
  // FromValues' count check and raw-data tensor of `type` holding `bytes`.
  static StatusOr<Tensor> FromRaw(DataType type, std::vector<int64_t> dims, uint64_t count,
                                  std::string bytes);
};

// Read access to a tensor's elements as T (DataTypeOf<T>() must be the tensor's data type):
// whichever field held them, the view reads the little-endian raw form, which it keeps
// alive (it may alias the model file's buffer or an external tensor's bytes). Elements are
// read with memcpy, so unaligned data (raw_data inside a model file) is fine.
template <typename T>
class TypedView {
 public:
  TypedView() = default;
  explicit TypedView(Bytes bytes) : bytes_(std::move(bytes)) {}

  size_t size() const { return bytes_.size() / sizeof(T); }
  bool empty() const { return size() == 0; }
  T operator[](size_t i) const {
    if constexpr (std::is_same_v<T, bool>) {
      return bytes_.data()[i] != 0;  // any non-zero byte is true, never an invalid bool
    } else {
      T value;
      std::memcpy(&value, bytes_.data() + i * sizeof(T), sizeof(T));
      return value;
    }
  }
  std::vector<T> ToVector() const {
    std::vector<T> out;
    out.reserve(size());
    for (size_t i = 0; i < size(); ++i) out.push_back((*this)[i]);
    return out;
  }
  // The raw little-endian bytes the view reads.
  const Bytes& bytes() const { return bytes_; }

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = T;
    iterator() = default;
    iterator(const TypedView* view, size_t i) : view_(view), i_(i) {}
    T operator*() const { return (*view_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++i_;
      return old;
    }
    bool operator==(const iterator& other) const { return i_ == other.i_; }

   private:
    const TypedView* view_ = nullptr;
    size_t i_ = 0;
  };
  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, size()); }

 private:
  Bytes bytes_;
};

// The elements of `tensor` as T: raw_data, the typed fields (int32_data carrying int8,
// uint8, int16, uint16, bool, float16 and bfloat16 as the spec says; uint64_data carrying
// uint32) or external data (read now, through its DataSource). An error when T is not the
// tensor's element type or the data disagrees with the dims.
template <typename T>
StatusOr<TypedView<T>> View(const Tensor& tensor);

// The elements of a tensor of any numeric type (IsNumeric: bool as 0/1, float8/float6/
// float4 decoded, int4/int2 sign-extended), for passes that read small constants such as
// Resize scales or Reshape shapes. An error for strings, complex types, data that disagrees
// with the dims, and tensors of more than `max_elements` elements.
inline constexpr int64_t kDefaultMaxConvertedElements = int64_t{1} << 24;
StatusOr<std::vector<double>> ToDoubles(const Tensor& tensor,
                                        int64_t max_elements = kDefaultMaxConvertedElements);
// The same as int64: floating elements must be whole numbers within int64's range and
// unsigned elements at most INT64_MAX (an error naming the element otherwise).
StatusOr<std::vector<int64_t>> ToInt64s(const Tensor& tensor,
                                        int64_t max_elements = kDefaultMaxConvertedElements);

struct SparseTensor {
  std::optional<Tensor> values;
  std::optional<Tensor> indices;
  std::vector<int64_t> dims;
  Preserved preserved;
};

template <typename T>
StatusOr<Tensor> Tensor::FromValues(std::vector<int64_t> dims, std::span<const T> values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    if constexpr (std::is_same_v<T, bool>) {
      bytes[i] = values[i] ? 1 : 0;
    } else {
      std::memcpy(bytes.data() + i * sizeof(T), &values[i], sizeof(T));
    }
  }
  return FromRaw(DataTypeOf<T>(), std::move(dims), values.size(), std::move(bytes));
}

template <typename T>
Tensor Tensor::Scalar(T value) {
  return *FromValues<T>({}, std::span<const T>(&value, 1));
}

namespace tensor_internal {
// View's type check and data: the raw bytes of `tensor` when its type is `type`.
StatusOr<Bytes> ViewBytes(const Tensor& tensor, DataType type);
}  // namespace tensor_internal

template <typename T>
StatusOr<TypedView<T>> View(const Tensor& tensor) {
  ONNXKIT_ASSIGN_OR_RETURN(Bytes bytes, tensor_internal::ViewBytes(tensor, DataTypeOf<T>()));
  return TypedView<T>(std::move(bytes));
}

}  // namespace onnxkit
