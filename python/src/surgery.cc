// Surgery (surgery.h) and edits (edit.h): each call is one `onnxkit` subcommand.
#include "onnxkit/surgery.h"

#include <fmt/format.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "handles.h"
#include "ir_convert.h"
#include "onnxkit/edit.h"

namespace nb = nanobind;

namespace onnxkit::python {
namespace {

nb::dict StatsToPython(const SurgeryStats& stats) {
  nb::dict dict;
  dict["nodes_removed"] = stats.nodes_removed;
  dict["initializers_removed"] = stats.initializers_removed;
  dict["functions_removed"] = stats.functions_removed;
  dict["typed_by_inference"] = nb::cast(stats.typed_by_inference);
  return dict;
}

// Every surgery call may free nodes and graphs: the model's Python objects are re-checked.
Model& Edited(PyModel& model) {
  model.handle->Invalidate();
  return model.handle->model();
}

RenameTarget ParseTarget(const std::string& text) {
  if (text == "auto") return RenameTarget::kAuto;
  if (text == "values") return RenameTarget::kValues;
  if (text == "nodes") return RenameTarget::kNodes;
  ThrowError(absl::StatusCode::kInvalidArgument,
             fmt::format("target is '{}'; it must be auto, values or nodes", text));
}

}  // namespace

void BindSurgery(nb::module_& m) {
  m.def(
      "extract",
      [](PyModel& model, std::vector<std::string> inputs, std::vector<std::string> outputs) {
        ExtractSpec spec{std::move(inputs), std::move(outputs)};
        return StatsToPython(ValueOrThrow(Extract(Edited(model), spec)));
      },
      nb::arg("model"), nb::arg("inputs"), nb::arg("outputs"),
      "Replaces the model by the sub-model computing `outputs` from `inputs` (tensor names).");
  m.def(
      "add_outputs",
      [](PyModel& model, const std::vector<std::string>& names) {
        return StatsToPython(ValueOrThrow(AddOutputs(Edited(model), names)));
      },
      nb::arg("model"), nb::arg("names"),
      "Appends the named tensors to the main graph's outputs, typed as declared or inferred.");
  m.def(
      "remove_outputs",
      [](PyModel& model, const std::vector<std::string>& names, bool prune) {
        RemoveOutputsOptions options;
        options.prune = prune;
        return StatsToPython(ValueOrThrow(RemoveOutputs(Edited(model), names, options)));
      },
      nb::arg("model"), nb::arg("names"), nb::arg("prune") = false,
      "Removes main-graph outputs; with prune, also what only they needed.");
  m.def(
      "_set_shapes",
      [](PyModel& model, const std::vector<std::string>& specs, bool reinfer,
         bool allow_conflicts) {
        std::vector<InputShape> shapes;
        for (const std::string& spec : specs) shapes.push_back(ValueOrThrow(ParseInputShape(spec)));
        SetShapeOptions options;
        options.reinfer = reinfer;
        options.allow_conflicts = allow_conflicts;
        std::vector<std::string> conflicts;
        ThrowIfError(SetInputShapes(Edited(model), shapes, options, &conflicts));
        return conflicts;
      },
      nb::arg("model"), nb::arg("specs"), nb::arg("reinfer") = true,
      nb::arg("allow_conflicts") = false);
  m.def(
      "_rename",
      [](PyModel& model, const std::vector<std::pair<std::string, std::string>>& renames,
         const std::string& target) {
        ThrowIfError(Rename(Edited(model), renames, ParseTarget(target)));
      },
      nb::arg("model"), nb::arg("renames"), nb::arg("target") = "auto");
  m.def(
      "_set_attr",
      [](PyModel& model, const std::string& node, const std::vector<std::string>& assignments) {
        std::vector<AttributeAssignment> parsed;
        for (const std::string& text : assignments) {
          parsed.push_back(ValueOrThrow(ParseAttributeAssignment(text)));
        }
        ThrowIfError(SetAttributes(Edited(model), node, parsed));
      },
      nb::arg("model"), nb::arg("node"), nb::arg("assignments"));
  m.def(
      "remove_node",
      [](PyModel& model, const std::string& node) {
        ThrowIfError(RemoveNode(Edited(model), node));
      },
      nb::arg("model"), nb::arg("node"),
      "Removes the one-input one-output node of that name, rewiring its readers to its input.");
  m.def(
      "replace_initializer",
      [](PyModel& model, const std::string& name, nb::handle array, bool force) {
        Tensor tensor = TensorFromPython(array);
        ReplaceInitializerOptions options;
        options.force = force;
        ThrowIfError(ReplaceInitializer(Edited(model), name, std::move(tensor), options));
      },
      nb::arg("model"), nb::arg("name"), nb::arg("array"), nb::arg("force") = false,
      "Gives the initializer `name` the data of `array` (same dtype and dims unless force).");
  m.def(
      "strip",
      [](PyModel& model, bool doc_strings, bool metadata, bool unused_value_info,
         bool all_value_info) {
        StripOptions options;
        options.doc_strings = doc_strings;
        options.metadata = metadata;
        options.unused_value_info = unused_value_info;
        options.all_value_info = all_value_info;
        StripReport report = Strip(Edited(model), options);
        nb::dict dict;
        dict["doc_strings"] = report.doc_strings;
        dict["metadata_props"] = report.metadata_props;
        dict["value_info"] = report.value_info;
        return dict;
      },
      nb::arg("model"), nb::arg("doc_strings") = true, nb::arg("metadata") = true,
      nb::arg("unused_value_info") = true, nb::arg("all_value_info") = false,
      "Removes doc strings, metadata and value_info entries; returns how many of each.");
}

}  // namespace onnxkit::python
