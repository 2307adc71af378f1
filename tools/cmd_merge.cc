// onnxkit merge: two models as one, the second reading outputs of the first
// (onnxkit/merge.h's Merge).
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "onnxkit/escape.h"
#include "onnxkit/merge.h"
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct MergeArgs {
  SurgeryArgs io;  // io.input is the first model
  std::string second;
  std::vector<std::string> connections;
  MergeSpec spec;
};

int Run(const CLI::App& cmd, MergeArgs& args) {
  if (args.io.input == "-" && args.second == "-") {
    std::cerr << "onnxkit merge: error: only one of the two models can come from stdin ('-')\n";
    return kExitUsage;
  }
  for (const std::string& text : args.connections) {
    auto connection = ParseConnection(text);
    if (!connection.ok()) {
      std::cerr << fmt::format("onnxkit merge: error: {}\n",
                               EscapeForDisplay(StatusMessage(connection.status())));
      return kExitUsage;
    }
    args.spec.connections.push_back(*std::move(connection));
  }
  // SaveFile guards the first model's file; the second's is guarded here.
  std::error_code ec;
  if (args.second != "-" && !args.io.output.empty() && args.io.output != "-" &&
      cmd.count("--in-place") == 0 &&
      std::filesystem::equivalent(args.second, args.io.output, ec)) {
    std::cerr << fmt::format(
        "onnxkit merge: error: the output {} is the second model; give --in-place to replace "
        "it\n",
        EscapeForDisplay(args.io.output));
    return kExitUsage;
  }
  // Read first, so that an unreadable second model gets the exit code of an unreadable model.
  auto second = LoadModel(args.second);
  if (!second.ok()) return Report("merge", second.status());
  MergeStats stats;
  int code = RunEdit("merge", cmd, args.io, [&](Model& first) -> Status {
    ONNXKIT_ASSIGN_OR_RETURN(stats, Merge(first, **second, args.spec));
    return absl::OkStatus();
  });
  if (code == kExitOk && args.io.output != "-") {
    std::cerr << fmt::format(
        "onnxkit merge: {} node(s) of the first model, {} of the second, {} connection(s)\n",
        stats.nodes_from_a, stats.nodes_from_b, stats.connections);
  }
  return code;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Merge two models: the second's inputs read the first's outputs (--connect)");
  AddSurgeryArgs(*cmd, args->io);
  cmd->add_option("second", args->second, "The second model ('-' for stdin)")->required();
  cmd->add_option("--connect,-c", args->connections,
                  "OUTPUT:INPUT: the first model's output OUTPUT feeds the second model's input "
                  "INPUT (unprefixed names; repeated or comma-separated)")
      ->delimiter(',');
  cmd->add_option("--prefix-a", args->spec.prefix_a,
                  "Put this in front of every tensor, node and function name of the first model");
  cmd->add_option("--prefix-b", args->spec.prefix_b,
                  "Put this in front of every tensor, node and function name of the second "
                  "model");
  cmd->footer(
      "As onnx.compose.merge_models: inputs are the first model's and the second's unconnected "
      "ones; outputs the first model's unconnected ones and the second's. A name both models "
      "define is an error unless prefixes tell them apart; both models must import the same "
      "version of every domain they share (see convert-opset).");
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
