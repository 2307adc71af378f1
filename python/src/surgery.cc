// Surgery (surgery.h, merge.h, convert_opset.h), edits (edit.h) and diff (diff.h): each
// call is one `onnxkit` subcommand.
#include "onnxkit/surgery.h"

#include <fmt/format.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "handles.h"
#include "ir_convert.h"
#include "onnxkit/convert_opset.h"
#include "onnxkit/diff.h"
#include "onnxkit/edit.h"
#include "onnxkit/io.h"
#include "onnxkit/merge.h"

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

// Merge consumes its second model (renames it in place, moves its functions). Python's `b`
// stays the caller's, usable and unchanged: Merge gets a copy made by serializing `b`. Its
// external-data references are kept and resolved again against b's folder (the check opens
// the files; it reads no weights): an unresolved reference could not be read later.
std::unique_ptr<Model> CopyForMerge(Model& b) {
  LoadOptions options;
  options.base_dir = b.base_dir;
  std::string bytes = ValueOrThrow(SaveBytes(b));
  std::unique_ptr<Model> copy = ValueOrThrow(LoadBytes(bytes, options));
  copy->base_dir = b.base_dir;
  return copy;
}

void BindDiff(nb::module_& m) {
  nb::class_<DiffEntry>(m, "DiffEntry", "One difference between two models (diff.h).")
      .def_prop_ro(
          "kind", [](const DiffEntry& e) { return std::string(DiffKindName(e.kind)); },
          "'added', 'removed' or 'changed'.")
      .def_ro("graph", &DiffEntry::graph,
              "'' for the model's own fields, 'main', a sub-graph path or 'fn:Name'.")
      .def_prop_ro(
          "path", [](const DiffEntry& e) { return e.graph; }, "The same as `graph`.")
      .def_ro("element", &DiffEntry::element, "'node', 'initializer', 'input', 'opset', ...")
      .def_ro("name", &DiffEntry::name)
      .def_ro("op", &DiffEntry::op, "For nodes: 'Conv' or 'domain.Op'.")
      .def_ro("field", &DiffEntry::field, "What of a changed element differs ('' for all).")
      .def_ro("before", &DiffEntry::before)
      .def_ro("after", &DiffEntry::after)
      .def("__repr__", [](const DiffEntry& e) {
        return fmt::format("<onnxkit.DiffEntry {} {} {} '{}'{}>", DiffKindName(e.kind),
                           e.graph.empty() ? "model" : e.graph, e.element, e.name,
                           e.field.empty() ? "" : fmt::format(" {}", e.field));
      });
  nb::class_<ModelDiff>(m, "ModelDiff", "What differs between two models (onnxkit.diff).")
      .def_ro("entries", &ModelDiff::entries, "The differences, in diff.h's order.")
      .def_prop_ro("equal", &ModelDiff::equal, "Whether the models compare equal.")
      .def("__len__", [](const ModelDiff& d) { return d.entries.size(); })
      .def(
          "to_text",
          [](const ModelDiff& d, const std::string& a_name, const std::string& b_name) {
            return DiffText(d, a_name, b_name);
          },
          nb::arg("a_name") = "a", nb::arg("b_name") = "b",
          "`onnxkit diff`'s text: one line per entry and a count ('' when equal).")
      .def(
          "to_json",
          [](const ModelDiff& d, const std::string& a_name, const std::string& b_name) {
            return DiffJson(d, a_name, b_name);
          },
          nb::arg("a_name") = "a", nb::arg("b_name") = "b",
          "`onnxkit diff --format=json`'s document, as text.")
      .def("__repr__", [](const ModelDiff& d) {
        return fmt::format("<onnxkit.ModelDiff {} entries>", d.entries.size());
      });
  m.def(
      "diff",
      [](PyModel& a, PyModel& b, bool tensor_contents) {
        DiffOptions options;
        options.tensor_contents = tensor_contents;
        return ValueOrThrow(Diff(a.handle->model(), b.handle->model(), options));
      },
      nb::arg("a"), nb::arg("b"), nb::arg("tensor_contents") = true,
      "What differs from `a` to `b`; tensor_contents=False compares tensors' types and dims "
      "only and reads no data.");
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
  m.def(
      "merge",
      [](PyModel& a, PyModel& b, std::vector<std::pair<std::string, std::string>> connect,
         std::string prefix_a, std::string prefix_b) {
        MergeSpec spec{std::move(connect), std::move(prefix_a), std::move(prefix_b)};
        std::unique_ptr<Model> second = CopyForMerge(b.handle->model());
        MergeStats stats = ValueOrThrow(Merge(Edited(a), *second, spec));
        nb::dict dict;
        dict["nodes_from_a"] = stats.nodes_from_a;
        dict["nodes_from_b"] = stats.nodes_from_b;
        dict["connections"] = stats.connections;
        return dict;
      },
      nb::arg("a"), nb::arg("b"),
      nb::arg("connect") = std::vector<std::pair<std::string, std::string>>{},
      nb::arg("prefix_a") = "", nb::arg("prefix_b") = "",
      "Merges a copy of `b` into `a` (in place): `connect` pairs (output of a, input of b). "
      "`b` is left unchanged.");
  m.def(
      "convert_opset",
      [](PyModel& model, int64_t target) { ThrowIfError(ConvertOpset(Edited(model), target)); },
      nb::arg("model"), nb::arg("target"),
      "Converts the model (in place) to version `target` of the default-domain opset.");
  BindDiff(m);
}

}  // namespace onnxkit::python
