#include "infer/preconditions.h"

#include <fmt/format.h>

#include "infer/precondition_rules.h"

namespace onnxkit::infer {

std::string InputSlot(const NodeFacts& node, size_t i) {
  return fmt::format("input {} ({})", i, node.InputName(i));
}

std::string AttributeSlot(std::string_view name) { return fmt::format("attribute '{}'", name); }

std::vector<Violation> CheckPreconditions(
    const onnx::OpSchema& schema, const onnx::NodeProto& node,
    const std::vector<const onnx::TypeProto*>& input_types,
    std::function<const onnx::TensorProto*(size_t)> input_data) {
  NodeFacts facts(schema, node, input_types, std::move(input_data));
  Violations out;
  // Sizes first: the other rules do arithmetic on dims and attributes.
  CheckSizes(facts, out);
  CheckInputRanks(facts, out);
  CheckConvPoolAttributes(facts, out);
  CheckAxes(facts, out);
  CheckEinsumEquation(facts, out);
  CheckInputValues(facts, out);
  return out;
}

}  // namespace onnxkit::infer
