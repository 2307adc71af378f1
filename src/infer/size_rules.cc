// Sizes small enough for the arithmetic of shape inference. ONNX itself bounds nothing but
// int64, while inference functions multiply sizes, add pads, square block sizes, and build a
// shape as long as an input: with int64-sized operands these overflow (a division by a
// wrapped zero is SIGFPE) or run for hours. Size attributes and shape-input lengths past the
// bounds (preconditions.h) are reported; input dims past them are made unknown instead
// (bounded_types.h), since a declared dim may legally be huge.
#include <fmt/format.h>

#include <array>
#include <string_view>

#include "infer/precondition_rules.h"

namespace onnxkit::infer {
namespace {

// Attributes that are sizes (or counts of elements) wherever they appear.
constexpr std::array<std::string_view, 8> kSizeAttributes{
    "kernel_shape",   "strides",      "dilations", "pads",
    "output_padding", "output_shape", "blocksize", "group"};

// Inputs whose length becomes the rank of the output (a 1-D shape).
struct RankInput {
  std::string_view op;
  size_t input;
};
constexpr std::array kRankInputs{
    RankInput{"ConstantOfShape", 0}, RankInput{"Expand", 1},
    RankInput{"Reshape", 1},         RankInput{"Tile", 1},
    RankInput{"Resize", 3},          RankInput{"Upsample", 1},
};

// Attributes that count some of the node's inputs (Scan's scan inputs are its last M).
struct CountAttribute {
  std::string_view op;
  std::string_view attribute;
};
constexpr std::array kCountAttributes{CountAttribute{"Scan", "num_scan_inputs"}};
// Attributes that count the node's outputs: inference builds that many output shapes, so
// 2^31 of them exhaust the memory before any other check could fail (Split-18).
constexpr std::array kOutputCountAttributes{CountAttribute{"Split", "num_outputs"}};

void CheckCount(const NodeFacts& node, std::string_view name, Violations& out) {
  std::optional<int64_t> count = node.Int(name);
  auto inputs = static_cast<int64_t>(node.num_inputs());
  if (count && (*count < 1 || *count > inputs)) {
    out.push_back({Violation::Kind::kAttributeValue, AttributeSlot(name),
                   fmt::format("{} of {} must be in [1, {}] (its number of inputs), got {}", name,
                               node.op_type(), inputs, *count)});
  }
}

void CheckOutputCount(const NodeFacts& node, std::string_view name, Violations& out) {
  std::optional<int64_t> count = node.Int(name);
  auto outputs = static_cast<int64_t>(node.num_outputs());
  if (count && *count != outputs) {
    out.push_back({Violation::Kind::kAttributeValue, AttributeSlot(name),
                   fmt::format("{} of {} must equal its number of outputs ({}), got {}", name,
                               node.op_type(), outputs, *count)});
  }
}

// Dims too large for the arithmetic are made unknown before inference (bounded_types.h);
// a negative dim is no size at all.
void CheckNegativeDims(const NodeFacts& node, size_t i, Violations& out) {
  const onnx::TensorShapeProto* shape = node.Shape(i);
  if (!shape) return;
  for (int d = 0; d < shape->dim_size(); ++d) {
    if (shape->dim(d).has_dim_value() && shape->dim(d).dim_value() < 0) {
      out.push_back({Violation::Kind::kNegativeDim, InputSlot(node, i),
                     fmt::format("{} has a negative dimension {} ({})", node.InputName(i), d,
                                 shape->dim(d).dim_value())});
      return;
    }
  }
}

void CheckSizeAttribute(const NodeFacts& node, std::string_view name, Violations& out) {
  const onnx::AttributeProto* a = node.Attribute(name);
  if (!a) return;
  std::vector<int64_t> values(a->ints().begin(), a->ints().end());
  if (a->type() == onnx::AttributeProto::INT) values.push_back(a->i());
  for (int64_t v : values) {
    if (v > kMaxSize || v < -kMaxSize) {
      out.push_back({Violation::Kind::kTooLarge, AttributeSlot(name),
                     fmt::format("{} of {} holds {}, beyond ±2^31", name, node.op_type(), v)});
      return;
    }
  }
}

// Int attributes that are counts or sizes and must be at least 1.
struct PositiveAttribute {
  std::string_view op;
  std::string_view attribute;
  bool reported_by_schema_rules;  // schema.attr-value reports it already
};
constexpr std::array kPositiveAttributes{
    PositiveAttribute{"DepthToSpace", "blocksize", true},
    PositiveAttribute{"SpaceToDepth", "blocksize", true},
    PositiveAttribute{"GroupNormalization", "num_groups", false},
    PositiveAttribute{"RNN", "hidden_size", false},
    PositiveAttribute{"GRU", "hidden_size", false},
    PositiveAttribute{"LSTM", "hidden_size", false},
    PositiveAttribute{"LRN", "size", false},
};

void CheckPositive(const NodeFacts& node, const PositiveAttribute& rule, Violations& out) {
  std::optional<int64_t> value = node.Int(rule.attribute);
  if (!value || *value >= 1) return;
  out.push_back(
      {Violation::Kind::kAttributeValue, AttributeSlot(rule.attribute),
       fmt::format("{} of {} must be at least 1, got {}", rule.attribute, node.op_type(), *value),
       rule.reported_by_schema_rules});
}

void CheckRankInput(const NodeFacts& node, size_t i, Violations& out) {
  const onnx::TensorShapeProto* shape = node.Shape(i);
  int64_t length = -1;
  if (shape && shape->dim_size() == 1 && shape->dim(0).has_dim_value()) {
    length = shape->dim(0).dim_value();
  } else if (auto data = node.IntData(i)) {
    length = static_cast<int64_t>(data->size());
  }
  if (length > kMaxRank) {
    out.push_back({Violation::Kind::kTooLarge, InputSlot(node, i),
                   fmt::format("{} lists {} dims: {} would give an output of rank {}, more "
                               "than {}",
                               node.InputName(i), length, node.op_type(), length, kMaxRank)});
  }
}

}  // namespace

void CheckSizes(const NodeFacts& node, Violations& out) {
  for (size_t i = 0; i < node.num_inputs(); ++i) CheckNegativeDims(node, i, out);
  for (std::string_view name : kSizeAttributes) CheckSizeAttribute(node, name, out);
  for (const PositiveAttribute& p : kPositiveAttributes) {
    if (p.op == node.op_type()) CheckPositive(node, p, out);
  }
  for (const CountAttribute& c : kCountAttributes) {
    if (c.op == node.op_type()) CheckCount(node, c.attribute, out);
  }
  for (const CountAttribute& c : kOutputCountAttributes) {
    if (c.op == node.op_type()) CheckOutputCount(node, c.attribute, out);
  }
  for (const RankInput& r : kRankInputs) {
    if (r.op == node.op_type()) CheckRankInput(node, r.input, out);
  }
}

}  // namespace onnxkit::infer
