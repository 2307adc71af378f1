// Removing a node whose output equals one of its inputs (an Identity, a Cast to the same
// type, a Transpose pair that cancels): its readers read that input instead, and a graph
// output keeps its name. Shared by eliminate-identity, eliminate-nop and the
// fuse-consecutive-* passes, so that they all keep graph outputs the same way.
//
// `y`, the value that goes, is replaced by `x`, the value that stays:
//  1. `y` is no graph output: every reader of `y` (sub-graph readers included) reads `x`.
//  2. `y` is an output of its own graph: `x` becomes that output under `y`'s name and
//     declared type. This needs `x` to be a node output of the same graph that is no graph
//     input, no initializer and no graph output (renaming those would change a name callers
//     or enclosing ops see).
//  Refused: case 2 when `x` is not as required; `y` returned by another graph than its own
//  (a sub-graph returning an outer value).
#pragma once

#include <optional>
#include <string>

#include "onnxkit/ir.h"

namespace onnxkit::passes {

// Why `y` cannot be replaced by `x` as described above, or nullopt when it can.
std::optional<std::string> WhyNotForwardable(const Graph& graph, const Value& x, const Value& y);

// Replaces `y` by `x` (case 1 or 2); returns whether a graph output was renamed (case 2).
// Call only when WhyNotForwardable said nothing. The producer of `y` is left to the caller
// (it has no reader of `y` left).
bool Forward(Graph& graph, Value* x, Value* y);

}  // namespace onnxkit::passes
