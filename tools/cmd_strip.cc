// onnxkit strip: remove doc strings, metadata and stale value_info entries.
#include <fmt/format.h>

#include <iostream>

#include "onnxkit/edit.h"
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct StripArgs {
  SurgeryArgs edit;
  bool doc_strings = false;
  bool metadata = false;
  bool value_info = false;
  bool all_value_info = false;
};

int Run(const CLI::App& cmd, const StripArgs& args) {
  StripOptions options;
  // No selection strips all three.
  const bool any = args.doc_strings || args.metadata || args.value_info || args.all_value_info;
  options.doc_strings = !any || args.doc_strings;
  options.metadata = !any || args.metadata;
  options.unused_value_info = !any || args.value_info;
  options.all_value_info = args.all_value_info;
  StripReport report;
  int code = RunEdit("strip", cmd, args.edit, [&](Model& model) {
    report = Strip(model, options);
    return absl::OkStatus();
  });
  if (code == kExitOk) {
    std::cerr << fmt::format(
        "onnxkit strip: removed {} doc strings, {} metadata entries, {} value_info entries\n",
        report.doc_strings, report.metadata_props, report.value_info);
  }
  return code;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<StripArgs>();
  CLI::App* cmd =
      app.add_subcommand("strip", "Remove doc strings, metadata and stale value_info entries");
  AddSurgeryArgs(*cmd, args->edit);
  cmd->add_flag("--doc-strings", args->doc_strings,
                "Remove doc strings (of the model, graphs, nodes, values, tensors, functions)");
  cmd->add_flag("--metadata", args->metadata,
                "Remove metadata_props (of the model, graphs, nodes, values, tensors, "
                "functions)");
  cmd->add_flag("--value-info", args->value_info,
                "Remove value_info entries of values that nothing defines, or that no node reads "
                "and no graph returns");
  cmd->add_flag("--all-value-info", args->all_value_info,
                "Remove every value_info entry (intermediate types can be inferred again)");
  cmd->footer("Without a selection, --doc-strings, --metadata and --value-info all apply.");
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
