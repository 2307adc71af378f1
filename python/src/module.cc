// The extension module onnxkit._onnxkit. python/onnxkit/__init__.py is the public face: it
// re-exports these and adds the conversions that are easier in Python (paths, onnx
// ModelProto, keyword options).
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <string>

#include "bindings.h"
#include "handles.h"

namespace nb = nanobind;

namespace onnxkit::python {
namespace {

// absl's code name, as onnxkit/_errors.py names its exception classes.
const char* CodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument: return "InvalidArgument";
    case absl::StatusCode::kNotFound: return "NotFound";
    case absl::StatusCode::kAlreadyExists: return "AlreadyExists";
    case absl::StatusCode::kFailedPrecondition: return "FailedPrecondition";
    case absl::StatusCode::kOutOfRange: return "OutOfRange";
    case absl::StatusCode::kUnimplemented: return "Unimplemented";
    case absl::StatusCode::kDataLoss: return "DataLoss";
    case absl::StatusCode::kPermissionDenied: return "PermissionDenied";
    case absl::StatusCode::kResourceExhausted: return "ResourceExhausted";
    default: return "Internal";
  }
}

void TranslateStatusError(const std::exception_ptr& p, void*) {
  try {
    std::rethrow_exception(p);
  } catch (const StatusError& e) {
    nb::object raise = nb::module_::import_("onnxkit._errors").attr("_error_for");
    std::string message(StatusMessage(e.status));
    nb::object error = raise(CodeName(e.status.code()), message);
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
  }
}

}  // namespace
}  // namespace onnxkit::python

NB_MODULE(_onnxkit, m) {
  using namespace onnxkit::python;
  m.doc() = "onnxkit's C++ library (see the onnxkit package for the documented API)";
  nb::register_exception_translator(&TranslateStatusError);
  BindModel(m);
  BindCheck(m);
  BindIr(m);
  BindPasses(m);
  BindSurgery(m);
  BindEval(m);
  BindPicture(m);
}
