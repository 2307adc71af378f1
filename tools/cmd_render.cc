// onnxkit render: a picture of a model laid out by Graphviz, or an interactive page around
// it (see RenderGraph and RenderHtml in include/onnxkit/dump.h). The format follows the
// output's extension.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli_common.h"
#include "onnxkit/dump.h"
#include "onnxkit/io.h"
#include "terminal_progress.h"

namespace onnxkit::cli {
namespace {

struct RenderArgs {
  std::string input;
  bool infer = false;
  std::string output;
  std::string format;
  std::vector<std::string> nodes;
  std::vector<std::string> ops;
  int depth = -1;
  int context = DumpOptions().context;
  size_t max_nodes = DumpOptions().max_nodes;
};

// The picture format: --format, else the output's extension; svg for standard output.
StatusOr<std::string> PictureFormat(const RenderArgs& args) {
  if (!args.format.empty()) return args.format;
  if (args.output == "-") return std::string("svg");
  std::string ext = std::filesystem::path(args.output).extension().string();
  if (ext == ".svg" || ext == ".png" || ext == ".pdf" || ext == ".dot" || ext == ".html") {
    return ext.substr(1);
  }
  return absl::FailedPreconditionError(
      fmt::format("{}: cannot tell the picture format from the name (.svg, .png, .pdf, .html or "
                  ".dot; or --format)",
                  args.output));
}

int Render(const RenderArgs& args) {
  auto format = PictureFormat(args);
  if (!format.ok()) return Report("render", format.status());
  auto model = LoadModel(args.input);
  if (!model.ok()) return Report("render", model.status());
  if (args.infer) InferForDisplay("render", **model, args.input);
  DumpOptions options;
  options.node_names = args.nodes;
  options.op_types = args.ops;
  options.max_depth = args.depth;
  options.context = args.context;
  options.max_nodes = args.max_nodes;
  options.progress = CliProgress();
  StatusOr<std::string> picture = *format == "dot"
                                      ? StatusOr<std::string>(DumpDot(**model, options))
                                  : *format == "html" ? RenderHtml(**model, options)
                                                      : RenderGraph(**model, options, *format);
  if (!picture.ok()) return Report("render", picture.status());
  if (args.output == "-") {
    std::cout << *picture << std::flush;
    if (!std::cout) return Report("render", absl::UnavailableError("cannot write standard output"));
    return kExitOk;
  }
  if (Status written = WriteFileAtomically(args.output, *picture); !written.ok()) {
    return Report("render", written);
  }
  return kExitOk;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RenderArgs>();
  CLI::App* cmd = app.add_subcommand(
      "render",
      "Draw a model with Graphviz: SVG, PNG, PDF, an interactive HTML page (or the DOT text) by "
      "the -o name");
  cmd->add_option("model", args->input, "Model file ('-' for stdin)")->required();
  cmd->add_option("-o,--output", args->output, "Picture file ('-' for stdout: SVG)")->required();
  cmd->add_option("--format", args->format, "Picture format, instead of the extension's")
      ->check(CLI::IsMember({"svg", "png", "pdf", "html", "dot"}));
  AddLoadFlags(*cmd);
  cmd->add_option("--node", args->nodes, "Draw around the nodes with this name (repeatable)");
  cmd->add_option("--op", args->ops, "Draw around the nodes of this op type (repeatable)");
  cmd->add_option("--depth", args->depth, "Levels of sub-graphs to expand (0: none; default: all)")
      ->check(CLI::NonNegativeNumber);
  AddPictureFlags(*cmd, &args->context, &args->max_nodes);
  AddInferFlag(*cmd, &args->infer);
  AddProgressFlag(*cmd);
  cmd->callback([args, exit_code] { *exit_code = Render(*args); });
});

}  // namespace
}  // namespace onnxkit::cli
