// Protobuf wire-format primitives: decoding with a latched error that names the byte offset
// and field path, and encoding into a growing buffer or a stream.
//
// onnxkit reads and writes the ONNX messages itself instead of through protobuf's generated
// classes: tensors can then alias a memory-mapped file, offsets are 64-bit (files past 2 GB),
// and nothing is copied twice.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/status.h"

namespace onnxkit::wire {

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// A byte range still to be decoded.
struct Span {
  const uint8_t* p;
  const uint8_t* end;
  size_t size() const { return static_cast<size_t>(end - p); }
};

struct Field {
  uint32_t number = 0;
  WireType type = kVarint;
  const uint8_t* tag_begin = nullptr;  // where the tag starts (for unknown-field capture)
};

// Decodes fields and remembers the first error. After an error every read returns a zero
// value and Next() returns false, so message loops end by themselves.
class Decoder {
 public:
  explicit Decoder(std::string_view bytes);

  bool ok() const { return error_.ok(); }
  const Status& error() const { return error_; }
  size_t Offset(const uint8_t* p) const { return static_cast<size_t>(p - base_); }

  // Reads the next tag of `s`; false at the end of `s` or after an error.
  bool Next(Span& s, Field& f);
  uint64_t Varint(Span& s, const Field& f);
  int64_t Int64(Span& s, const Field& f) { return static_cast<int64_t>(Varint(s, f)); }
  int32_t Int32(Span& s, const Field& f) { return static_cast<int32_t>(Varint(s, f)); }
  float Float(Span& s, const Field& f);
  // A length-delimited payload.
  Span Bytes(Span& s, const Field& f);
  // A `string` field: the payload, checked to be valid UTF-8.
  std::string String(Span& s, const Field& f);
  std::string ByteString(Span& s, const Field& f) {
    Span b = Bytes(s, f);
    return {reinterpret_cast<const char*>(b.p), b.size()};
  }
  // Appends the whole field (tag included) to `out` and moves past it.
  void Unknown(Span& s, const Field& f, std::string& out);

  // Repeated scalar fields, packed or not (both encodings are accepted for both kinds).
  template <typename T>
  void RepeatedVarint(Span& s, const Field& f, std::vector<T>& out);
  template <typename T>
  void RepeatedFixed(Span& s, const Field& f, std::vector<T>& out);

  struct PathStep {
    const char* name;
    int64_t index;
  };
  // Field path for error messages: Push("node", 12) ... Pop().
  const std::vector<PathStep>& path() const { return path_; }
  void set_path(std::vector<PathStep> path) { path_ = std::move(path); }
  void Push(const char* name, int64_t index = -1) { path_.push_back({name, index}); }
  void Pop() { path_.pop_back(); }
  std::string Path() const;
  // Latches an error at `at` (if none yet).
  void Fail(const uint8_t* at, std::string_view what);

 private:
  uint64_t RawVarint(Span& s);
  bool Expect(const Span& s, const Field& f, WireType type);
  const uint8_t* base_;
  Status error_;
  std::vector<PathStep> path_;
};

template <typename T>
void Decoder::RepeatedVarint(Span& s, const Field& f, std::vector<T>& out) {
  if (f.type == kLengthDelimited) {
    Span packed = Bytes(s, f);
    while (ok() && packed.p < packed.end) out.push_back(static_cast<T>(RawVarint(packed)));
    return;
  }
  out.push_back(static_cast<T>(Varint(s, f)));
}

template <typename T>
void Decoder::RepeatedFixed(Span& s, const Field& f, std::vector<T>& out) {
  constexpr WireType kType = sizeof(T) == 4 ? kFixed32 : kFixed64;
  if (f.type == kLengthDelimited) {
    Span packed = Bytes(s, f);
    if (!ok()) return;
    if (packed.size() % sizeof(T) != 0) {
      Fail(packed.p, "packed payload is not a whole number of elements");
      return;
    }
    size_t n = packed.size() / sizeof(T);
    if (n == 0) return;  // an empty packed field (memcpy into an empty vector's null data)
    size_t old = out.size();
    out.resize(old + n);
    std::memcpy(out.data() + old, packed.p, n * sizeof(T));
    return;
  }
  if (!Expect(s, f, kType)) return;
  if (s.size() < sizeof(T)) {
    Fail(s.p, "fixed-width value runs past the end of its message");
    return;
  }
  T v;
  std::memcpy(&v, s.p, sizeof(T));
  s.p += sizeof(T);
  out.push_back(v);
}

// Appends protobuf wire encodings to a string.
class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) {}
  void Tag(uint32_t field, WireType type) { Varint((uint64_t{field} << 3) | type); }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void VarintField(uint32_t field, uint64_t v) {
    Tag(field, kVarint);
    Varint(v);
  }
  void Int64Field(uint32_t field, int64_t v) { VarintField(field, static_cast<uint64_t>(v)); }
  // int32 values are sign-extended to 64 bits on the wire, as protobuf does.
  void Int32Field(uint32_t field, int32_t v) {
    VarintField(field, static_cast<uint64_t>(static_cast<int64_t>(v)));
  }
  void FloatField(uint32_t field, float v) {
    Tag(field, kFixed32);
    Raw(&v, 4);
  }
  void BytesField(uint32_t field, std::string_view v) {
    Tag(field, kLengthDelimited);
    Varint(v.size());
    out_.append(v);
  }
  void Raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  void Append(std::string_view bytes) { out_.append(bytes); }
  std::string& buffer() { return out_; }

 private:
  std::string& out_;
};

size_t VarintSize(uint64_t v);

// The length of the valid UTF-8 sequence at the start of non-empty `s`, or 0 when its first
// byte does not start one (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF).
size_t Utf8SequenceLength(std::string_view s);
// True when `s` is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace onnxkit::wire
