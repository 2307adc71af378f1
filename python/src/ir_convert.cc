#include "ir_convert.h"

#include <fmt/format.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nb = nanobind;

namespace onnxkit::python {
namespace {

nb::module_ TensorsModule() { return nb::module_::import_("onnxkit._tensors"); }

nb::list DimsToPython(const std::vector<int64_t>& dims) {
  nb::list list;
  for (int64_t d : dims) list.append(d);
  return list;
}

nb::object StringFromBytes(const std::string& s) {
  // ONNX strings are bytes; text that is UTF-8 (nearly always) becomes str.
  PyObject* text = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), nullptr);
  if (text != nullptr) return nb::steal(text);
  PyErr_Clear();
  return nb::bytes(s.data(), s.size());
}

}  // namespace

nb::object TensorToPython(const Tensor& tensor) {
  nb::list dims = DimsToPython(tensor.dims);
  if (tensor.data_type == static_cast<int32_t>(DataType::kString)) {
    nb::list strings;
    for (const std::string& s : tensor.string_data) strings.append(nb::bytes(s.data(), s.size()));
    return TensorsModule().attr("strings_to_numpy")(strings, dims);
  }
  Bytes bytes = ValueOrThrow(tensor.Data());
  // The array's owner keeps the bytes' owner (the model file's buffer) alive.
  auto* keep = new Bytes(bytes);
  nb::capsule owner(keep, [](void* p) noexcept { delete static_cast<Bytes*>(p); });
  size_t shape[1] = {keep->size()};
  nb::ndarray<nb::numpy, const uint8_t, nb::ndim<1>> raw(
      reinterpret_cast<const uint8_t*>(keep->data()), 1, shape, owner);
  return TensorsModule().attr("raw_to_numpy")(raw.cast(), tensor.data_type, dims);
}

Tensor TensorFromPython(nb::handle array) {
  nb::tuple parts = nb::cast<nb::tuple>(TensorsModule().attr("from_numpy")(array));
  auto data_type = nb::cast<int32_t>(parts[0]);
  auto dims = nb::cast<std::vector<int64_t>>(parts[1]);
  if (data_type == static_cast<int32_t>(DataType::kString)) {
    std::vector<std::string> strings;
    for (nb::handle item : parts[2]) {
      nb::bytes b = nb::borrow<nb::bytes>(item);
      strings.emplace_back(b.c_str(), b.size());
    }
    return ValueOrThrow(Tensor::FromStrings(std::move(dims), std::move(strings)));
  }
  nb::bytes data = nb::cast<nb::bytes>(parts[2]);
  Tensor tensor;
  tensor.data_type = data_type;
  tensor.dims = std::move(dims);
  tensor.SetRawData(Bytes::Copy(std::string_view(data.c_str(), data.size())));
  return tensor;
}

nb::object AttributeToPython(const HandlePtr& handle, const Attribute& a) {
  if (auto v = a.AsFloat()) return nb::float_(*v);
  if (auto v = a.AsInt()) return nb::int_(*v);
  if (auto v = a.AsString()) return StringFromBytes(std::string(*v));
  if (auto v = a.AsFloats()) return nb::cast(std::vector<float>(v->begin(), v->end()));
  if (auto v = a.AsInts()) return nb::cast(std::vector<int64_t>(v->begin(), v->end()));
  if (auto v = a.AsStrings()) {
    nb::list list;
    for (const std::string& s : *v) list.append(StringFromBytes(s));
    return list;
  }
  if (const Tensor* t = a.AsTensor()) return TensorToPython(*t);
  if (Graph* g = a.AsGraph()) return nb::cast(PyGraph{handle, g});
  if (a.type == AttributeType::kGraphs) {
    nb::list list;
    for (Graph* g : a.subgraphs()) list.append(PyGraph{handle, g});
    return list;
  }
  return nb::none();
}

namespace {
bool IsText(nb::handle h) { return nb::isinstance<nb::str>(h) || nb::isinstance<nb::bytes>(h); }
std::string TextOf(nb::handle h) {
  if (nb::isinstance<nb::bytes>(h)) {
    nb::bytes b = nb::borrow<nb::bytes>(h);
    return std::string(b.c_str(), b.size());
  }
  return nb::cast<std::string>(h);
}
bool IsInt(nb::handle h) { return PyLong_Check(h.ptr()) != 0; }  // bool is an int too
bool IsFloat(nb::handle h) { return PyFloat_Check(h.ptr()) != 0; }
}  // namespace

Attribute AttributeFromPython(const std::string& name, nb::handle value) {
  if (IsInt(value)) return Attribute::Int(name, nb::cast<int64_t>(value));
  if (IsFloat(value)) return Attribute::Float(name, nb::cast<float>(value));
  if (IsText(value)) return Attribute::String(name, TextOf(value));
  if (nb::isinstance<nb::list>(value) || nb::isinstance<nb::tuple>(value)) {
    std::vector<nb::handle> items;
    for (nb::handle item : value) items.push_back(item);
    bool all_int = true, all_number = true, all_text = true;
    for (nb::handle item : items) {
      all_int = all_int && IsInt(item);
      all_number = all_number && (IsInt(item) || IsFloat(item));
      all_text = all_text && IsText(item);
    }
    if (!items.empty() && all_int) {
      std::vector<int64_t> ints;
      for (nb::handle item : items) ints.push_back(nb::cast<int64_t>(item));
      return Attribute::Ints(name, std::move(ints));
    }
    if (!items.empty() && all_number) {
      std::vector<float> floats;
      for (nb::handle item : items) floats.push_back(nb::cast<float>(item));
      return Attribute::Floats(name, std::move(floats));
    }
    if (!items.empty() && all_text) {
      std::vector<std::string> strings;
      for (nb::handle item : items) strings.push_back(TextOf(item));
      return Attribute::Strings(name, std::move(strings));
    }
    throw nb::type_error(
        fmt::format("attribute '{}': a list must hold only ints, only numbers or only strings "
                    "(an empty list has no type: use onnxkit.set_attr with an explicit type)",
                    name)
            .c_str());
  }
  if (nb::hasattr(value, "__array__")) return Attribute::OfTensor(name, TensorFromPython(value));
  throw nb::type_error(
      fmt::format("attribute '{}': cannot store a {}", name, nb::type_name(value.type()).c_str())
          .c_str());
}

}  // namespace onnxkit::python
