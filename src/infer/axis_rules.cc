// Axis attributes within the rank of the input they index, as the ops' specs define the
// range: most accept [-r, r-1]; those that insert or split at an axis accept [-r, r]; OneHot
// adds an axis, so [-r-1, r]. libonnx's inference functions index dims by some of these
// without checking (LayerNormalization's axis, GatherND's batch_dims).
#include <fmt/format.h>

#include <array>
#include <string_view>

#include "infer/precondition_rules.h"

namespace onnxkit::infer {
namespace {

// The range of an axis over rank r: [-(r + extra), r - 1 + extra].
struct AxisRule {
  std::string_view op;
  std::string_view attribute;
  size_t input;         // the input whose rank the axis indexes
  int extra;            // 0: [-r, r-1]; 1: [-r-1, r] or [-r, r] (see below)
  bool negative_extra;  // whether the negative end is extended too
  int until_version;    // the rule applies to schemas up to this since-version (0: all)
};

constexpr std::array kAxisRules{
    AxisRule{"Concat", "axis", 0, 0, false, 0},
    AxisRule{"Gather", "axis", 0, 0, false, 0},
    AxisRule{"GatherElements", "axis", 0, 0, false, 0},
    AxisRule{"ScatterElements", "axis", 0, 0, false, 0},
    AxisRule{"Split", "axis", 0, 0, false, 0},
    AxisRule{"ArgMax", "axis", 0, 0, false, 0},
    AxisRule{"ArgMin", "axis", 0, 0, false, 0},
    AxisRule{"TopK", "axis", 0, 0, false, 0},
    AxisRule{"Compress", "axis", 0, 0, false, 0},
    AxisRule{"LpNormalization", "axis", 0, 0, false, 0},
    // Flatten, LayerNormalization, and the softmax family before opset 13, split the shape
    // at the axis.
    AxisRule{"Flatten", "axis", 0, 1, false, 0},
    AxisRule{"LayerNormalization", "axis", 0, 1, false, 0},
    AxisRule{"Softmax", "axis", 0, 1, false, 11},
    AxisRule{"LogSoftmax", "axis", 0, 1, false, 11},
    AxisRule{"Hardmax", "axis", 0, 1, false, 11},
    AxisRule{"OneHot", "axis", 0, 1, true, 0},
};

bool Applies(const AxisRule& rule, const NodeFacts& node) {
  return rule.op == node.op_type() &&
         (rule.until_version == 0 || node.since_version() <= rule.until_version);
}

void CheckBatchDims(const NodeFacts& node, Violations& out) {
  std::optional<int64_t> batch_dims = node.Int("batch_dims");
  std::optional<int> r = node.Rank(0), q = node.Rank(1);
  if (!batch_dims || !r || !q) return;
  if (*batch_dims < 0 || *batch_dims >= std::min(*r, *q)) {
    out.push_back({Violation::Kind::kAttributeValue, AttributeSlot("batch_dims"),
                   fmt::format("batch_dims of GatherND must be in [0, {}) for data of rank {} "
                               "and indices of rank {}, got {}",
                               std::min(*r, *q), *r, *q, *batch_dims)});
  }
}

}  // namespace

void CheckAxes(const NodeFacts& node, Violations& out) {
  if (node.op_type() == "GatherND") CheckBatchDims(node, out);
  for (const AxisRule& rule : kAxisRules) {
    if (!Applies(rule, node)) continue;
    std::optional<int64_t> axis = node.Int(rule.attribute);
    std::optional<int> rank = node.Rank(rule.input);
    if (!axis || !rank) continue;
    int64_t low = -*rank - (rule.negative_extra ? rule.extra : 0);
    int64_t high = *rank - 1 + rule.extra;
    if (*axis < low || *axis > high) {
      out.push_back(
          {Violation::Kind::kAttributeValue, AttributeSlot(rule.attribute),
           fmt::format("{} of {} must be in [{}, {}] for {} of rank {}, got {}", rule.attribute,
                       node.op_type(), low, high, node.InputName(rule.input), *rank, *axis)});
    }
  }
}

}  // namespace onnxkit::infer
