// Pictures of a model (dump.h): the DOT text, Graphviz's SVG, PNG or PDF, the HTML page.
#include <fmt/format.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

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

std::string Picture(const Model& model, const DumpOptions& options, const std::string& format) {
  if (format == "dot") return DumpDot(model, options);
  if (format == "html") return ValueOrThrow(RenderHtml(model, options));
  if (format == "svg" || format == "png" || format == "pdf") {
    return ValueOrThrow(RenderGraph(model, options, format));
  }
  ThrowError(absl::StatusCode::kInvalidArgument,
             fmt::format("format is '{}'; it must be svg, png, pdf, html or dot", format));
}

}  // namespace

void BindPicture(nb::module_& m) {
  m.def(
      "_render",
      [](PyModel& model, const std::string& format, std::vector<std::string> node_names,
         std::vector<std::string> op_types, int max_depth, int context, size_t max_nodes,
         const std::string& path) -> nb::object {
        DumpOptions options;
        options.node_names = std::move(node_names);
        options.op_types = std::move(op_types);
        options.max_depth = max_depth;
        options.context = context;
        options.max_nodes = max_nodes;
        std::string picture = Picture(model.handle->model(), options, format);
        if (!path.empty()) {
          ThrowIfError(WriteFileAtomically(path, picture));
          return nb::none();
        }
        return nb::bytes(picture.data(), picture.size());
      },
      nb::arg("model"), nb::arg("format"), nb::arg("node_names"), nb::arg("op_types"),
      nb::arg("max_depth"), nb::arg("context"), nb::arg("max_nodes"), nb::arg("path"));
}

}  // namespace onnxkit::python
