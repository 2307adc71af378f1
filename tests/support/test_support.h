// Shared helpers for the tests: where the corpus is, running the CLI, temporary folders,
// and protobuf as the oracle for "equal field for field".
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "schema/onnx_namespace.h"

namespace onnxkit::testing {

// Whether this build runs under AddressSanitizer, which reserves terabytes of address space
// (so it cannot run under RLIMIT_AS) and keeps freed memory in quarantine (so peak memory is
// not the program's own).
constexpr bool kUnderAddressSanitizer =
#if defined(__SANITIZE_ADDRESS__)
    true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    true;
#else
    false;
#endif
#else
    false;
#endif

std::filesystem::path CorpusDir();
// The folder holding copies of corpus/models with their generated weights.
std::filesystem::path WeightsDir();
// Every *.onnx below `dir`, sorted.
std::vector<std::filesystem::path> OnnxFilesUnder(const std::filesystem::path& dir);
std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& bytes);

// A fresh empty folder, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs the onnxkit executable with `args` (no shell), optionally feeding `stdin_bytes`.
CliResult RunCli(const std::vector<std::string>& args, const std::string& stdin_bytes = "");
// In a forked child: replaces the process with the onnxkit executable run with `args`.
[[noreturn]] void ExecCli(const std::vector<std::string>& args);
// The same for any program (a path; no shell, no PATH search).
CliResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                     const std::string& stdin_bytes = "");
[[noreturn]] void ExecProgram(const std::string& program, const std::vector<std::string>& args);
// A waitpid() status as a shell reports it: the exit code, or 128 + the signal.
int ShellExitCode(int status);

// Parses `bytes` with libonnx's protobuf classes and serializes them again: the bytes a
// lossless writer must produce. Returns false if protobuf cannot parse them.
bool ProtobufReserialize(const std::string& bytes, std::string* out);

// A model written in ONNX's text syntax (onnx::OnnxParser), serialized: tests describe
// small models this way instead of building protos by hand. Throws on a syntax error.
std::string ModelFromText(const char* text);

// What the linked ONNX library offers, for the tests that need the pinned release. The other
// supported build links the system libonnx (Debian bookworm: 1.12), which knows opsets up to
// 17 and whose text parser lacks nan and inf literals, node names, float8 types, bfloat16
// initializers and quoted value names.
bool LinkedOnnxKnowsOpset(int64_t opset);
bool LinkedOnnxTextParserIsOld();
std::string LinkedOnnxVersion();

}  // namespace onnxkit::testing

// Skips the test (with the reason) when the linked ONNX library has no schemas at `opset`.
#define ONNXKIT_SKIP_WITHOUT_OPSET(opset)                                         \
  if (::onnxkit::testing::LinkedOnnxKnowsOpset(opset)) {                          \
  } else                                                                          \
    GTEST_SKIP() << "the linked ONNX " << ::onnxkit::testing::LinkedOnnxVersion() \
                 << " has no schemas at opset " << (opset)

// Skips the test when the linked ONNX text parser cannot read its models; `what` names the
// syntax it lacks.
#define ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER(what)                                           \
  if (!::onnxkit::testing::LinkedOnnxTextParserIsOld()) {                                 \
  } else                                                                                  \
    GTEST_SKIP() << "the text parser of ONNX " << ::onnxkit::testing::LinkedOnnxVersion() \
                 << " has no " << (what)
