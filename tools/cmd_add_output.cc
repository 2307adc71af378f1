// onnxkit add-output: make tensors graph outputs (onnxkit/surgery.h's AddOutputs).
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct AddOutputArgs {
  SurgeryArgs io;
  std::vector<std::string> tensors;
};

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<AddOutputArgs>();
  CLI::App* cmd = app.add_subcommand(
      "add-output", "Make tensors (any intermediate tensor) outputs, with their inferred types");
  AddSurgeryArgs(*cmd, args->io);
  cmd->add_option("tensor", args->tensors, "Tensors of the main graph to return, in order")
      ->required();
  cmd->callback([cmd, args, exit_code] {
    *exit_code = RunSurgery("add-output", *cmd, args->io,
                            [&](Model& model) { return AddOutputs(model, args->tensors); });
  });
});

}  // namespace
}  // namespace onnxkit::cli
