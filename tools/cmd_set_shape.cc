// onnxkit set-shape: fix or free the dims of graph inputs (NAME:1,3,224,224, NAME:N,3,H,W,
// '?' for unknown), then infer the intermediate and output types again.
#include <fmt/format.h>

#include <iostream>

#include "onnxkit/edit.h"
#include "onnxkit/escape.h"
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct SetShapeArgs {
  SurgeryArgs edit;
  std::vector<std::string> shapes;
  bool no_infer = false;
  bool allow_conflicts = false;
};

int Run(const CLI::App& cmd, const SetShapeArgs& args) {
  std::vector<InputShape> shapes;
  for (const std::string& text : args.shapes) {
    auto shape = ParseInputShape(text);
    if (!shape.ok()) return UsageError("set-shape", shape.status());
    shapes.push_back(*std::move(shape));
  }
  SetShapeOptions options;
  options.reinfer = !args.no_infer;
  options.allow_conflicts = args.allow_conflicts;
  std::vector<std::string> conflicts;
  int code = RunEdit("set-shape", cmd, args.edit, [&](Model& model) {
    return SetInputShapes(model, shapes, options, &conflicts);
  });
  for (const std::string& conflict : conflicts) {
    std::cerr << fmt::format("onnxkit set-shape: warning: {}\n", EscapeForDisplay(conflict));
  }
  return code;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SetShapeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "set-shape", "Fix or free the dims of graph inputs, then infer the types again");
  AddSurgeryArgs(*cmd, args->edit);
  cmd->add_option("shapes", args->shapes,
                  "NAME:DIM,DIM,… per input: a number fixes a dim, an identifier makes it "
                  "symbolic, '?' unknown (e.g. input:1,3,224,224 or input:N,3,H,W)")
      ->required();
  cmd->add_flag("--no-infer", args->no_infer,
                "Only change the input declarations; leave the other types as they are");
  cmd->add_flag("--allow-conflicts", args->allow_conflicts,
                "Write the model even when inference finds that the new shapes conflict with "
                "it (each conflict printed as a warning)");
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
