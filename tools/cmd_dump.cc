// onnxkit dump: a Netron-like view of a model as text or JSON (see include/onnxkit/dump.h).
#include <fmt/format.h>

#include <iostream>

#include "cli_common.h"
#include "onnxkit/dump.h"

namespace onnxkit::cli {
namespace {

struct DumpArgs {
  std::string input;
  std::string format = "text";
  std::string initializers = "summary";
  std::vector<std::string> nodes;
  std::vector<std::string> ops;
  int depth = -1;
  uint64_t stats_limit = DumpOptions().stats_limit;
};

DumpOptions::Initializers InitializersMode(const std::string& name) {
  if (name == "none") return DumpOptions::Initializers::kNone;
  if (name == "full") return DumpOptions::Initializers::kFull;
  return DumpOptions::Initializers::kSummary;
}

int Run(const DumpArgs& args) {
  auto model = LoadModel(args.input);
  if (!model.ok()) return Report("dump", model.status());
  DumpOptions options;
  options.initializers = InitializersMode(args.initializers);
  options.node_names = args.nodes;
  options.op_types = args.ops;
  options.max_depth = args.depth;
  options.stats_limit = args.stats_limit;
  std::string out = args.format == "json" ? DumpJson(**model, options) : DumpText(**model, options);
  std::cout << out << std::flush;
  if (!std::cout) return Report("dump", absl::UnavailableError("cannot write standard output"));
  return kExitOk;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DumpArgs>();
  CLI::App* cmd = app.add_subcommand(
      "dump", "Show a model: properties, inputs, outputs, nodes, initializers, functions");
  cmd->add_option("model", args->input, "Model file ('-' for stdin)")->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--initializers", args->initializers,
                  "none: counts only; summary: a few values and statistics; full: every value")
      ->check(CLI::IsMember({"none", "summary", "full"}))
      ->capture_default_str();
  cmd->add_option("--node", args->nodes, "Only nodes with this name (repeatable)");
  cmd->add_option("--op", args->ops, "Only nodes of this op type (repeatable)");
  cmd->add_option("--depth", args->depth, "Levels of sub-graphs to expand (0: none; default: all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--stats-limit", args->stats_limit,
                  "Largest tensor whose statistics a summary computes (e.g. 16MiB)")
      ->transform(CLI::AsSizeValue(false))
      ->default_str("16MiB");
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
});

}  // namespace
}  // namespace onnxkit::cli
