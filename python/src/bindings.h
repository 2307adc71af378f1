// The parts of the extension module, one per concept; module.cc calls each once.
#pragma once

#include <nanobind/nanobind.h>

namespace onnxkit::python {

void BindModel(nanobind::module_& m);    // model.cc: Model, load, save, dump, info
void BindCheck(nanobind::module_& m);    // check.cc: Diagnostic, check, infer_shapes
void BindIr(nanobind::module_& m);       // ir.cc: Graph, Node, Value, initializer data
void BindPasses(nanobind::module_& m);   // passes.cc: pipelines and the pass registry
void BindSurgery(nanobind::module_& m);  // surgery.cc: surgery, edits, merge, diff
void BindEval(nanobind::module_& m);     // eval.cc: evaluate
void BindPicture(nanobind::module_& m);  // picture.cc: render

}  // namespace onnxkit::python
