#include "infer/bounded_types.h"

#include <algorithm>
#include <memory>

#include "infer/preconditions.h"

namespace onnxkit::infer {
namespace {

// The dims of `shape` to make unknown, largest first: every one above kMaxDim, then more
// until the product of the remaining non-zero dims is at most kMaxElements.
std::vector<int> DimsToForget(const onnx::TensorShapeProto& shape) {
  std::vector<int> known;
  for (int d = 0; d < shape.dim_size(); ++d) {
    if (shape.dim(d).has_dim_value() && shape.dim(d).dim_value() > 0) known.push_back(d);
  }
  std::stable_sort(known.begin(), known.end(), [&](int a, int b) {
    return shape.dim(a).dim_value() > shape.dim(b).dim_value();
  });
  std::vector<int> forget;
  // Walk from the smallest up while the product stays bounded; the rest are forgotten.
  int64_t elements = 1;
  size_t kept = known.size();
  for (size_t i = known.size(); i-- > 0;) {
    int64_t v = shape.dim(known[i]).dim_value();
    if (v > kMaxDim || v > kMaxElements / elements) {
      kept = i + 1;
      break;
    }
    elements *= v;
    kept = i;
  }
  forget.assign(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(kept));
  return forget;
}

// Bounds every tensor shape inside `type` (sequence and optional elements too).
void Bound(onnx::TypeProto& type) {
  switch (type.value_case()) {
    case onnx::TypeProto::kTensorType: {
      if (!type.tensor_type().has_shape()) return;
      auto* shape = type.mutable_tensor_type()->mutable_shape();
      for (int d : DimsToForget(*shape)) shape->mutable_dim(d)->clear_dim_value();
      return;
    }
    case onnx::TypeProto::kSequenceType:
      return Bound(*type.mutable_sequence_type()->mutable_elem_type());
    case onnx::TypeProto::kOptionalType:
      return Bound(*type.mutable_optional_type()->mutable_elem_type());
    default: return;
  }
}

// Whether any dim of `shape` is above kMaxDim or the non-zero dims multiply past
// kMaxElements; allocates nothing (every input of every node is asked).
bool TooLarge(const onnx::TensorShapeProto& shape) {
  int64_t elements = 1;
  for (const auto& dim : shape.dim()) {
    if (!dim.has_dim_value() || dim.dim_value() <= 0) continue;
    if (dim.dim_value() > kMaxDim || dim.dim_value() > kMaxElements / elements) return true;
    elements *= dim.dim_value();
  }
  return false;
}

bool NeedsBound(const onnx::TypeProto& type) {
  switch (type.value_case()) {
    case onnx::TypeProto::kTensorType:
      return type.tensor_type().has_shape() && TooLarge(type.tensor_type().shape());
    case onnx::TypeProto::kSequenceType: return NeedsBound(type.sequence_type().elem_type());
    case onnx::TypeProto::kOptionalType: return NeedsBound(type.optional_type().elem_type());
    default: return false;
  }
}

}  // namespace

BoundedInputTypes::BoundedInputTypes(const std::vector<const onnx::TypeProto*>& types)
    : original_(types) {
  for (size_t i = 0; i < types.size(); ++i) {
    // Copy only the rare type that needs it: inferring a large graph visits every input, and
    // the common case allocates nothing.
    if (!types[i] || !NeedsBound(*types[i])) continue;
    if (bounded_.empty()) bounded_ = types;
    copies_.push_back(std::make_unique<onnx::TypeProto>(*types[i]));
    Bound(*copies_.back());
    bounded_[i] = copies_.back().get();
  }
}

}  // namespace onnxkit::infer
