// The progress line of the CLI (tools/terminal_progress.h): how a stage's amount reads in
// each unit, and the line drawn and erased on the stream.
#include "terminal_progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "onnxkit/dump.h"

namespace onnxkit::cli {
namespace {

using Unit = Progress::Unit;

TEST(TerminalProgressLine, SecondsReadAsATime) {
  const char kWhat[] = "laying out 70 nodes with Graphviz's dot";
  EXPECT_EQ(TerminalProgress::Line(kWhat, Unit::kSeconds, 0, 0), kWhat);
  EXPECT_EQ(TerminalProgress::Line(kWhat, Unit::kSeconds, 7, 0), std::string(kWhat) + "  7 s");
  EXPECT_EQ(TerminalProgress::Line(kWhat, Unit::kSeconds, 59, 0), std::string(kWhat) + "  59 s");
  EXPECT_EQ(TerminalProgress::Line(kWhat, Unit::kSeconds, 60, 0),
            std::string(kWhat) + "  1 min 00 s");
  EXPECT_EQ(TerminalProgress::Line(kWhat, Unit::kSeconds, 125, 0),
            std::string(kWhat) + "  2 min 05 s");
  EXPECT_EQ(TerminalProgress::Line(kWhat, Unit::kSeconds, 3600 + 2 * 60 + 9, 0),
            std::string(kWhat) + "  1 h 02 min");
  EXPECT_EQ(TerminalProgress::Line("waiting", Unit::kSeconds, 30, 120),
            "waiting  30 s of 2 min 00 s (25%)");
}

TEST(TerminalProgressLine, BytesAndStepsKeepTheirForms) {
  EXPECT_EQ(TerminalProgress::Line("writing m.onnx", Unit::kBytes, 1536, 3072),
            "writing m.onnx  " + FormatBytes(1536) + " of " + FormatBytes(3072) + " (50%)");
  EXPECT_EQ(TerminalProgress::Line("fold-constants", Unit::kSteps, 3, 0), "fold-constants  3");
}

TEST(TerminalProgress, DrawsInPlaceAndErasesAtTheEnd) {
  std::ostringstream out;
  TerminalProgress progress(out, std::chrono::milliseconds(0));
  progress.Begin("laying out 2 nodes with Graphviz's dot", Unit::kSeconds, 0);
  progress.End();
  EXPECT_EQ(out.str(), "\r\x1b[Klaying out 2 nodes with Graphviz's dot\r\x1b[K");
}

}  // namespace
}  // namespace onnxkit::cli
