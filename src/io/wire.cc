#include "io/wire.h"

#include <fmt/format.h>

namespace onnxkit::wire {

namespace {
const char* WireTypeName(uint32_t t) {
  switch (t) {
    case kVarint: return "varint";
    case kFixed64: return "fixed64";
    case kLengthDelimited: return "length-delimited";
    case kStartGroup: return "start-group";
    case kEndGroup: return "end-group";
    case kFixed32: return "fixed32";
    default: return "invalid";
  }
}
}  // namespace

Decoder::Decoder(std::string_view bytes) : base_(reinterpret_cast<const uint8_t*>(bytes.data())) {}

std::string Decoder::Path() const {
  std::string out;
  // Deeply nested models would give paths of kilobytes: keep the outer and inner steps.
  constexpr size_t kEnds = 6;
  for (size_t i = 0; i < path_.size(); ++i) {
    if (path_.size() > 2 * kEnds + 1 && i == kEnds) {
      out += fmt::format(".…({} steps)…", path_.size() - 2 * kEnds);
      i = path_.size() - kEnds - 1;
      continue;
    }
    const PathStep& step = path_[i];
    if (!out.empty()) out += '.';
    out += step.name;
    if (step.index >= 0) out += fmt::format("[{}]", step.index);
  }
  return out.empty() ? "model" : out;
}

void Decoder::Fail(const uint8_t* at, std::string_view what) {
  if (!error_.ok()) return;
  error_ = absl::InvalidArgumentError(fmt::format("byte {}: {}: {}", Offset(at), Path(), what));
}

uint64_t Decoder::RawVarint(Span& s) {
  uint64_t value = 0;
  const uint8_t* start = s.p;
  for (int shift = 0; shift < 70; shift += 7) {
    if (s.p >= s.end) {
      Fail(start, "the data ends inside a varint");
      return 0;
    }
    uint8_t byte = *s.p++;
    if (shift == 63 && byte > 1) {
      Fail(start, "varint longer than 10 bytes or over 64 bits");
      return 0;
    }
    value |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return value;
  }
  Fail(start, "varint longer than 10 bytes");
  return 0;
}

bool Decoder::Next(Span& s, Field& f) {
  if (!ok() || s.p >= s.end) return false;
  f.tag_begin = s.p;
  uint64_t tag = RawVarint(s);
  if (!ok()) return false;
  f.number = static_cast<uint32_t>(tag >> 3);
  f.type = static_cast<WireType>(tag & 7);
  if ((tag >> 3) == 0 || (tag >> 3) > 536870911) {
    Fail(f.tag_begin, fmt::format("invalid field number {} (tag {:#x})", tag >> 3, tag));
    return false;
  }
  if (f.type > kFixed32) {
    Fail(f.tag_begin, fmt::format("field {} has wire type {}, which does not exist", f.number,
                                  static_cast<uint32_t>(f.type)));
    return false;
  }
  if (f.type == kEndGroup) {
    Fail(f.tag_begin,
         fmt::format("field {}: end-group tag without a matching start-group", f.number));
    return false;
  }
  return true;
}

bool Decoder::Expect(const Span& s, const Field& f, WireType type) {
  if (!ok()) return false;
  if (f.type != type) {
    Fail(f.tag_begin, fmt::format("field {} is encoded as {}, but this field is {}", f.number,
                                  WireTypeName(f.type), WireTypeName(type)));
    return false;
  }
  (void)s;
  return true;
}

uint64_t Decoder::Varint(Span& s, const Field& f) {
  if (!Expect(s, f, kVarint)) return 0;
  return RawVarint(s);
}

float Decoder::Float(Span& s, const Field& f) {
  if (!Expect(s, f, kFixed32)) return 0;
  if (s.size() < 4) {
    Fail(s.p, "fixed32 value runs past the end of its message");
    return 0;
  }
  float v;
  std::memcpy(&v, s.p, 4);
  s.p += 4;
  return v;
}

Span Decoder::Bytes(Span& s, const Field& f) {
  if (!Expect(s, f, kLengthDelimited)) return {s.end, s.end};
  const uint8_t* at = s.p;
  uint64_t n = RawVarint(s);
  if (!ok()) return {s.end, s.end};
  if (n > s.size()) {
    Fail(at, fmt::format("field {} declares {} bytes but only {} remain in its message", f.number,
                         n, s.size()));
    return {s.end, s.end};
  }
  Span out{s.p, s.p + n};
  s.p += n;
  return out;
}

std::string Decoder::String(Span& s, const Field& f) {
  Span b = Bytes(s, f);
  std::string_view v(reinterpret_cast<const char*>(b.p), b.size());
  if (ok() && !IsValidUtf8(v)) Fail(b.p, fmt::format("field {} is not valid UTF-8", f.number));
  return std::string(v);
}

void Decoder::Unknown(Span& s, const Field& f, std::string& out) {
  switch (f.type) {
    case kVarint: RawVarint(s); break;
    case kFixed64:
    case kFixed32: {
      size_t n = f.type == kFixed64 ? 8 : 4;
      if (s.size() < n) {
        Fail(f.tag_begin, fmt::format("field {} runs past the end of its message", f.number));
        return;
      }
      s.p += n;
      break;
    }
    case kLengthDelimited: Bytes(s, f); break;
    case kStartGroup: {
      // Groups are obsolete but legal in unknown fields: skip to the matching end tag.
      int depth = 1;
      while (ok() && depth > 0) {
        if (s.p >= s.end) {
          Fail(f.tag_begin, fmt::format("group {} has no end tag", f.number));
          return;
        }
        Field inner;
        inner.tag_begin = s.p;
        uint64_t tag = RawVarint(s);
        if (!ok()) return;
        inner.number = static_cast<uint32_t>(tag >> 3);
        inner.type = static_cast<WireType>(tag & 7);
        if (inner.number == 0 || inner.type > kFixed32) {
          Fail(inner.tag_begin, "invalid tag inside a group");
          return;
        }
        if (inner.type == kStartGroup) {
          ++depth;
          if (depth > 100) {
            Fail(inner.tag_begin, "groups nested deeper than 100 levels");
            return;
          }
        } else if (inner.type == kEndGroup) {
          --depth;
        } else {
          std::string ignored;
          Unknown(s, inner, ignored);
        }
      }
      break;
    }
    default: Fail(f.tag_begin, "invalid wire type"); return;
  }
  if (ok()) out.append(reinterpret_cast<const char*>(f.tag_begin), s.p - f.tag_begin);
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xbf;  // allowed range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;   // overlong
    if (lead == 0xed) high = 0x9f;  // surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;   // overlong
    if (lead == 0xf4) high = 0x8f;  // past U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
  }
  return length;
}

bool IsValidUtf8(std::string_view s) {
  while (!s.empty()) {
    if (static_cast<unsigned char>(s[0]) < 0x80) {  // the common case, without a call
      s.remove_prefix(1);
      continue;
    }
    const size_t length = Utf8SequenceLength(s);
    if (length == 0) return false;
    s.remove_prefix(length);
  }
  return true;
}

}  // namespace onnxkit::wire
