// Tensor files (io.h): a serialized TensorProto, or a NumPy .npy array.
//
// The .npy format (numpy/lib/format.py documents it): the magic "\x93NUMPY", a major and
// minor version byte, the header's length (2 bytes little-endian in version 1, 4 bytes in
// versions 2 and 3), the header — a Python dict literal {'descr': '<f4', 'fortran_order':
// False, 'shape': (2, 3), } padded with spaces and a newline, Latin-1 in versions 1 and 2,
// UTF-8 in version 3 — then the elements, nothing after them.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/input_file.h"
#include "io/reader.h"
#include "io/temp_files.h"
#include "io/writer.h"
#include "onnxkit/io.h"

namespace onnxkit {
namespace {

constexpr std::string_view kNpyMagic = "\x93NUMPY";

// ---------------------------------------------------------------------------------------
// Checks that a decoded TensorProto can be used as a value.

Status CheckUsable(const Tensor& t) {
  if (t.is_external()) {
    return absl::InvalidArgumentError(
        "the tensor's data is an external-data reference (data_location EXTERNAL): a tensor "
        "file must hold its data inline");
  }
  if (!IsKnownDataType(t.data_type)) {
    return absl::InvalidArgumentError(
        fmt::format("data_type: {} is not a known element type", DataTypeName(t.data_type)));
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, t.ElementCount());
  const auto n = static_cast<uint64_t>(count);
  if (t.data_type == static_cast<int32_t>(DataType::kString)) {
    if (t.string_data.size() != n) {
      return absl::InvalidArgumentError(
          fmt::format("string_data: {} strings for dims {} ({} elements)", t.string_data.size(),
                      DimsToString(t.dims), n));
    }
    return absl::OkStatus();
  }
  // raw_data's size was checked while decoding; the typed field is checked here.
  if (!t.has_raw_data() && t.TypedFieldSize() != TypedFieldSizeOf(t.data_type, n)) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: {} entries for {}{} (expected {})", TypedFieldName(t.data_type), t.TypedFieldSize(),
        DataTypeName(t.data_type), DimsToString(t.dims), TypedFieldSizeOf(t.data_type, n)));
  }
  return absl::OkStatus();
}

StatusOr<Tensor> ParseTensorBytes(const Bytes& bytes) {
  ONNXKIT_ASSIGN_OR_RETURN(Tensor t, io_internal::DecodeTensor(bytes));
  ONNXKIT_RETURN_IF_ERROR(CheckUsable(t));
  return t;
}

// ---------------------------------------------------------------------------------------
// The .npy header: a Python dict literal with string keys, and values that are strings,
// booleans or tuples of integers.

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

class HeaderParser {
 public:
  // `offset`: where the header starts in the file, for messages.
  HeaderParser(std::string_view text, size_t offset) : text_(text), offset_(offset) {}

  StatusOr<NpyHeader> Parse() {
    NpyHeader header;
    bool has_descr = false, has_order = false, has_shape = false;
    SkipSpaces();
    if (!Consume('{')) return Fail("the header is not a dict literal ('{' expected)");
    while (true) {
      SkipSpaces();
      if (Consume('}')) break;
      ONNXKIT_ASSIGN_OR_RETURN(std::string key, ParseString());
      SkipSpaces();
      if (!Consume(':')) return Fail(fmt::format("':' expected after key '{}'", key));
      SkipSpaces();
      if (key == "descr") {
        if (Peek() != '\'' && Peek() != '"') {
          return Fail("'descr' is not a string: structured dtypes are not supported");
        }
        ONNXKIT_ASSIGN_OR_RETURN(header.descr, ParseString());
        has_descr = true;
      } else if (key == "fortran_order") {
        ONNXKIT_ASSIGN_OR_RETURN(header.fortran_order, ParseBool());
        has_order = true;
      } else if (key == "shape") {
        ONNXKIT_ASSIGN_OR_RETURN(header.shape, ParseTuple());
        has_shape = true;
      } else {
        return Fail(fmt::format("unexpected key '{}'", key));
      }
      SkipSpaces();
      if (Consume(',')) continue;
      SkipSpaces();
      if (Consume('}')) break;
      return Fail("',' or '}' expected");
    }
    if (!has_descr || !has_order || !has_shape) {
      return Fail(fmt::format("the header lacks '{}'", !has_descr   ? "descr"
                                                       : !has_order ? "fortran_order"
                                                                    : "shape"));
    }
    SkipSpaces();
    if (pos_ != text_.size()) return Fail("text after the header's dict");
    return header;
  }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool Consume(char c) {
    if (Peek() != c || pos_ >= text_.size()) return false;
    ++pos_;
    return true;
  }
  void SkipSpaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  Status Fail(std::string_view what) const {
    return absl::InvalidArgumentError(fmt::format("byte {}: header: {}", offset_ + pos_, what));
  }

  // A quoted literal without escapes (NumPy's keys and dtype strings have none).
  StatusOr<std::string> ParseString() {
    const char quote = Peek();
    if (quote != '\'' && quote != '"') return Fail("a quoted string expected");
    const size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) return Fail("unterminated string");
    std::string value(text_.substr(pos_ + 1, end - pos_ - 1));
    if (value.find('\\') != std::string::npos) return Fail("escapes in strings are not supported");
    pos_ = end + 1;
    return value;
  }

  StatusOr<bool> ParseBool() {
    for (auto [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      if (text_.substr(pos_).starts_with(word)) {
        pos_ += std::string_view(word).size();
        return value;
      }
    }
    return Fail("'fortran_order' is not True or False");
  }

  StatusOr<std::vector<int64_t>> ParseTuple() {
    if (!Consume('(')) return Fail("'shape' is not a tuple");
    std::vector<int64_t> dims;
    while (true) {
      SkipSpaces();
      if (Consume(')')) return dims;
      ONNXKIT_ASSIGN_OR_RETURN(int64_t dim, ParseDim());
      dims.push_back(dim);
      SkipSpaces();
      if (Consume(',')) continue;
      SkipSpaces();
      if (Consume(')')) return dims;
      return Fail("',' or ')' expected in 'shape'");
    }
  }

  StatusOr<int64_t> ParseDim() {
    const size_t start = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const int digit = text_[pos_] - '0';
      if (value > (INT64_MAX - digit) / 10) return Fail("a dimension exceeds int64");
      value = value * 10 + digit;
      ++pos_;
    }
    if (pos_ == start) return Fail("a non-negative integer expected in 'shape'");
    Consume('L');  // Python 2 wrote long integers as 3L
    return value;
  }

  std::string_view text_;
  size_t offset_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------
// NumPy dtypes.

struct NpyType {
  DataType type = DataType::kUndefined;
  size_t item_size = 0;  // bytes per element in the file
  size_t swap_unit = 1;  // bytes to reverse for a big-endian file (per component)
  bool big_endian = false;
  int64_t unicode_chars = -1;  // <U n: n UCS-4 code units per element
};

StatusOr<NpyType> ParseDescr(const std::string& descr) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(fmt::format("header: descr '{}': {}", descr, why));
  };
  if (descr.size() < 2) return bad("not a dtype string");
  NpyType t;
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') {
    return bad("no byte order ('<', '>', '|' or '=') first");
  }
  t.big_endian = order == '>' || (order == '=' && std::endian::native == std::endian::big);
  const char kind = descr[1];
  const std::string digits = descr.substr(2);
  if (digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad("no element size after the kind");
  }
  const int64_t size = std::stoll(digits);
  auto pick =
      [&](std::initializer_list<std::pair<int64_t, DataType>> options) -> StatusOr<NpyType> {
    for (auto [bytes, type] : options) {
      if (size == bytes) {
        t.type = type;
        t.item_size = static_cast<size_t>(bytes);
        t.swap_unit = t.item_size;
        return t;
      }
    }
    return bad("this element size is not supported");
  };
  switch (kind) {
    case 'f': return pick({{2, DataType::kFloat16}, {4, DataType::kFloat}, {8, DataType::kDouble}});
    case 'i':
      return pick({{1, DataType::kInt8},
                   {2, DataType::kInt16},
                   {4, DataType::kInt32},
                   {8, DataType::kInt64}});
    case 'u':
      return pick({{1, DataType::kUint8},
                   {2, DataType::kUint16},
                   {4, DataType::kUint32},
                   {8, DataType::kUint64}});
    case 'b': return pick({{1, DataType::kBool}});
    case 'c': {
      ONNXKIT_ASSIGN_OR_RETURN(NpyType c,
                               pick({{8, DataType::kComplex64}, {16, DataType::kComplex128}}));
      c.swap_unit = c.item_size / 2;  // real and imaginary parts are swapped separately
      return c;
    }
    case 'U':
      if (size > (int64_t{1} << 24)) return bad("strings this wide are not supported");
      t.type = DataType::kString;
      t.unicode_chars = size;
      t.item_size = static_cast<size_t>(size) * 4;
      t.swap_unit = 4;
      return t;
    default: return bad("this kind of dtype is not supported (only f, i, u, b, c and U)");
  }
}

// ---------------------------------------------------------------------------------------
// Element data.

// Reverses the bytes of every `unit`-byte group of `data`.
void SwapBytes(std::string& data, size_t unit) {
  if (unit <= 1) return;
  for (size_t i = 0; i + unit <= data.size(); i += unit) {
    std::reverse(data.begin() + static_cast<std::ptrdiff_t>(i),
                 data.begin() + static_cast<std::ptrdiff_t>(i + unit));
  }
}

// Reorders elements of `item` bytes stored in column-major (Fortran) order into row-major.
std::string FortranToC(std::string_view data, const std::vector<int64_t>& dims, size_t item) {
  const size_t rank = dims.size();
  const size_t count = item == 0 ? 0 : data.size() / item;
  std::string out(data.size(), '\0');
  if (count == 0) return out;
  std::vector<int64_t> f_strides(rank, 1);
  for (size_t k = 1; k < rank; ++k) f_strides[k] = f_strides[k - 1] * dims[k - 1];
  std::vector<int64_t> index(rank, 0);
  for (size_t c = 0; c < count; ++c) {
    int64_t f = 0;
    for (size_t k = 0; k < rank; ++k) f += index[k] * f_strides[k];
    std::memcpy(out.data() + c * item, data.data() + static_cast<size_t>(f) * item, item);
    for (size_t k = rank; k-- > 0;) {  // row-major odometer: the last index moves fastest
      if (++index[k] < dims[k]) break;
      index[k] = 0;
    }
  }
  return out;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// UCS-4 elements (little-endian by now) to UTF-8 strings, NumPy's trailing NULs removed.
StatusOr<std::vector<std::string>> DecodeUnicode(std::string_view data, int64_t chars,
                                                 size_t data_offset) {
  const size_t item = static_cast<size_t>(chars) * 4;
  const size_t count = item == 0 ? 0 : data.size() / item;
  std::vector<std::string> strings;
  strings.reserve(count);
  for (size_t e = 0; e < count; ++e) {
    std::vector<uint32_t> units(static_cast<size_t>(chars));
    std::memcpy(units.data(), data.data() + e * item, item);
    while (!units.empty() && units.back() == 0) units.pop_back();
    std::string s;
    for (uint32_t cp : units) {
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return absl::InvalidArgumentError(
            fmt::format("byte {}: element {}: U+{:X} is not a Unicode scalar value",
                        data_offset + e * item, e, cp));
      }
      AppendUtf8(s, cp);
    }
    strings.push_back(std::move(s));
  }
  return strings;
}

StatusOr<Tensor> ParseNpy(std::string_view file) {
  if (!file.starts_with(kNpyMagic)) {
    return absl::InvalidArgumentError("byte 0: not a NumPy file (no \\x93NUMPY magic)");
  }
  if (file.size() < 10) {
    return absl::InvalidArgumentError(fmt::format(
        "byte {}: the file ends inside the format version and header length", file.size()));
  }
  const auto major = static_cast<uint8_t>(file[6]);
  if (major < 1 || major > 3) {
    return absl::InvalidArgumentError(
        fmt::format("byte 6: format version {}.{} is not supported (1, 2 or 3)", major,
                    static_cast<uint8_t>(file[7])));
  }
  const size_t length_bytes = major == 1 ? 2 : 4;
  if (file.size() < 8 + length_bytes) {
    return absl::InvalidArgumentError("byte 8: the file ends inside the header length");
  }
  uint64_t header_length = 0;
  for (size_t i = 0; i < length_bytes; ++i) {
    header_length |= uint64_t{static_cast<uint8_t>(file[8 + i])} << (8 * i);
  }
  const size_t header_start = 8 + length_bytes;
  if (header_length > file.size() - header_start) {
    return absl::InvalidArgumentError(
        fmt::format("byte {}: the header is {} bytes but the file ends after {}", 8, header_length,
                    file.size() - header_start));
  }
  const std::string_view header_text = file.substr(header_start, header_length);
  ONNXKIT_ASSIGN_OR_RETURN(NpyHeader header, HeaderParser(header_text, header_start).Parse());
  ONNXKIT_ASSIGN_OR_RETURN(NpyType type, ParseDescr(header.descr));

  uint64_t count = 1;
  for (int64_t d : header.shape) {
    if (d != 0 && count > UINT64_MAX / static_cast<uint64_t>(d)) {
      return absl::InvalidArgumentError("header: shape: the element count overflows");
    }
    count *= static_cast<uint64_t>(d);
  }
  const size_t data_start = header_start + header_length;
  const uint64_t available = file.size() - data_start;
  if (type.item_size != 0 && count > available / type.item_size) {
    return absl::InvalidArgumentError(
        fmt::format("byte {}: shape {} of {} needs {} bytes of data but the file has {}",
                    data_start, DimsToString(header.shape), header.descr,
                    fmt::format("{}×{}", count, type.item_size), available));
  }
  // Zero-width strings (<U0) take no bytes, so the file cannot bound their count.
  constexpr uint64_t kMaxEmptyStrings = uint64_t{1} << 24;
  if (type.item_size == 0 && count > kMaxEmptyStrings) {
    return absl::InvalidArgumentError(
        fmt::format("header: shape {} of {} holds more than {} empty strings",
                    DimsToString(header.shape), header.descr, kMaxEmptyStrings));
  }
  const uint64_t data_size = count * type.item_size;
  if (data_size != available) {
    return absl::InvalidArgumentError(
        fmt::format("byte {}: {} bytes after the data of shape {} of {}", data_start + data_size,
                    available - data_size, DimsToString(header.shape), header.descr));
  }
  std::string data(file.substr(data_start, data_size));
  if (type.big_endian) SwapBytes(data, type.swap_unit);
  if (header.fortran_order && header.shape.size() > 1) {
    data = FortranToC(data, header.shape, type.item_size);
  }
  Tensor t;
  t.data_type = static_cast<int32_t>(type.type);
  t.dims = header.shape;
  if (type.type == DataType::kString) {
    ONNXKIT_ASSIGN_OR_RETURN(t.string_data, DecodeUnicode(data, type.unicode_chars, data_start));
    if (type.unicode_chars == 0) t.string_data.assign(count, "");
    return t;
  }
  if (type.type == DataType::kBool) {
    for (size_t i = 0; i < data.size(); ++i) {
      if (static_cast<uint8_t>(data[i]) > 1) {
        return absl::InvalidArgumentError(
            fmt::format("byte {}: a bool element is {}, not 0 or 1", data_start + i,
                        static_cast<int>(static_cast<uint8_t>(data[i]))));
      }
    }
  }
  t.SetRawData(Bytes::Own(std::move(data)));
  return t;
}

// ---------------------------------------------------------------------------------------
// Writing .npy.

StatusOr<std::string> NpyDescr(const Tensor& t, int64_t unicode_chars) {
  switch (static_cast<DataType>(t.data_type)) {
    case DataType::kFloat16: return std::string("<f2");
    case DataType::kFloat: return std::string("<f4");
    case DataType::kDouble: return std::string("<f8");
    case DataType::kInt8: return std::string("|i1");
    case DataType::kInt16: return std::string("<i2");
    case DataType::kInt32: return std::string("<i4");
    case DataType::kInt64: return std::string("<i8");
    case DataType::kUint8: return std::string("|u1");
    case DataType::kUint16: return std::string("<u2");
    case DataType::kUint32: return std::string("<u4");
    case DataType::kUint64: return std::string("<u8");
    case DataType::kBool: return std::string("|b1");
    case DataType::kComplex64: return std::string("<c8");
    case DataType::kComplex128: return std::string("<c16");
    case DataType::kString: return fmt::format("<U{}", unicode_chars);
    default:
      return absl::InvalidArgumentError(
          fmt::format("NumPy has no dtype for {}: save it as .pb", DataTypeName(t.data_type)));
  }
}

// UTF-8 to code points; an error for bytes that are not UTF-8.
StatusOr<std::vector<uint32_t>> CodePoints(std::string_view s, size_t element) {
  auto bad = [&](size_t at) {
    return absl::InvalidArgumentError(
        fmt::format("string element {} is not UTF-8 (byte {} of the string)", element, at));
  };
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<uint8_t>(s[i]);
    size_t extra = 0;
    uint32_t cp = lead;
    if (lead >= 0x80) {
      if ((lead & 0xE0) == 0xC0) {
        extra = 1, cp = lead & 0x1F;
      } else if ((lead & 0xF0) == 0xE0) {
        extra = 2, cp = lead & 0x0F;
      } else if ((lead & 0xF8) == 0xF0) {
        extra = 3, cp = lead & 0x07;
      } else {
        return bad(i);
      }
    }
    if (s.size() - i <= extra) return bad(i);
    for (size_t k = 1; k <= extra; ++k) {
      const auto c = static_cast<uint8_t>(s[i + k]);
      if ((c & 0xC0) != 0x80) return bad(i + k);
      cp = (cp << 6) | (c & 0x3F);
    }
    out.push_back(cp);
    i += extra + 1;
  }
  return out;
}

StatusOr<std::string> EncodeNpy(const Tensor& t) {
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, t.ElementCount());
  std::string data;
  int64_t chars = 0;
  if (t.data_type == static_cast<int32_t>(DataType::kString)) {
    if (t.string_data.size() != static_cast<uint64_t>(count)) {
      return absl::InvalidArgumentError(
          fmt::format("{} strings for dims {}", t.string_data.size(), DimsToString(t.dims)));
    }
    std::vector<std::vector<uint32_t>> all;
    for (size_t i = 0; i < t.string_data.size(); ++i) {
      ONNXKIT_ASSIGN_OR_RETURN(std::vector<uint32_t> cps, CodePoints(t.string_data[i], i));
      chars = std::max(chars, static_cast<int64_t>(cps.size()));
      all.push_back(std::move(cps));
    }
    chars = std::max<int64_t>(chars, 1);  // NumPy has no zero-width unicode dtype
    for (auto& cps : all) {
      cps.resize(static_cast<size_t>(chars), 0);
      data.append(reinterpret_cast<const char*>(cps.data()), cps.size() * 4);
    }
  } else {
    ONNXKIT_RETURN_IF_ERROR(NpyDescr(t, 0).status());
    ONNXKIT_ASSIGN_OR_RETURN(Bytes bytes, t.Data());
    data = std::string(bytes.view());
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::string descr, NpyDescr(t, chars));
  std::string shape;
  for (int64_t d : t.dims) shape += fmt::format("{}, ", d);
  if (t.dims.size() > 1) shape.resize(shape.size() - 2);  // (3,) but (2, 3)
  if (t.dims.size() == 1) shape.resize(shape.size() - 1);
  std::string header =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr, shape);
  // Version 1 unless the header needs more than 2 length bytes; the data starts at a
  // multiple of 64 bytes, as NumPy writes it.
  const bool v1 = header.size() + 1 + 10 < 65536;
  const size_t prefix = v1 ? 10 : 12;
  const size_t padded = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(padded - prefix - header.size() - 1, ' ');
  header += '\n';
  std::string out(kNpyMagic);
  out += static_cast<char>(v1 ? 1 : 2);
  out += '\0';
  const uint64_t length = header.size();
  for (size_t i = 0; i < (v1 ? 2u : 4u); ++i) out += static_cast<char>((length >> (8 * i)) & 0xFF);
  return out + header + data;
}

// A TensorProto with its data inline.
StatusOr<std::string> EncodePb(const Tensor& t) {
  if (!t.is_external()) return io_internal::EncodeTensor(t);
  Tensor inline_copy = t;
  ONNXKIT_ASSIGN_OR_RETURN(Bytes bytes, t.Data());
  inline_copy.SetRawData(std::move(bytes));
  return io_internal::EncodeTensor(inline_copy);
}

Status InFile(const std::string& path, const Status& status) {
  return Status(status.code(), fmt::format("{}: {}", path, StatusMessage(status)));
}

}  // namespace

StatusOr<Tensor> ParseTensor(std::string_view bytes) {
  return ParseTensorBytes(Bytes::Copy(bytes));
}

StatusOr<Tensor> LoadTensorFile(const std::string& path) {
  ONNXKIT_ASSIGN_OR_RETURN(io_internal::InputBytes input, io_internal::ReadInputFile(path));
  const std::string_view bytes = input.bytes.view();
  auto tensor = bytes.starts_with(kNpyMagic) ? ParseNpy(bytes) : ParseTensorBytes(input.bytes);
  if (!tensor.ok()) return InFile(path, tensor.status());
  return tensor;
}

Status SaveTensorFile(const Tensor& tensor, const std::string& path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  StatusOr<std::string> bytes;
  if (extension == ".npy") {
    bytes = EncodeNpy(tensor);
  } else if (extension == ".pb") {
    bytes = EncodePb(tensor);
  } else {
    return absl::InvalidArgumentError(
        fmt::format("{}: a tensor file's name ends in .pb (TensorProto) or .npy (NumPy)", path));
  }
  if (!bytes.ok()) return InFile(path, bytes.status());
  return WriteFileAtomically(path, *bytes);
}

}  // namespace onnxkit
