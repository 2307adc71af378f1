// onnxkit replace-initializer: new data for an initializer, from a .npy or TensorProto (.pb)
// file.
#include <fmt/format.h>

#include "onnxkit/edit.h"
#include "onnxkit/io.h"
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct ReplaceInitializerArgs {
  SurgeryArgs edit;
  std::string name;
  std::string tensor_file;
  bool force = false;
};

int Run(const CLI::App& cmd, const ReplaceInitializerArgs& args) {
  // Read before the model, so that a bad tensor file costs nothing.
  auto tensor = LoadTensorFile(args.tensor_file);
  if (!tensor.ok()) return UsageError("replace-initializer", tensor.status());
  ReplaceInitializerOptions options;
  options.force = args.force;
  return RunEdit("replace-initializer", cmd, args.edit, [&](Model& model) {
    return ReplaceInitializer(model, args.name, *std::move(tensor), options);
  });
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReplaceInitializerArgs>();
  CLI::App* cmd = app.add_subcommand(
      "replace-initializer", "Give an initializer new data from a .npy or TensorProto file");
  AddSurgeryArgs(*cmd, args->edit);
  cmd->add_option("name", args->name, "The initializer's name")->required();
  cmd->add_option("tensor", args->tensor_file,
                  "The new data: a NumPy .npy file or a serialized TensorProto (.pb)")
      ->required();
  cmd->add_flag("--force", args->force,
                "Accept an element type or dims other than the old tensor's (the declared type "
                "follows; types inferred downstream are not refreshed)");
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
