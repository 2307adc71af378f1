// onnxkit diff: what differs between two models (onnxkit/diff.h's Diff), for reviewing a
// rewrite. Exit codes as diff(1) has them: 0 equal, 1 different, 2 trouble (usage, a model
// that cannot be read).
#include <iostream>

#include "cli_common.h"
#include "onnxkit/diff.h"

namespace onnxkit::cli {
namespace {

struct DiffArgs {
  std::string a;
  std::string b;
  std::string format = "text";
  bool no_tensor_contents = false;
};

// A model for diff: any failure to read one is trouble (2), never "different" (1).
StatusOr<std::unique_ptr<Model>> LoadSide(const std::string& path) {
  auto model = LoadModel(path);
  if (model.ok()) return model;
  return absl::UnavailableError(std::string(model.status().message()));
}

int Run(const DiffArgs& args) {
  if (args.a == "-" && args.b == "-") {
    Report("diff", absl::InvalidArgumentError("only one of the two models can be '-' (stdin)"));
    return kExitUsage;
  }
  auto a = LoadSide(args.a);
  if (!a.ok()) return Report("diff", a.status());
  auto b = LoadSide(args.b);
  if (!b.ok()) return Report("diff", b.status());
  DiffOptions options;
  options.tensor_contents = !args.no_tensor_contents;
  auto diff = Diff(**a, **b, options);
  if (!diff.ok()) {
    Report("diff", diff.status());
    return kExitUsage;
  }
  std::cout << (args.format == "json" ? DiffJson(*diff, args.a, args.b)
                                      : DiffText(*diff, args.a, args.b))
            << std::flush;
  if (!std::cout) return Report("diff", absl::UnavailableError("cannot write standard output"));
  return diff->equal() ? kExitOk : kExitModelProblem;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* cmd = app.add_subcommand(
      "diff",
      "Show what differs between two models: fields, inputs and outputs, initializers, nodes");
  cmd->add_option("a", args->a, "The first model ('-' for stdin)")->required();
  cmd->add_option("b", args->b, "The second model ('-' for stdin)")->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_flag("--no-tensor-contents", args->no_tensor_contents,
                "Compare initializers and tensor attributes by type and dims only (reads no "
                "tensor data)");
  AddLoadFlags(*cmd);
  cmd->footer(
      "Nodes are paired by name, then by op and inputs, then by op and outputs. Exit code: 0 "
      "equal, 1 different, 2 usage error or a model that cannot be read.");
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
});

}  // namespace
}  // namespace onnxkit::cli
