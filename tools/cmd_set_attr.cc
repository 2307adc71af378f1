// onnxkit set-attr: set attributes of one node (NAME=VALUE typed by the op's schema, or
// NAME:TYPE=VALUE).
#include "onnxkit/edit.h"
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct SetAttrArgs {
  SurgeryArgs edit;
  std::string node;
  std::vector<std::string> assignments;
};

int Run(const CLI::App& cmd, const SetAttrArgs& args) {
  std::vector<AttributeAssignment> assignments;
  for (const std::string& text : args.assignments) {
    auto assignment = ParseAttributeAssignment(text);
    if (!assignment.ok()) return UsageError("set-attr", assignment.status());
    assignments.push_back(*std::move(assignment));
  }
  return RunEdit("set-attr", cmd, args.edit,
                 [&](Model& model) { return SetAttributes(model, args.node, assignments); });
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SetAttrArgs>();
  CLI::App* cmd = app.add_subcommand("set-attr", "Set attributes of one node");
  AddSurgeryArgs(*cmd, args->edit);
  cmd->add_option("node", args->node, "The node's name")->required();
  cmd->add_option("attributes", args->assignments,
                  "NAME=VALUE (typed by the op's schema) or NAME:TYPE=VALUE with TYPE one of "
                  "int, float, string, ints, floats, strings; lists are comma-separated "
                  "(e.g. alpha=0.2 perm=0,2,1 axes:ints=[])")
      ->required();
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
