#include "support/ort_oracle.h"

#include <fmt/format.h>

#include <memory>

#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "passes/pass_table.h"
#include "support/test_support.h"

namespace onnxkit::testing {

namespace fs = std::filesystem;

OrtOracleOptions BothBranches() {
  OrtOracleOptions options;
  options.runs = 4;
  return options;
}

OrtVerdict CompareUnderOrt(const fs::path& original, const std::vector<fs::path>& rewritten,
                           const OrtOracleOptions& options) {
  std::vector<std::string> args = {ONNXKIT_ORT_ORACLE,
                                   "--seed",
                                   std::to_string(options.seed),
                                   "--runs",
                                   std::to_string(options.runs),
                                   "--rtol",
                                   fmt::format("{}", options.rtol),
                                   "--atol",
                                   fmt::format("{}", options.atol),
                                   "--dim-size",
                                   std::to_string(options.dim_size)};
  for (const auto& [name, size] : options.dims) {
    args.push_back("--dim");
    args.push_back(fmt::format("{}={}", name, size));
  }
  for (const auto& [name, values] : options.inputs) {
    args.push_back("--input");
    args.push_back(fmt::format("{}={}", name, values));
  }
  args.push_back(original.string());
  for (const fs::path& p : rewritten) args.push_back(p.string());
  CliResult run = RunProgram(ONNXKIT_PYTHON, args);
  OrtVerdict verdict;
  verdict.report = run.out + run.err;
  switch (run.exit_code) {
    case 0: verdict.kind = OrtVerdict::Kind::kMatch; break;
    case 1: verdict.kind = OrtVerdict::Kind::kMismatch; break;
    case 77: verdict.kind = OrtVerdict::Kind::kSkipped; break;
    default:
      verdict.kind = OrtVerdict::Kind::kError;
      verdict.report = fmt::format(
          "the oracle exited with {} (is onnxruntime installed? "
          "scripts/setup.sh):\n{}",
          run.exit_code, verdict.report);
  }
  return verdict;
}

StatusOr<std::vector<PassResult>> RunBuiltinPasses(Model& model,
                                                   const std::vector<std::string>& pipeline) {
  std::vector<PassResult> results;
  for (const std::string& text : pipeline) {
    ONNXKIT_ASSIGN_OR_RETURN(Pipeline parsed, Pipeline::Parse(text));
    if (parsed.steps.size() != 1) {
      return absl::InvalidArgumentError(fmt::format("'{}' is not one pipeline step", text));
    }
    const PipelineStep& step = parsed.steps.front();
    const std::string& name = step.pass;
    const PassInfo* info = nullptr;
    for (const PassInfo& i : passes::BuiltinPassTable()) {
      if (i.name == name) info = &i;
    }
    if (!info) return absl::NotFoundError(fmt::format("no built-in pass '{}'", name));
    ONNXKIT_ASSIGN_OR_RETURN(PassOptions options, PassOptions::Make(info->options, step.options));
    ONNXKIT_ASSIGN_OR_RETURN(std::unique_ptr<Pass> pass, info->create(options));
    PassContext context;
    StatusOr<PassResult> result = pass->Run(model, context);
    if (!result.ok()) {
      return absl::Status(result.status().code(),
                          fmt::format("{}: {}", name, std::string(result.status().message())));
    }
    results.push_back(*std::move(result));
  }
  return results;
}

std::string ModelProblems(const Model& model) {
  std::string out;
  auto verify = [&](const Graph* g, std::string_view what) {
    if (!g) return;
    Status s = g->Verify();
    if (!s.ok()) out += fmt::format("{}: {}\n", what, std::string(s.message()));
  };
  verify(model.graph.get(), "main");
  for (const auto& fn : model.functions) verify(fn->body.get(), "fn:" + fn->name);
  for (const TrainingInfo& t : model.training_info) {
    verify(t.initialization.get(), "training initialization");
    verify(t.algorithm.get(), "training algorithm");
  }
  for (const Diagnostic& d : Check(model).items) {
    if (d.severity == Severity::kError) out += FormatDiagnostic(d, "model", false) + "\n";
  }
  return out;
}

OrtVerdict RewriteAndCompareUnderOrt(const fs::path& model_path,
                                     const std::vector<std::string>& pipeline,
                                     const OrtOracleOptions& options) {
  auto error = [](std::string what) { return OrtVerdict{OrtVerdict::Kind::kError, what}; };
  StatusOr<std::unique_ptr<Model>> model = LoadFile(model_path.string());
  if (!model.ok()) return error(fmt::format("load: {}", model.status().ToString()));
  StatusOr<std::vector<PassResult>> ran = RunBuiltinPasses(**model, pipeline);
  if (!ran.ok()) return error(ran.status().ToString());
  if (std::string problems = ModelProblems(**model); !problems.empty()) {
    return error("the rewritten model has problems:\n" + problems);
  }
  TempDir dir;
  fs::path out = dir / "rewritten.onnx";
  SaveOptions save;
  save.external_data = SaveOptions::ExternalData::kExternal;
  if (Status s = SaveFile(**model, out.string(), save); !s.ok()) {
    return error(fmt::format("save: {}", s.ToString()));
  }
  return CompareUnderOrt(model_path, {out}, options);
}

}  // namespace onnxkit::testing
