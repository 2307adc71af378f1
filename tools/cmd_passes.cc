// onnxkit passes: list the built-in passes with their summaries and options, as text, JSON
// or the Markdown of docs/passes.md.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "onnxkit/pass.h"

namespace onnxkit::cli {
namespace {

struct PassesArgs {
  std::string format = "text";
};

std::string PassesJson(const PassRegistry& registry) {
  nlohmann::ordered_json passes = nlohmann::ordered_json::array();
  for (const PassInfo& info : registry.passes()) {
    nlohmann::ordered_json options = nlohmann::ordered_json::array();
    for (const PassOptionSpec& spec : info.options) {
      options.push_back({{"name", std::string(spec.name)},
                         {"kind", std::string(PassOptionKindName(spec.kind))},
                         {"default", std::string(spec.default_value)},
                         {"summary", std::string(spec.summary)}});
    }
    passes.push_back({{"name", std::string(info.name)},
                      {"summary", std::string(info.summary)},
                      {"options", options}});
  }
  return passes.dump(2) + "\n";
}

std::string PassesText(const PassRegistry& registry) {
  if (registry.passes().empty()) return "No passes are built in yet.\n";
  std::string text;
  for (const PassInfo& info : registry.passes()) {
    if (!text.empty()) text += "\n";
    text += DescribePass(info);
  }
  return text;
}

int Run(const PassesArgs& args) {
  PassRegistry registry = PassRegistry::Builtins();
  if (args.format == "json") {
    std::cout << PassesJson(registry);
  } else if (args.format == "markdown") {
    std::cout << PassesMarkdown(registry);
  } else {
    std::cout << PassesText(registry);
  }
  return kExitOk;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<PassesArgs>();
  CLI::App* cmd = app.add_subcommand(
      "passes", "List the passes `onnxkit rewrite --pass` can run, with their options");
  cmd->add_option("--format", args->format, "text, json, or markdown (the text of docs/passes.md)")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
});

}  // namespace
}  // namespace onnxkit::cli
