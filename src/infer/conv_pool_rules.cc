// Convolution and pooling attributes, as their specs define them over the spatial axes of X
// (rank - 2 of them): kernel_shape, strides and dilations hold one value >= 1 per spatial
// axis, pads one value >= 0 per start and end, output_padding one value >= 0 per axis, and
// group is >= 1. libonnx's inference functions divide by strides and index X's dims by the
// kernel's length.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "infer/precondition_rules.h"

namespace onnxkit::infer {
namespace {

// The ops of the family, with the input that holds X.
struct ConvPoolOp {
  std::string_view op;
  size_t data_input;
};
constexpr std::array kConvPoolOps{
    ConvPoolOp{"Conv", 0},          ConvPoolOp{"ConvInteger", 0}, ConvPoolOp{"QLinearConv", 0},
    ConvPoolOp{"ConvTranspose", 0}, ConvPoolOp{"DeformConv", 0},  ConvPoolOp{"MaxPool", 0},
    ConvPoolOp{"AveragePool", 0},   ConvPoolOp{"LpPool", 0},      ConvPoolOp{"MaxUnpool", 0},
};

// One list attribute: its least value, and its length in spatial axes (2 for pads).
struct ListAttribute {
  std::string_view name;
  int64_t min_value;
  size_t per_axis;
};
constexpr std::array kListAttributes{
    ListAttribute{"kernel_shape", 1, 1},   ListAttribute{"strides", 1, 1},
    ListAttribute{"dilations", 1, 1},      ListAttribute{"pads", 0, 2},
    ListAttribute{"output_padding", 0, 1},
};

void CheckList(const NodeFacts& node, const ListAttribute& rule, std::optional<int> rank,
               Violations& out) {
  // Only attributes given on the node: the schema defaults are empty lists.
  std::optional<std::vector<int64_t>> values = node.Ints(rule.name);
  if (!values || values->empty()) return;
  auto bad =
      std::find_if(values->begin(), values->end(), [&](int64_t v) { return v < rule.min_value; });
  if (bad != values->end()) {
    out.push_back({Violation::Kind::kAttributeValue, AttributeSlot(rule.name),
                   fmt::format("{} of {} must be at least {}, got {}", rule.name, node.op_type(),
                               rule.min_value, *bad)});
  }
  if (rank && *rank >= 2) {
    size_t expected = rule.per_axis * static_cast<size_t>(*rank - 2);
    if (values->size() != expected) {
      out.push_back({Violation::Kind::kAttributeLength, AttributeSlot(rule.name),
                     fmt::format("{} has {} values but X of rank {} needs {} ({} per spatial "
                                 "axis)",
                                 rule.name, values->size(), *rank, expected, rule.per_axis)});
    }
  }
}

}  // namespace

void CheckConvPoolAttributes(const NodeFacts& node, Violations& out) {
  auto op = std::find_if(kConvPoolOps.begin(), kConvPoolOps.end(),
                         [&](const ConvPoolOp& o) { return o.op == node.op_type(); });
  if (op == kConvPoolOps.end()) return;
  std::optional<int> rank = node.Rank(op->data_input);
  for (const ListAttribute& rule : kListAttributes) CheckList(node, rule, rank, out);
  if (std::optional<int64_t> group = node.Int("group"); group && *group < 1) {
    out.push_back({Violation::Kind::kAttributeValue, AttributeSlot("group"),
                   fmt::format("group of {} must be at least 1, got {}", node.op_type(), *group)});
  }
}

}  // namespace onnxkit::infer
