// onnxkit: load, check, rewrite and inspect ONNX models. Each subcommand lives in its own
// cmd_*.cc file, parses its flags, calls the library, and renders.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli_common.h"
#include "onnxkit/version.h"

#ifndef ONNXKIT_VERSION
#define ONNXKIT_VERSION "unknown"
#endif
#ifndef ONNXKIT_ALLOCATOR
#define ONNXKIT_ALLOCATOR "unknown"
#endif

#if defined(__SANITIZE_ADDRESS__)
#define ONNXKIT_LEAK_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ONNXKIT_LEAK_CHECKED 1
#endif
#endif

namespace {

int Main(int argc, char** argv) {
  CLI::App app{"onnxkit: load, check, rewrite and inspect ONNX models", "onnxkit"};
  app.set_version_flag("--version", [] {
    onnxkit::OnnxLibraryInfo onnx = onnxkit::LinkedOnnxLibrary();
    return fmt::format("onnxkit {}\nONNX {}: opsets up to {}, IR versions up to {}\nallocator: {}",
                       ONNXKIT_VERSION, onnx.version, onnx.max_opset, onnx.max_ir_version,
                       ONNXKIT_ALLOCATOR);
  });
  app.require_subcommand(1);
  int exit_code = onnxkit::cli::kExitOk;
  for (const auto& reg : onnxkit::cli::Commands()) reg(app, &exit_code);
  // CLI11 reports an unknown command as a missing one; name it instead.
  std::string known;
  bool is_command = false;
  for (const CLI::App* sub : app.get_subcommands({})) {
    known += " " + sub->get_name();
    is_command |= argc > 1 && sub->get_name() == argv[1];
  }
  if (argc > 1 && argv[1][0] != '-' && !is_command) {
    std::cerr << "onnxkit: error: unknown command '" << argv[1] << "' (commands:" << known << ")\n";
    return onnxkit::cli::kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : onnxkit::cli::kExitUsage;
  }
  return exit_code;
}

}  // namespace

// Ends the process once everything it printed is out. Files are written and closed by the
// commands themselves, so all that is left is freeing memory the kernel reclaims anyway:
// for a model of thousands of nodes, destroying the IR and the ONNX schema registry takes a
// noticeable share of a short command's time. Leak-checked builds exit normally, so that
// the leak checker still sees every allocation.
[[noreturn]] void ExitNow(int code) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
#ifdef ONNXKIT_LEAK_CHECKED
  std::exit(code);
#else
  std::_Exit(code);
#endif
}

int main(int argc, char** argv) {
  // The library reports through Status; anything thrown (out of memory, a dependency's
  // exception) still ends with a message and an exit code, never an abort.
  int code = onnxkit::cli::kExitUsage;
  try {
    code = Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "onnxkit: error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "onnxkit: error: unexpected failure\n";
  }
  ExitNow(code);
}
