#include "onnxkit/escape.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "io/wire.h"

namespace onnxkit {
namespace {

// The code point of a valid sequence of `length` bytes.
uint32_t CodePoint(std::string_view s, size_t length) {
  static constexpr unsigned char kLeadMask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
  uint32_t cp = static_cast<unsigned char>(s[0]) & kLeadMask[length];
  for (size_t i = 1; i < length; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3f);
  return cp;
}

// Characters that change how a terminal shows what follows them: C1 controls and the
// bidirectional formatting characters ("Trojan Source").
bool IsInvisibleControl(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

std::string ByteEscape(unsigned char byte) { return fmt::format("\\x{:02x}", byte); }

}  // namespace

std::string EscapeForDisplay(std::string_view s) {
  // Most text is printable ASCII, which passes as it is: one scan instead of a decode per
  // character (dump --initializers=full prints hundreds of megabytes of numbers).
  if (std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const size_t length = wire::Utf8SequenceLength(s);
    const auto lead = static_cast<unsigned char>(s[0]);
    if (length == 0) {
      out += ByteEscape(lead);
      s.remove_prefix(1);
      continue;
    }
    if (length == 1) {
      switch (lead) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (lead < 0x20 || lead == 0x7f) {
            out += ByteEscape(lead);
          } else {
            out += static_cast<char>(lead);
          }
      }
    } else if (const uint32_t cp = CodePoint(s, length); IsInvisibleControl(cp)) {
      out += fmt::format("\\u{{{:04x}}}", cp);
    } else {
      out.append(s.substr(0, length));
    }
    s.remove_prefix(length);
  }
  return out;
}

std::string ValidUtf8(std::string_view s) {
  if (wire::IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  while (!s.empty()) {
    const size_t length = wire::Utf8SequenceLength(s);
    if (length == 0) {
      out += ByteEscape(static_cast<unsigned char>(s[0]));
      s.remove_prefix(1);
    } else {
      out.append(s.substr(0, length));
      s.remove_prefix(length);
    }
  }
  return out;
}

}  // namespace onnxkit
