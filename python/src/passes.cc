// Passes: pipelines as text, the registry, what a run reports, and simplify's pipeline.
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "handles.h"
#include "onnxkit/edit.h"
#include "onnxkit/pass.h"
#include "onnxkit/simplify.h"

namespace nb = nanobind;

namespace onnxkit::python {
namespace {

const PassRegistry& Registry() {
  static const PassRegistry registry = PassRegistry::Builtins();
  return registry;
}

nb::dict ReportToPython(const PipelineReport& report) {
  nb::list runs;
  for (const PassRun& run : report.runs) {
    nb::dict stats;
    for (const auto& [name, count] : run.result.stats) stats[name.c_str()] = count;
    nb::list skipped;
    for (const SkippedCandidate& s : run.result.skipped) {
      skipped.append(nb::make_tuple(s.where, s.reason));
    }
    nb::dict entry;
    entry["pass"] = run.pass;
    entry["round"] = run.round;
    entry["changed"] = run.result.changed;
    entry["stats"] = stats;
    entry["skipped"] = skipped;
    entry["seconds"] = run.seconds;
    runs.append(entry);
  }
  nb::dict result;
  result["runs"] = runs;
  result["rounds"] = report.rounds;
  result["changed"] = report.changed;
  result["reached_fixed_point"] = report.reached_fixed_point;
  return result;
}

nb::list PassesToPython() {
  nb::list list;
  for (const PassInfo& info : Registry().passes()) {
    nb::list options;
    for (const PassOptionSpec& spec : info.options) {
      nb::dict option;
      option["name"] = std::string(spec.name);
      option["kind"] = std::string(PassOptionKindName(spec.kind));
      option["default"] = std::string(spec.default_value);
      option["summary"] = std::string(spec.summary);
      options.append(option);
    }
    nb::dict entry;
    entry["name"] = std::string(info.name);
    entry["summary"] = std::string(info.summary);
    entry["options"] = options;
    list.append(entry);
  }
  return list;
}

}  // namespace

void BindPasses(nb::module_& m) {
  m.def(
      "_run_pipeline",
      [](PyModel& model, const std::string& text, int max_rounds, bool verify_each, bool explain) {
        Pipeline pipeline = ValueOrThrow(Pipeline::Parse(text));
        PassManagerOptions options;
        options.max_rounds = max_rounds;
        options.verify_each = verify_each;
        options.explain = explain;
        PassManager manager = ValueOrThrow(PassManager::Make(Registry(), pipeline, options));
        // Passes remove nodes and sub-graphs: Python objects of them must not be used.
        model.handle->Invalidate();
        return ReportToPython(ValueOrThrow(manager.Run(model.handle->model())));
      },
      nb::arg("model"), nb::arg("pipeline"), nb::arg("max_rounds") = 1,
      nb::arg("verify_each") = false, nb::arg("explain") = false);
  m.def(
      "_simplify",
      [](PyModel& model, const std::vector<std::string>& shapes, std::vector<std::string> skip,
         uint64_t max_size, bool subgraphs, int max_rounds, bool verify_each, bool explain) {
        SimplifyOptions options;
        for (const std::string& spec : shapes) {
          options.input_shapes.push_back(ValueOrThrow(ParseInputShape(spec)));
        }
        options.skip = std::move(skip);
        options.max_size = max_size;
        options.subgraphs = subgraphs;
        if (max_rounds < 1) {
          ThrowError(absl::StatusCode::kInvalidArgument, "max_rounds needs at least 1");
        }
        options.max_rounds = max_rounds;
        options.verify_each = verify_each;
        options.explain = explain;
        // A misspelt skip is an error before anything changes.
        ThrowIfError(SimplifyStages(options).status());
        model.handle->Invalidate();
        SimplifyReport report = ValueOrThrow(Simplify(model.handle->model(), options, Registry()));
        nb::list stages;
        for (const auto& [stage, run] : report.stages) {
          nb::dict entry = ReportToPython(run);
          entry["stage"] = stage.name;
          stages.append(entry);
        }
        return stages;
      },
      nb::arg("model"), nb::arg("shapes"), nb::arg("skip"), nb::arg("max_size"),
      nb::arg("subgraphs"), nb::arg("max_rounds"), nb::arg("verify_each"), nb::arg("explain"));
  m.def(
      "_pipeline_step",
      [](const std::string& pass, std::vector<std::pair<std::string, std::string>> options) {
        return PipelineStep{pass, std::move(options)}.Print();
      },
      nb::arg("pass"), nb::arg("options"));
  m.def("passes", &PassesToPython,
        "The built-in passes: dicts with name, summary and options (name, kind, default, "
        "summary).");
  m.def(
      "describe_pass",
      [](const std::string& name) {
        const PassInfo* info = Registry().Find(name);
        if (info == nullptr) {
          ThrowError(absl::StatusCode::kNotFound, "no pass named '" + name + "'");
        }
        return DescribePass(*info);
      },
      nb::arg("name"));
}

}  // namespace onnxkit::python
