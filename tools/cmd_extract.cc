// onnxkit extract: the sub-model between given tensors (onnxkit/surgery.h's Extract).
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct ExtractArgs {
  SurgeryArgs io;
  ExtractSpec spec;
};

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ExtractArgs>();
  CLI::App* cmd = app.add_subcommand(
      "extract",
      "Cut out the sub-model that computes --outputs from --inputs (and the initializers)");
  AddSurgeryArgs(*cmd, args->io);
  cmd->add_option("--inputs", args->spec.inputs,
                  "The sub-model's inputs, in order: graph inputs or intermediate tensors "
                  "(comma-separated or repeated; none: everything from the initializers)")
      ->delimiter(',');
  cmd->add_option("--outputs", args->spec.outputs,
                  "The sub-model's outputs, in order (comma-separated or repeated)")
      ->delimiter(',')
      ->required();
  cmd->footer(
      "Nodes the outputs do not need, and unused initializers and functions, are dropped "
      "without reading their weights. New inputs and outputs get their declared or inferred "
      "types.");
  cmd->callback([cmd, args, exit_code] {
    *exit_code = RunSurgery("extract", *cmd, args->io,
                            [&](Model& model) { return Extract(model, args->spec); });
  });
});

}  // namespace
}  // namespace onnxkit::cli
