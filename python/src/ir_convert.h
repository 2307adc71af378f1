// Conversions between the IR's tensors and attributes and Python objects. Tensors go
// through onnxkit/_tensors.py, which knows NumPy's dtypes.
#pragma once

#include <nanobind/nanobind.h>

#include <string>

#include "handles.h"
#include "onnxkit/ir.h"
#include "onnxkit/tensor.h"

namespace onnxkit::python {

// A read-only NumPy array of the tensor's elements: a view of the tensor's bytes (no copy)
// when they are in memory as raw data; the bytes stay alive as long as the array does.
nanobind::object TensorToPython(const Tensor& tensor);
// A tensor holding a copy of a NumPy array (or anything numpy.asarray accepts).
Tensor TensorFromPython(nanobind::handle array);

nanobind::object AttributeToPython(const HandlePtr& handle, const Attribute& attribute);
// int (bool too) -> INT, float -> FLOAT, str/bytes -> STRING, a list of one of them ->
// INTS / FLOATS / STRINGS (ints and floats mixed -> FLOATS), a NumPy array -> TENSOR.
Attribute AttributeFromPython(const std::string& name, nanobind::handle value);

}  // namespace onnxkit::python
