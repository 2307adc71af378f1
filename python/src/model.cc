// Model objects, loading and saving, dump and info.
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
#include "onnxkit/dump.h"
#include "onnxkit/io.h"

namespace nb = nanobind;

namespace onnxkit::python {
namespace {

PyModel Wrap(std::unique_ptr<Model> model) {
  return PyModel{std::make_shared<ModelHandle>(std::move(model))};
}

LoadOptions MakeLoadOptions(const std::string& base_dir, bool check_external_data) {
  LoadOptions options;
  options.base_dir = base_dir;
  options.check_external_data = check_external_data;
  return options;
}

SaveOptions::ExternalData ParseExternalData(const std::string& text) {
  if (text == "keep") return SaveOptions::ExternalData::kKeep;
  if (text == "inline") return SaveOptions::ExternalData::kInline;
  if (text == "external") return SaveOptions::ExternalData::kExternal;
  ThrowError(absl::StatusCode::kInvalidArgument,
             fmt::format("external_data is '{}'; it must be keep, inline or external", text));
}

DumpOptions::Initializers ParseInitializers(const std::string& text) {
  if (text == "none") return DumpOptions::Initializers::kNone;
  if (text == "summary") return DumpOptions::Initializers::kSummary;
  if (text == "full") return DumpOptions::Initializers::kFull;
  ThrowError(absl::StatusCode::kInvalidArgument,
             fmt::format("initializers is '{}'; it must be none, summary or full", text));
}

DumpOptions MakeDumpOptions(const std::string& initializers, std::vector<std::string> node_names,
                            std::vector<std::string> op_types, int max_depth) {
  DumpOptions options;
  options.initializers = ParseInitializers(initializers);
  options.node_names = std::move(node_names);
  options.op_types = std::move(op_types);
  options.max_depth = max_depth;
  return options;
}

std::vector<std::pair<std::string, int64_t>> OpsetImports(const Model& model) {
  std::vector<std::pair<std::string, int64_t>> imports;
  for (const OpsetImport& import : model.opset_import) {
    imports.emplace_back(import.domain, import.version);
  }
  return imports;
}

}  // namespace

void BindModel(nb::module_& m) {
  nb::class_<PyFunction>(m, "Function", "A model-local function: its body is a Graph.")
      .def_prop_ro("name", [](const PyFunction& self) { return self.get().name; })
      .def_prop_ro("domain", [](const PyFunction& self) { return self.get().domain; })
      .def_prop_ro("overload", [](const PyFunction& self) { return self.get().overload; })
      .def_prop_ro(
          "attributes", [](const PyFunction& self) { return self.get().attributes; },
          "The formal attribute names without a default.")
      .def_prop_ro("opset_import",
                   [](const PyFunction& self) {
                     std::vector<std::pair<std::string, int64_t>> imports;
                     for (const OpsetImport& i : self.get().opset_import) {
                       imports.emplace_back(i.domain, i.version);
                     }
                     return imports;
                   })
      .def_prop_ro(
          "body",
          [](const PyFunction& self) {
            return PyGraph{self.handle, self.get().body.get()};
          },
          "The body: its inputs and outputs are the function's formal inputs and outputs.")
      .def(
          "__eq__",
          [](const PyFunction& a, const PyFunction& b) { return a.function == b.function; },
          nb::is_operator())
      .def("__hash__",
           [](const PyFunction& self) { return std::hash<const void*>()(self.function); })
      .def("__repr__", [](const PyFunction& self) {
        return fmt::format("<onnxkit.Function {}.{}>", self.get().domain, self.get().name);
      });

  nb::class_<PyModel>(m, "Model", "A loaded ONNX model (onnxkit's IR).")
      .def_prop_rw(
          "ir_version", [](PyModel& self) { return self.handle->model().ir_version; },
          [](PyModel& self, int64_t v) { self.handle->model().ir_version = v; })
      .def_prop_rw(
          "producer_name", [](PyModel& self) { return self.handle->model().producer_name; },
          [](PyModel& self, std::string v) { self.handle->model().producer_name = std::move(v); })
      .def_prop_rw(
          "producer_version", [](PyModel& self) { return self.handle->model().producer_version; },
          [](PyModel& self, std::string v) {
            self.handle->model().producer_version = std::move(v);
          })
      .def_prop_rw(
          "doc_string", [](PyModel& self) { return self.handle->model().doc_string; },
          [](PyModel& self, std::string v) { self.handle->model().doc_string = std::move(v); })
      .def_prop_rw(
          "model_version", [](PyModel& self) { return self.handle->model().model_version; },
          [](PyModel& self, int64_t v) { self.handle->model().model_version = v; })
      .def_prop_ro(
          "opset_import", [](PyModel& self) { return OpsetImports(self.handle->model()); },
          "The opset imports as (domain, version) pairs.")
      .def(
          "opset_version",
          [](PyModel& self, const std::string& domain) {
            return self.handle->model().OpsetVersion(domain);
          },
          nb::arg("domain") = "", "The version imported for `domain`, or None.")
      .def_prop_ro(
          "base_dir", [](PyModel& self) { return self.handle->model().base_dir; },
          "The folder external-data locations are relative to ('' for bytes).")
      .def_prop_ro(
          "graph",
          [](PyModel& self) -> nb::object {
            Graph* graph = self.handle->model().graph.get();
            if (graph == nullptr) return nb::none();
            return nb::cast(PyGraph{self.handle, graph});
          },
          "The main graph, or None when the file has none.")
      .def_prop_ro(
          "functions",
          [](PyModel& self) {
            std::vector<PyFunction> functions;
            for (const auto& f : self.handle->model().functions) {
              functions.push_back(PyFunction{self.handle, f.get()});
            }
            return functions;
          },
          "The model-local functions (a snapshot).")
      .def(
          "to_bytes",
          [](PyModel& self) {
            std::string bytes = ValueOrThrow(SaveBytes(self.handle->model()));
            return nb::bytes(bytes.data(), bytes.size());
          },
          "The serialized model (external references kept as they are).")
      .def(
          "verify",
          [](PyModel& self) {
            ForEachGraph(self.handle->model(),
                         [](const Graph& g) { ThrowIfError(g.parent() ? Status() : g.Verify()); });
          },
          "Checks the IR's invariants (use lists, producers, order); raises on the first "
          "violation.")
      .def("__repr__", [](PyModel& self) {
        const Model& model = self.handle->model();
        return fmt::format("<onnxkit.Model ir_version={} nodes={}>", model.ir_version,
                           model.graph ? model.graph->node_count() : 0);
      });

  m.def(
      "_load_file",
      [](const std::string& path, const std::string& base_dir, bool check_external_data) {
        return Wrap(ValueOrThrow(LoadFile(path, MakeLoadOptions(base_dir, check_external_data))));
      },
      nb::arg("path"), nb::arg("base_dir") = "", nb::arg("check_external_data") = true);
  m.def(
      "_load_bytes",
      [](nb::bytes bytes, const std::string& base_dir, bool check_external_data) {
        std::string_view view(bytes.c_str(), bytes.size());
        return Wrap(ValueOrThrow(LoadBytes(view, MakeLoadOptions(base_dir, check_external_data))));
      },
      nb::arg("data"), nb::arg("base_dir") = "", nb::arg("check_external_data") = true);
  m.def(
      "_save_file",
      [](PyModel& model, const std::string& path, const std::string& external_data,
         const std::string& external_file, uint64_t size_threshold, uint64_t alignment,
         bool in_place) {
        SaveOptions options;
        options.external_data = ParseExternalData(external_data);
        options.external_file = external_file;
        options.size_threshold = size_threshold;
        options.alignment = alignment;
        options.in_place = in_place;
        ThrowIfError(SaveFile(model.handle->model(), path, options));
      },
      nb::arg("model"), nb::arg("path"), nb::arg("external_data") = "keep",
      nb::arg("external_file") = "", nb::arg("size_threshold") = 1024, nb::arg("alignment") = 4096,
      nb::arg("in_place") = false);

  m.def(
      "_dump",
      [](PyModel& model, bool json, const std::string& initializers,
         std::vector<std::string> node_names, std::vector<std::string> op_types, int max_depth) {
        DumpOptions options =
            MakeDumpOptions(initializers, std::move(node_names), std::move(op_types), max_depth);
        const Model& mo = model.handle->model();
        return json ? DumpJson(mo, options) : DumpText(mo, options);
      },
      nb::arg("model"), nb::arg("json"), nb::arg("initializers") = "summary",
      nb::arg("node_names") = std::vector<std::string>{},
      nb::arg("op_types") = std::vector<std::string>{}, nb::arg("max_depth") = -1);
  m.def(
      "_info",
      [](PyModel& model, bool json) {
        ModelInfo info = GetModelInfo(model.handle->model());
        return json ? InfoJson(info) : InfoText(info);
      },
      nb::arg("model"), nb::arg("json"));
}

}  // namespace onnxkit::python
