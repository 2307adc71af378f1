// onnxkit convert-opset: the model at another default-domain opset version, through ONNX's
// version converter (onnxkit/convert_opset.h's ConvertOpset).
#include <fmt/format.h>

#include <iostream>
#include <optional>

#include "onnxkit/convert_opset.h"
#include "surgery_command.h"

namespace onnxkit::cli {
namespace {

struct ConvertOpsetArgs {
  SurgeryArgs io;
  std::optional<int64_t> version;
  std::optional<int64_t> to;
};

int Run(const CLI::App& cmd, const ConvertOpsetArgs& args) {
  if (args.version.has_value() == args.to.has_value()) {
    std::cerr << "onnxkit convert-opset: error: give the target opset once: as the argument "
                 "after the model or as --to\n";
    return kExitUsage;
  }
  const int64_t target = args.version ? *args.version : *args.to;
  std::optional<int64_t> from;
  int code = RunEdit("convert-opset", cmd, args.io, [&](Model& model) {
    from = model.OpsetVersion("");
    return ConvertOpset(model, target);
  });
  if (code == kExitOk && args.io.output != "-" && from) {
    std::cerr << fmt::format("onnxkit convert-opset: default-domain opset {} -> {}\n", *from,
                             target);
  }
  return code;
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ConvertOpsetArgs>();
  CLI::App* cmd =
      app.add_subcommand("convert-opset",
                         "Convert the model to another default-domain opset version (ONNX's "
                         "version converter)");
  AddSurgeryArgs(*cmd, args->io);
  cmd->add_option("version", args->version, "The target opset version (or --to)");
  cmd->add_option("--to", args->to, "The target opset version");
  cmd->footer(
      "Every node of the default domain is checked against the converter's adapters before "
      "each one-version step; a node whose operator changed at a step without an adapter is "
      "an error naming the node (exit 1). Other domains, function bodies and weights of 1 MiB "
      "and more are left as they are. Converting to the model's own version changes nothing.");
  cmd->callback([cmd, args, exit_code] { *exit_code = Run(*cmd, *args); });
});

}  // namespace
}  // namespace onnxkit::cli
