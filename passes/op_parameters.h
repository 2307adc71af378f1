// The parameters of the ops whose integer lists moved from attributes to inputs between
// opsets, read the same way at every version: Squeeze/Unsqueeze axes (inputs since 13),
// Slice starts/ends/axes/steps (inputs since 10), Pad pads (`paddings` at 1, `pads` at 2,
// an input since 11, with `axes` since 18), Transpose perm, and constant integer inputs in
// general. Passes that rewrite these ops ask here instead of branching on versions each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/ir.h"

namespace onnxkit::passes {

// An integer list parameter: absent, known (an attribute or a constant input) or computed
// at run time.
struct IntsParam {
  enum class State { kAbsent, kKnown, kComputed };
  State state = State::kAbsent;
  std::vector<int64_t> values;  // when known

  bool absent() const { return state == State::kAbsent; }
  bool known() const { return state == State::kKnown; }
  bool computed() const { return state == State::kComputed; }
};

// Input `index` of `node` as integers: absent when the input is omitted, known when it is a
// constant (initializer that is no graph input, or a Constant) of an integer type.
IntsParam IntsInput(const Node& node, size_t index);
// The attribute `name` of `node` as integers (absent, or known).
IntsParam IntsAttribute(const Node& node, std::string_view name);

// Squeeze / Unsqueeze `axes`: the attribute before opset 13, input 1 since.
IntsParam SqueezeAxes(const Node& node, int64_t version);

struct SliceParams {
  IntsParam starts, ends, axes, steps;
};
// Slice's parameters: attributes before opset 10 (no steps), inputs 1–4 since.
SliceParams SliceParamsOf(const Node& node, int64_t version);

struct PadParams {
  IntsParam pads, axes;
};
// Pad's pads: attribute `paddings` at opset 1, `pads` at 2–10, input 1 since 11; `axes`
// input 3 since 18.
PadParams PadParamsOf(const Node& node, int64_t version);

// A (possibly negative) axis of a tensor of rank `rank` as 0..rank-1, or nullopt when out of
// range.
std::optional<int64_t> NormalAxis(int64_t axis, int64_t rank);

// The version of the default-domain opset that governs `node`, or 0 when none is imported.
int64_t OnnxVersionOf(const Model& model, const Node& node);

}  // namespace onnxkit::passes
