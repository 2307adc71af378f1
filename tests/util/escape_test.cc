// EscapeForDisplay and ValidUtf8: what reaches a terminal, and what goes into JSON.
#include "onnxkit/escape.h"

#include <gtest/gtest.h>

namespace onnxkit {
namespace {

TEST(EscapeForDisplay, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(EscapeForDisplay("conv_0/W:0 (Conv) \\ 'x'"), "conv_0/W:0 (Conv) \\ 'x'");
  EXPECT_EQ(EscapeForDisplay("Größe ½ 形状 🙂"), "Größe ½ 形状 🙂");
  EXPECT_EQ(EscapeForDisplay(""), "");
}

TEST(EscapeForDisplay, EscapesControlCharacters) {
  EXPECT_EQ(EscapeForDisplay("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(EscapeForDisplay("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
  EXPECT_EQ(EscapeForDisplay(std::string("\0\x7f", 2)), "\\x00\\x7f");
  // C1 controls (CSI as U+009B) and bidirectional overrides as code points.
  EXPECT_EQ(EscapeForDisplay("\xc2\x9b"
                             "2J"),
            "\\u{009b}2J");
  EXPECT_EQ(EscapeForDisplay("a\xe2\x80\xae"
                             "b"),
            "a\\u{202e}b");
  EXPECT_EQ(EscapeForDisplay("\xe2\x81\xa6"), "\\u{2066}");
}

TEST(EscapeForDisplay, EscapesBytesThatAreNotUtf8) {
  EXPECT_EQ(EscapeForDisplay("\xff"), "\\xff");
  EXPECT_EQ(EscapeForDisplay("a\xc3"), "a\\xc3");                           // truncated sequence
  EXPECT_EQ(EscapeForDisplay("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
  EXPECT_EQ(EscapeForDisplay("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // a surrogate
  EXPECT_EQ(EscapeForDisplay("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
}

TEST(ValidUtf8, KeepsValidTextIncludingControls) {
  EXPECT_EQ(ValidUtf8("plain"), "plain");
  EXPECT_EQ(ValidUtf8("a\nb\x1b"), "a\nb\x1b");  // JSON escapes these itself
  EXPECT_EQ(ValidUtf8("Größe 🙂"), "Größe 🙂");
}

TEST(ValidUtf8, EscapesEachInvalidByte) {
  EXPECT_EQ(ValidUtf8("\xff\xfe"
                      "ok"),
            "\\xff\\xfeok");
  EXPECT_EQ(ValidUtf8("é\xe9"), "é\\xe9");
}

}  // namespace
}  // namespace onnxkit
