// The evaluator (eval.h): running a model's main graph on NumPy inputs.
#include "onnxkit/eval.h"

#include <nanobind/stl/string.h>

#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "handles.h"
#include "ir_convert.h"

namespace nb = nanobind;

namespace onnxkit::python {

void BindEval(nb::module_& m) {
  m.def(
      "evaluate",
      [](PyModel& model, nb::dict feeds, int64_t max_elements) {
        std::vector<std::pair<std::string, Tensor>> tensors;
        for (auto [name, array] : feeds) {
          tensors.emplace_back(nb::cast<std::string>(name), TensorFromPython(array));
        }
        EvalOptions options;
        options.max_elements = max_elements;
        std::vector<Tensor> outputs =
            ValueOrThrow(EvaluateModel(model.handle->model(), tensors, options));
        nb::dict result;
        const Graph& graph = *model.handle->model().graph;
        for (size_t i = 0; i < outputs.size() && i < graph.outputs().size(); ++i) {
          result[graph.outputs()[i]->name().c_str()] = TensorToPython(outputs[i]);
        }
        return result;
      },
      nb::arg("model"), nb::arg("feeds"), nb::arg("max_elements") = int64_t{1} << 28,
      "Runs the main graph on `feeds` ({input name: array}) with onnxkit's evaluator (the ops "
      "docs/eval.md lists, exactly as the specs say); returns {output name: array}. Inputs "
      "with an initializer take it when not fed. An op it does not evaluate is an "
      "UnimplementedError naming the node.");
}

}  // namespace onnxkit::python
