// replace-initializer: new data for an initializer, of the same element type and dims
// unless forced.
#include <fmt/format.h>

#include "onnxkit/edit.h"
#include "surgery/scope.h"

namespace onnxkit {
namespace {

std::string TensorType(int32_t data_type, const std::vector<int64_t>& dims) {
  return fmt::format("{}[{}]", DataTypeName(data_type), fmt::join(dims, ","));
}

StatusOr<Value*> FindInitializer(Model& model, std::string_view name) {
  std::vector<Value*> found;
  std::vector<std::string> names;
  bool is_other_value = false;
  for (Graph* graph : surgery::ScopeGraphs(model)) {
    for (Value* v : graph->initializers()) {
      if (v->name() == name) found.push_back(v);
      names.push_back(v->name());
    }
    for (Value* v : graph->values()) {
      is_other_value = is_other_value || (v->name() == name && v->initializer() == nullptr);
    }
  }
  if (found.size() > 1) {
    return absl::InvalidArgumentError(fmt::format(
        "replace-initializer: {} graphs have an initializer named '{}'; rename one first",
        found.size(), name));
  }
  if (!found.empty()) return found.front();
  if (is_other_value) {
    return absl::InvalidArgumentError(
        fmt::format("replace-initializer: '{}' is a value but not a (dense) initializer", name));
  }
  return absl::NotFoundError(fmt::format("replace-initializer: no initializer named '{}'{}", name,
                                         surgery::DidYouMean(name, names)));
}

}  // namespace

Status ReplaceInitializer(Model& model, std::string_view name, Tensor tensor,
                          const ReplaceInitializerOptions& options) {
  ONNXKIT_ASSIGN_OR_RETURN(Value * value, FindInitializer(model, name));
  Tensor& old = *value->mutable_initializer();
  const bool same_type = tensor.data_type == old.data_type && tensor.dims == old.dims;
  if (!same_type && !options.force) {
    return absl::InvalidArgumentError(fmt::format(
        "replace-initializer: initializer '{}' is {}, the new tensor {} (--force replaces it "
        "anyway)",
        name, TensorType(old.data_type, old.dims), TensorType(tensor.data_type, tensor.dims)));
  }
  // A count of values that does not match the dims would make a broken model.
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, tensor.ElementCount());
  (void)count;
  tensor.name = old.name;
  if (!same_type && value->info().has_type) {
    std::vector<Dim> dims;
    for (int64_t d : tensor.dims) dims.push_back(Dim::Value(d));
    Type& declared = value->mutable_info().type;
    declared.kind = Type::Kind::kTensor;
    declared.elem_type = tensor.data_type;
    declared.shape = Shape{std::move(dims), {}};
  }
  old = std::move(tensor);
  return absl::OkStatus();
}

}  // namespace onnxkit
