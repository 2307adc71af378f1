// onnxkit remove-output: stop returning outputs (onnxkit/surgery.h's RemoveOutputs).
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct RemoveOutputArgs {
  SurgeryArgs io;
  std::vector<std::string> names;
  RemoveOutputsOptions options;
};

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RemoveOutputArgs>();
  CLI::App* cmd = app.add_subcommand("remove-output", "Stop returning outputs of the model");
  AddSurgeryArgs(*cmd, args->io);
  cmd->add_option("name", args->names, "Outputs to remove")->required();
  cmd->add_flag("--prune", args->options.prune,
                "Also remove the nodes, initializers and functions only those outputs needed "
                "(without it the nodes stay; `rewrite --pass eliminate-dead-code` removes all "
                "dead code)");
  cmd->callback([cmd, args, exit_code] {
    *exit_code = RunSurgery("remove-output", *cmd, args->io, [&](Model& model) {
      return RemoveOutputs(model, args->names, args->options);
    });
  });
});

}  // namespace
}  // namespace onnxkit::cli
