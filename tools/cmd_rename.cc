// onnxkit rename: rename values (tensors) or nodes, OLD=NEW arguments or a --map file (lines
// OLD=NEW, or a JSON object), every reference kept consistent.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "onnxkit/edit.h"
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct RenameArgs {
  SurgeryArgs edit;
  std::vector<std::string> pairs;
  std::string map_file;
  bool values = false;
  bool nodes = false;
};

StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("{}: cannot open the rename map", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(fmt::format("{}: cannot read the rename map", path));
  return text.str();
}

StatusOr<std::vector<NamePair>> PairsOf(const RenameArgs& args) {
  std::vector<NamePair> pairs;
  if (!args.map_file.empty()) {
    ONNXKIT_ASSIGN_OR_RETURN(std::string text, ReadText(args.map_file));
    ONNXKIT_ASSIGN_OR_RETURN(pairs, ParseRenameMap(text, args.map_file));
  }
  for (const std::string& text : args.pairs) {
    ONNXKIT_ASSIGN_OR_RETURN(NamePair pair, ParseRenamePair(text));
    pairs.push_back(std::move(pair));
  }
  if (pairs.empty()) return absl::InvalidArgumentError("nothing to rename: give OLD=NEW or --map");
  return pairs;
}

int Run(const CLI::App& cmd, const RenameArgs& args) {
  auto pairs = PairsOf(args);
  if (!pairs.ok()) return UsageError("rename", pairs.status());
  RenameTarget target = args.nodes    ? RenameTarget::kNodes
                        : args.values ? RenameTarget::kValues
                                      : RenameTarget::kAuto;
  return RunEdit("rename", cmd, args.edit,
                 [&](Model& model) { return Rename(model, *pairs, target); });
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RenameArgs>();
  CLI::App* cmd = app.add_subcommand(
      "rename", "Rename values (tensors) or nodes; every reference, in sub-graphs too, follows");
  AddSurgeryArgs(*cmd, args->edit);
  cmd->add_option("renames", args->pairs, "OLD=NEW, as many as needed (applied all at once)");
  cmd->add_option("--map", args->map_file,
                  "A file of renames: lines OLD=NEW ('#' starts a comment) or a JSON object "
                  "{\"old\": \"new\"}");
  auto* values = cmd->add_flag("--values", args->values, "Rename values (tensors) only");
  cmd->add_flag("--nodes", args->nodes, "Rename nodes only")->excludes(values);
  cmd->footer(
      "Without --values or --nodes each old name decides: a value or a node, whichever has "
      "it (both is an error). Function bodies are scopes of their own and keep their names.");
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
