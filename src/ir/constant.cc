#include "onnxkit/constant.h"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <string_view>

namespace onnxkit {
namespace {

constexpr std::array<std::string_view, 7> kValueAttributes = {
    "value",      "value_float",  "value_floats", "value_int",
    "value_ints", "value_string", "value_strings"};
constexpr std::string_view kSparseValue = "sparse_value";

bool IsValueAttribute(std::string_view name) {
  if (name == kSparseValue) return true;
  for (std::string_view v : kValueAttributes) {
    if (name == v) return true;
  }
  return false;
}

// The one attribute of a Constant node that gives its value, or nullptr (none, or more
// than one: the node is malformed).
const Attribute* ValueAttribute(const Node& node) {
  const Attribute* found = nullptr;
  for (const Attribute& a : node.attributes) {
    if (!IsValueAttribute(a.name)) continue;
    if (found) return nullptr;
    found = &a;
  }
  return found;
}

const Node* ConstantProducer(const Value* value) {
  const Node* node = value->producer();
  if (!node || value->producer_index() != 0 || !node->Is("", "Constant")) return nullptr;
  return node;
}

StatusOr<Tensor> FromAttribute(const Attribute& a, const std::string& where,
                               uint64_t max_densified_bytes) {
  auto missing = [&] {
    return absl::InvalidArgumentError(
        fmt::format("{}: attribute '{}' holds no value of its type", where, a.name));
  };
  if (a.name == "value") {
    const Tensor* t = a.AsTensor();
    if (!t) return missing();
    return *t;
  }
  if (a.name == kSparseValue) {
    if (!a.sparse_tensor) return missing();
    return Densify(*a.sparse_tensor, max_densified_bytes);
  }
  if (a.name == "value_float") {
    std::optional<float> f = a.AsFloat();
    if (!f) return missing();
    return Tensor::Scalar(*f);
  }
  if (a.name == "value_floats") {
    auto floats = a.AsFloats();
    if (!floats) return missing();
    return Tensor::FromValues<float>({static_cast<int64_t>(floats->size())}, *floats);
  }
  if (a.name == "value_int") {
    std::optional<int64_t> i = a.AsInt();
    if (!i) return missing();
    return Tensor::Scalar(*i);
  }
  if (a.name == "value_ints") {
    auto ints = a.AsInts();
    if (!ints) return missing();
    return Tensor::FromValues<int64_t>({static_cast<int64_t>(ints->size())}, *ints);
  }
  if (a.name == "value_string") {
    std::optional<std::string_view> s = a.AsString();
    if (!s) return missing();
    return Tensor::FromStrings({}, {std::string(*s)});
  }
  auto strings = a.AsStrings();  // value_strings
  if (!strings) return missing();
  return Tensor::FromStrings({static_cast<int64_t>(strings->size())},
                             std::vector<std::string>(strings->begin(), strings->end()));
}

StatusOr<Tensor> FromConstantNode(const Node& node, const Value& value,
                                  const ConstantOptions& options) {
  const std::string where = fmt::format("Constant node '{}'", node.name);
  const Attribute* a = ValueAttribute(node);
  if (!a) {
    return absl::InvalidArgumentError(
        fmt::format("{}: needs exactly one of value, value_float(s), value_int(s), "
                    "value_string(s), sparse_value",
                    where));
  }
  if (!a->ref_attr_name.empty()) {
    return absl::NotFoundError(
        fmt::format("{}: '{}' refers to the function attribute '{}', known only in a call", where,
                    a->name, a->ref_attr_name));
  }
  StatusOr<Tensor> t = FromAttribute(*a, where, options.max_densified_bytes);
  if (!t.ok()) {
    return Status(t.status().code(),
                  fmt::format("{} ('{}'): {}", where, value.name(), StatusMessage(t.status())));
  }
  t->name = value.name();
  return t;
}

// Writes element `index` of `values` (of `element_size` bytes) into `dense`.
void Place(std::string& dense, std::string_view values, size_t element_size, int64_t from,
           int64_t index) {
  std::memcpy(dense.data() + static_cast<size_t>(index) * element_size,
              values.data() + static_cast<size_t>(from) * element_size, element_size);
}

}  // namespace

bool IsConstant(const Value* value, const ConstantOptions& options) {
  if (!value) return false;
  if (value->initializer() || value->sparse_initializer()) {
    return !value->is_graph_input() || options.include_overridable_inputs;
  }
  const Node* node = ConstantProducer(value);
  if (!node) return false;
  const Attribute* a = ValueAttribute(*node);
  return a && a->ref_attr_name.empty();
}

StatusOr<Tensor> ConstantTensor(const Value* value, const ConstantOptions& options) {
  if (!value) return absl::NotFoundError("no value");
  if (value->is_graph_input() && !options.include_overridable_inputs &&
      (value->initializer() || value->sparse_initializer())) {
    return absl::NotFoundError(
        fmt::format("'{}' is a graph input: its initializer is a default a caller may override",
                    value->name()));
  }
  if (const Tensor* t = value->initializer()) return *t;
  if (const SparseTensor* st = value->sparse_initializer()) {
    StatusOr<Tensor> dense = Densify(*st, options.max_densified_bytes);
    if (!dense.ok()) {
      return Status(dense.status().code(), fmt::format("sparse initializer '{}': {}", value->name(),
                                                       StatusMessage(dense.status())));
    }
    dense->name = value->name();
    return dense;
  }
  if (const Node* node = ConstantProducer(value)) return FromConstantNode(*node, *value, options);
  return absl::NotFoundError(fmt::format("'{}' is not a constant", value->name()));
}

StatusOr<Tensor> Densify(const SparseTensor& sparse, uint64_t max_bytes) {
  if (!sparse.values || !sparse.indices) {
    return absl::InvalidArgumentError("sparse tensor lacks values or indices");
  }
  const Tensor& values = *sparse.values;
  const int32_t type = values.data_type;
  const bool is_string = type == static_cast<int32_t>(DataType::kString);
  if (IsPackedType(type)) {
    return absl::UnimplementedError(
        fmt::format("densifying a sparse {} tensor is not supported", DataTypeName(type)));
  }
  if (!is_string && DataTypeSize(type) == 0) {
    return absl::InvalidArgumentError(
        fmt::format("sparse values have data type {}", DataTypeName(type)));
  }
  Tensor dense;
  dense.data_type = type;
  dense.dims = sparse.dims;
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, dense.ElementCount());
  // Strings: what the dense vector of (empty) strings takes.
  const uint64_t string_bytes = static_cast<uint64_t>(count) > UINT64_MAX / sizeof(std::string)
                                    ? UINT64_MAX
                                    : static_cast<uint64_t>(count) * sizeof(std::string);
  ONNXKIT_ASSIGN_OR_RETURN(uint64_t bytes,
                           is_string ? StatusOr<uint64_t>(string_bytes) : dense.RawByteSize());
  if (bytes > max_bytes) {
    return absl::ResourceExhaustedError(
        fmt::format("the dense form {}{} takes {} bytes, more than the {} allowed",
                    DataTypeName(type), DimsToString(sparse.dims), bytes, max_bytes));
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t nnz, values.ElementCount());
  if (values.dims.size() != 1) return absl::InvalidArgumentError("sparse values are not 1-D");
  const Tensor& indices = *sparse.indices;
  if (indices.data_type != static_cast<int32_t>(DataType::kInt64)) {
    return absl::InvalidArgumentError(
        fmt::format("sparse indices are {}, not int64", DataTypeName(indices.data_type)));
  }
  const size_t rank = sparse.dims.size();
  const bool linear = indices.dims.size() == 1 && indices.dims[0] == nnz;
  const bool coordinates = indices.dims.size() == 2 && indices.dims[0] == nnz &&
                           indices.dims[1] == static_cast<int64_t>(rank);
  if (!linear && !coordinates) {
    return absl::InvalidArgumentError(
        fmt::format("{} values but indices of shape {}", nnz, DimsToString(indices.dims)));
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> index, ToInt64s(indices, INT64_MAX));

  std::string raw;
  Bytes value_bytes;
  const size_t element_size = DataTypeSize(type);
  if (is_string) {
    if (values.string_data.size() != static_cast<size_t>(nnz)) {
      return absl::InvalidArgumentError("sparse string values disagree with their dims");
    }
    dense.string_data.assign(static_cast<size_t>(count), "");
  } else {
    ONNXKIT_ASSIGN_OR_RETURN(value_bytes, values.Data());
    raw.assign(static_cast<size_t>(bytes), '\0');
  }
  for (int64_t i = 0; i < nnz; ++i) {
    int64_t flat = 0;
    if (linear) {
      flat = index[static_cast<size_t>(i)];
    } else {
      for (size_t k = 0; k < rank; ++k) {
        const int64_t c = index[static_cast<size_t>(i) * rank + k];
        if (c < 0 || c >= sparse.dims[k]) {
          flat = -1;
          break;
        }
        flat = flat * sparse.dims[k] + c;
      }
    }
    if (flat < 0 || flat >= count) {
      return absl::InvalidArgumentError(
          fmt::format("index of value {} lies outside dims {}", i, DimsToString(sparse.dims)));
    }
    if (is_string) {
      dense.string_data[static_cast<size_t>(flat)] = values.string_data[static_cast<size_t>(i)];
    } else {
      Place(raw, value_bytes.view(), element_size, i, flat);
    }
  }
  if (!is_string) dense.SetRawData(Bytes::Own(std::move(raw)));
  return dense;
}

}  // namespace onnxkit
