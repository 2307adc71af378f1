// check and infer_shapes: diagnostics as objects.
#include "onnxkit/check.h"

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "handles.h"

namespace nb = nanobind;

namespace onnxkit::python {

void BindCheck(nb::module_& m) {
  nb::class_<Location>(m, "Location", "Where a diagnostic is; empty fields do not apply.")
      .def_ro("graph", &Location::graph)
      .def_ro("node_index", &Location::node_index)
      .def_ro("node_name", &Location::node_name)
      .def_ro("op_type", &Location::op_type)
      .def_ro("opset_version", &Location::opset_version)
      .def_ro("value", &Location::value)
      .def_ro("slot", &Location::slot)
      .def_prop_ro("path", &Location::Path, "'model', 'main/Conv_7', 'main/#3', 'main/W', …")
      .def("__str__", &Location::Path)
      .def("__repr__", [](const Location& l) { return "<onnxkit.Location " + l.Path() + ">"; });

  nb::class_<Diagnostic>(m, "Diagnostic", "One problem check found.")
      .def_prop_ro(
          "severity", [](const Diagnostic& d) { return std::string(SeverityName(d.severity)); },
          "'error', 'warning' or 'note'.")
      .def_ro("code", &Diagnostic::code, "'group.name', as docs/diagnostics.md lists them.")
      .def_ro("message", &Diagnostic::message)
      .def_ro("location", &Diagnostic::location)
      .def("__str__", [](const Diagnostic& d) { return FormatDiagnostic(d, "", false); })
      .def("__repr__", [](const Diagnostic& d) {
        return "<onnxkit.Diagnostic " + FormatDiagnostic(d, "", false) + ">";
      });

  m.def(
      "check",
      [](PyModel& model, std::vector<std::string> rules, bool warnings_as_errors) {
        // Check() skips names it does not know; a typo here should not silently check nothing.
        for (const std::string& rule : rules) {
          const auto& groups = RuleGroups();
          if (std::find(groups.begin(), groups.end(), rule) == groups.end()) {
            ThrowError(absl::StatusCode::kInvalidArgument,
                       "no rule group named '" + rule + "' (see onnxkit.rule_groups())");
          }
        }
        CheckOptions options;
        options.rules = std::move(rules);
        options.warnings_as_errors = warnings_as_errors;
        return Check(model.handle->model(), options).items;
      },
      nb::arg("model"), nb::arg("rules") = std::vector<std::string>{},
      nb::arg("warnings_as_errors") = false,
      "Every problem of the model as a list of Diagnostic (all rule groups, or `rules`).");
  m.def("rule_groups", &RuleGroups, "The names of check's rule groups, in the order they run.");
  m.def(
      "infer_shapes",
      [](PyModel& model) {
        Diagnostics diagnostics;
        InferShapes(model.handle->model(), diagnostics);
        return diagnostics.items;
      },
      nb::arg("model"),
      "Infers types and shapes into the model; returns the problems found (types.* codes).");
}

}  // namespace onnxkit::python
