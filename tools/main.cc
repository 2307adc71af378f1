// onnxkit: load, check, rewrite and inspect ONNX models. Each subcommand lives in its own
// cmd_*.cc file, parses its flags, calls the library, and renders.
#include <CLI/CLI.hpp>

#include "cli_common.h"

#ifndef ONNXKIT_VERSION
#define ONNXKIT_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  CLI::App app{"onnxkit: load, check, rewrite and inspect ONNX models", "onnxkit"};
  app.set_version_flag("--version", std::string("onnxkit ") + ONNXKIT_VERSION);
  app.require_subcommand(1);
  int exit_code = onnxkit::cli::kExitOk;
  for (const auto& reg : onnxkit::cli::Commands()) reg(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : onnxkit::cli::kExitUsage;
  }
  return exit_code;
}
