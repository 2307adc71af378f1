// Making model-controlled strings safe to print and to parse.
//
// ONNX strings are bytes: a name, op type, doc string, metadata value or STRING attribute
// may hold terminal escape sequences (which retitle or clear a terminal), newlines (which
// forge lines of a report) or bytes that are not UTF-8 (which JSON cannot carry). Every
// human-readable output of onnxkit passes such strings through EscapeForDisplay, and every
// JSON output through ValidUtf8. Both leave ordinary text (printable ASCII and valid
// UTF-8 other than the characters below) unchanged.
#pragma once

#include <string>
#include <string_view>

namespace onnxkit {

// For a terminal: `\n`, `\r`, `\t` as those two-character escapes; other C0 controls and
// DEL as `\xHH`; C1 controls (U+0080–U+009F) and the Unicode bidirectional formatting
// characters (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069) as `\u{HHHH}`; each
// byte that is not part of valid UTF-8 as `\xHH`. Backslashes are left alone.
std::string EscapeForDisplay(std::string_view s);

// For JSON: valid UTF-8 is returned unchanged; each byte that is not part of a valid UTF-8
// sequence becomes the four characters `\xHH` (lowercase hex), so the result is valid
// UTF-8 (the JSON serializer then escapes control characters as `\u00HH`).
std::string ValidUtf8(std::string_view s);

}  // namespace onnxkit
