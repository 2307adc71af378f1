// onnxkit dump: a Netron-like view of a model as text, JSON or a Graphviz picture (see
// include/onnxkit/dump.h).
#include <fmt/format.h>

#include <iostream>
#include <new>

#include "cli_common.h"
#include "onnxkit/dump.h"

namespace onnxkit::cli {
namespace {

struct DumpArgs {
  std::string input;
  bool infer = false;
  std::string format = "text";
  std::string initializers = "summary";
  std::vector<std::string> nodes;
  std::vector<std::string> ops;
  int depth = -1;
  uint64_t stats_limit = DumpOptions().stats_limit;
  int context = DumpOptions().context;
  size_t max_nodes = DumpOptions().max_nodes;
};

DumpOptions::Initializers InitializersMode(const std::string& name) {
  if (name == "none") return DumpOptions::Initializers::kNone;
  if (name == "full") return DumpOptions::Initializers::kFull;
  return DumpOptions::Initializers::kSummary;
}

int Dump(const DumpArgs& args) {
  auto model = LoadModel(args.input);
  if (!model.ok()) return Report("dump", model.status());
  if (args.infer) InferForDisplay("dump", **model, args.input);
  DumpOptions options;
  options.initializers = InitializersMode(args.initializers);
  options.node_names = args.nodes;
  options.op_types = args.ops;
  options.max_depth = args.depth;
  options.stats_limit = args.stats_limit;
  options.context = args.context;
  options.max_nodes = args.max_nodes;
  // Streamed: the output is written while the model is walked, never held whole.
  Status written = args.format == "json"  ? DumpJson(**model, options, std::cout)
                   : args.format == "dot" ? DumpDot(**model, options, std::cout)
                                          : DumpText(**model, options, std::cout);
  if (!written.ok()) return Report("dump", absl::UnavailableError("cannot write standard output"));
  KeepUntilExit(std::move(*model));
  return kExitOk;
}

int Run(const DumpArgs& args) {
  try {
    return Dump(args);
  } catch (const std::bad_alloc&) {
    // Under a memory limit (ulimit -v, a container's cap), say so instead of aborting.
    std::cout.flush();
    return Report("dump", absl::InternalError(fmt::format(
                              "{}: out of memory (the model needs more memory than is available)",
                              args.input)));
  }
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DumpArgs>();
  CLI::App* cmd = app.add_subcommand("dump",
                                     "Show a model: properties, inputs, outputs, nodes, "
                                     "initializers, functions (as text, JSON or DOT)");
  cmd->add_option("model", args->input, "Model file ('-' for stdin)")->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "dot"}))
      ->capture_default_str();
  cmd->add_option("--initializers", args->initializers,
                  "none: counts only; summary: a few values and statistics; full: every value")
      ->check(CLI::IsMember({"none", "summary", "full"}))
      ->capture_default_str();
  AddLoadFlags(*cmd);
  cmd->add_option("--node", args->nodes, "Only nodes with this name (repeatable)");
  cmd->add_option("--op", args->ops, "Only nodes of this op type (repeatable)");
  cmd->add_option("--depth", args->depth, "Levels of sub-graphs to expand (0: none; default: all)")
      ->check(CLI::NonNegativeNumber);
  AddPictureFlags(*cmd, &args->context, &args->max_nodes);
  AddInferFlag(*cmd, &args->infer);
  cmd->add_option("--stats-limit", args->stats_limit,
                  "Largest tensor whose statistics a summary computes (e.g. 16MiB)")
      ->transform(CLI::AsSizeValue(false))
      ->default_str("16MiB");
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
});

}  // namespace
}  // namespace onnxkit::cli
