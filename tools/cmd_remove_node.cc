// onnxkit remove-node: take out a node that reads one value and produces one; its readers
// read its input instead.
#include "onnxkit/edit.h"
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct RemoveNodeArgs {
  SurgeryArgs edit;
  std::string node;
};

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RemoveNodeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "remove-node",
      "Take out a node that reads one value and produces one; its readers read its input");
  AddSurgeryArgs(*cmd, args->edit);
  cmd->add_option("node", args->node, "The node's name")->required();
  cmd->footer(
      "When the node's output is a graph output, its input takes the output's name; that is "
      "refused when the input is a graph input, an initializer, another graph output or a "
      "value of an enclosing graph.");
  cmd->callback([cmd, args, exit_code] {
    *exit_code = RunEdit("remove-node", *cmd, args->edit,
                         [&](Model& model) { return RemoveNode(model, args->node); });
  });
});

}  // namespace
}  // namespace onnxkit::cli
