// Rule group "tensors": every tensor's data against its type and dims.
//
// Cases: an undefined or unknown data type; data in a field the type does not use (e.g.
// float16 in float_data, int64_data on a float tensor, raw_data on strings); two data
// fields at once; a value count that disagrees with the dims (packed types count their
// int32_data entries, not their elements); strings that are not UTF-8;
// sparse tensors whose values and indices disagree, whose indices are out of range or not
// strictly increasing. External tensors are left to the "external-data" group.
#include <fmt/format.h>

#include <cstring>

#include "check/context.h"
#include "io/wire.h"

namespace onnxkit::check_internal {
namespace {

struct Field {
  std::string_view name;
  size_t count;
};

std::vector<Field> FieldsInUse(const Tensor& t) {
  std::vector<Field> out;
  if (!t.float_data.empty()) out.push_back({"float_data", t.float_data.size()});
  if (!t.int32_data.empty()) out.push_back({"int32_data", t.int32_data.size()});
  if (!t.string_data.empty()) out.push_back({"string_data", t.string_data.size()});
  if (!t.int64_data.empty()) out.push_back({"int64_data", t.int64_data.size()});
  if (!t.double_data.empty()) out.push_back({"double_data", t.double_data.size()});
  if (!t.uint64_data.empty()) out.push_back({"uint64_data", t.uint64_data.size()});
  if (t.has_raw_data()) out.push_back({"raw_data", t.raw_data.size()});
  return out;
}

class TensorChecker {
 public:
  TensorChecker(Context& c, const GraphScope* scope, const Tensor& t, std::string where)
      : c_(c), t_(t), where_(std::move(where)) {
    if (scope) loc_.graph = scope->path;
    loc_.value = t.name.empty() ? where_ : t.name;
  }

  void Run() {
    if (!CheckType()) return;
    if (t_.is_external()) return;
    auto count = t_.ElementCount();
    if (!count.ok()) {
      Error("dims", std::string(StatusMessage(count.status())));
      return;
    }
    auto fields = FieldsInUse(t_);
    if (fields.size() > 1) {
      Error("two-data-fields",
            fmt::format("carries data in both {} and {}", fields[0].name, fields[1].name));
      return;
    }
    if (fields.empty()) {
      if (*count != 0) {
        Error("missing-data",
              fmt::format("{}{} has no data", DataTypeName(t_.data_type), DimsToString(t_.dims)));
      }
      return;
    }
    CheckField(fields[0], *count);
  }

 private:
  void Error(std::string_view name, std::string message) {
    c_.Error(fmt::format("tensors.{}", name), loc_, fmt::format("{}: {}", Label(), message));
  }
  std::string Label() const {
    return t_.name.empty() ? where_ : fmt::format("tensor '{}' ({})", t_.name, where_);
  }

  bool CheckType() {
    if (t_.data_type == 0) {
      Error("undefined-type", "data_type is 0 (UNDEFINED)");
      return false;
    }
    if (t_.data_type < 0 || t_.data_type > kLastDataType) {
      Error("unknown-type",
            fmt::format("data_type {} is not a TensorProto.DataType value", t_.data_type));
      return false;
    }
    return true;
  }

  void CheckField(const Field& field, int64_t count) {
    bool is_string = t_.data_type == static_cast<int32_t>(DataType::kString);
    if (field.name == "raw_data") {
      if (is_string) {
        Error("wrong-data-field", "string tensors must use string_data, not raw_data");
      }
      return;  // the loader already checked raw_data's size against the dims
    }
    if (field.name != TypedFieldName(t_.data_type)) {
      Error("wrong-data-field",
            fmt::format("a {} tensor stores its values in {} or raw_data, not in {}",
                        DataTypeName(t_.data_type), TypedFieldName(t_.data_type), field.name));
      return;
    }
    // Complex types take two entries per element; the 4-bit types pack two elements into
    // one int32_data entry and the 2-bit types four.
    const uint64_t expected = TypedFieldSizeOf(t_.data_type, static_cast<uint64_t>(count));
    if (field.count != expected) {
      Error("data-count", fmt::format("dims {} need {} values but {} holds {}",
                                      DimsToString(t_.dims), expected, field.name, field.count));
    }
    if (is_string) {
      for (size_t i = 0; i < t_.string_data.size(); ++i) {
        if (!wire::IsValidUtf8(t_.string_data[i])) {
          Error("string-not-utf8", fmt::format("element {} is not valid UTF-8", i));
          break;
        }
      }
    }
  }

  Context& c_;
  const Tensor& t_;
  std::string where_;
  Location loc_;
};

// Reads index `i` of an int64 indices tensor (raw or typed).
std::vector<int64_t> Indices(const Tensor& t) {
  if (!t.int64_data.empty()) return t.int64_data;
  std::vector<int64_t> out;
  auto data = t.Data();
  if (!data.ok() || t.data_type != static_cast<int32_t>(DataType::kInt64)) return out;
  out.resize(data->size() / 8);
  std::memcpy(out.data(), data->data(), out.size() * 8);
  return out;
}

void CheckSparse(Context& c, const GraphScope* scope, const SparseTensor& st,
                 const std::string& where) {
  Location loc;
  if (scope) loc.graph = scope->path;
  loc.value = st.values && !st.values->name.empty() ? st.values->name : where;
  std::string label = fmt::format("sparse tensor '{}'", loc.value);
  if (!st.values || !st.indices) {
    c.Error("tensors.sparse-incomplete", loc, fmt::format("{} lacks values or indices", label));
    return;
  }
  int64_t dense = 1;
  for (int64_t d : st.dims) {
    if (d < 0 || (d != 0 && dense > INT64_MAX / d)) {
      c.Error("tensors.sparse-dims", loc,
              fmt::format("{} has invalid dims {}", label, DimsToString(st.dims)));
      return;
    }
    dense *= d;
  }
  auto nnz = st.values->ElementCount();
  if (!nnz.ok() || st.values->dims.size() != 1) {
    c.Error("tensors.sparse-values", loc, fmt::format("{}: values must be a 1-D tensor", label));
    return;
  }
  const auto& idims = st.indices->dims;
  std::vector<int64_t> idx = Indices(*st.indices);
  bool linear = idims.size() == 1;
  bool coordinates = idims.size() == 2 && idims[1] == static_cast<int64_t>(st.dims.size());
  if ((!linear && !coordinates) || idims[0] != *nnz) {
    c.Error(
        "tensors.sparse-nnz", loc,
        fmt::format("{} has {} values but indices of shape {}", label, *nnz, DimsToString(idims)));
    return;
  }
  if (static_cast<int64_t>(idx.size()) != (linear ? *nnz : *nnz * idims[1])) return;
  int64_t previous = -1;
  for (int64_t i = 0; i < *nnz; ++i) {
    int64_t flat = 0;
    if (linear) {
      flat = idx[static_cast<size_t>(i)];
    } else {
      for (size_t k = 0; k < st.dims.size(); ++k) {
        int64_t coordinate = idx[static_cast<size_t>(i) * st.dims.size() + k];
        if (coordinate < 0 || coordinate >= st.dims[k]) {
          flat = -1;
          break;
        }
        flat = flat * st.dims[k] + coordinate;
      }
    }
    if (flat < 0 || flat >= dense) {
      c.Error("tensors.sparse-index-range", loc,
              fmt::format("{} (dense shape {}) has index {} at position {}; valid: 0..{}", label,
                          DimsToString(st.dims), linear ? flat : -1, i, dense - 1));
      return;
    }
    if (flat <= previous) {
      c.Error("tensors.sparse-index-order", loc,
              fmt::format("{} indices are not strictly increasing ({} after {})", label, flat,
                          previous));
      return;
    }
    previous = flat;
  }
}

}  // namespace

void CheckTensorRules(Context& c) {
  ForEachTensor(c.model(), [&](const Tensor& t, const TensorSite& site) {
    TensorChecker(c, c.ScopeOf(site.graph), t, site.description).Run();
  });
  for (const GraphScope& s : c.graphs()) {
    for (const Value* v : s.graph->sparse_initializers()) {
      CheckSparse(c, &s, *v->sparse_initializer(), v->name());
    }
    for (const Node* n : s.graph->nodes()) {
      for (const Attribute& a : n->attributes) {
        std::string where = fmt::format("attribute '{}'", a.name);
        if (a.sparse_tensor) CheckSparse(c, &s, *a.sparse_tensor, where);
        for (const SparseTensor& st : a.sparse_tensors) CheckSparse(c, &s, st, where);
      }
    }
  }
}

}  // namespace onnxkit::check_internal
