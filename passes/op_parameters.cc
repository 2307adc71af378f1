#include "passes/op_parameters.h"

#include "onnxkit/constant.h"

namespace onnxkit::passes {

IntsParam IntsInput(const Node& node, size_t index) {
  IntsParam p;
  const Value* v = node.input(index);
  if (!v) return p;
  p.state = IntsParam::State::kComputed;
  if (!IsConstant(v)) return p;
  StatusOr<Tensor> t = ConstantTensor(v);
  if (!t.ok() || t->data_type == static_cast<int32_t>(DataType::kFloat) ||
      t->data_type == static_cast<int32_t>(DataType::kDouble)) {
    return p;
  }
  StatusOr<std::vector<int64_t>> values = ToInt64s(*t, int64_t{1} << 16);
  if (!values.ok()) return p;
  p.state = IntsParam::State::kKnown;
  p.values = std::move(*values);
  return p;
}

IntsParam IntsAttribute(const Node& node, std::string_view name) {
  IntsParam p;
  if (!node.FindAttribute(name)) return p;
  std::optional<std::span<const int64_t>> ints = node.GetInts(name);
  if (!ints) {
    p.state = IntsParam::State::kComputed;  // a reference to a function's attribute
    return p;
  }
  p.state = IntsParam::State::kKnown;
  p.values.assign(ints->begin(), ints->end());
  return p;
}

IntsParam SqueezeAxes(const Node& node, int64_t version) {
  return version < 13 ? IntsAttribute(node, "axes") : IntsInput(node, 1);
}

SliceParams SliceParamsOf(const Node& node, int64_t version) {
  if (version < 10) {
    return {IntsAttribute(node, "starts"), IntsAttribute(node, "ends"), IntsAttribute(node, "axes"),
            IntsParam{}};
  }
  return {IntsInput(node, 1), IntsInput(node, 2), IntsInput(node, 3), IntsInput(node, 4)};
}

PadParams PadParamsOf(const Node& node, int64_t version) {
  if (version < 2) return {IntsAttribute(node, "paddings"), IntsParam{}};
  if (version < 11) return {IntsAttribute(node, "pads"), IntsParam{}};
  return {IntsInput(node, 1), version >= 18 ? IntsInput(node, 3) : IntsParam{}};
}

std::optional<int64_t> NormalAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

int64_t OnnxVersionOf(const Model& model, const Node& node) {
  return model.OpsetVersionOf(node).value_or(0);
}

}  // namespace onnxkit::passes
