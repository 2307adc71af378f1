// eliminate-nop: removes nodes whose output is one of their inputs, unchanged.
//
// Matches (default domain; every case needs the output to equal the input in element type,
// shape and values; the node's other outputs, if any, must be unread):
//  1. Dropout in inference: opset 7–11 always; since 12 when `training_mode` is omitted or a
//     constant false, or a constant true with a constant `ratio` of 0 (nothing is dropped);
//     before 7 when `is_test` is 1. Its `mask` output must be unread.
//  2. Cast whose `to` is its input's element type; CastLike whose two inputs have one
//     element type.
//  3. Expand to a constant shape that broadcasts to the input's own shape: at most the
//     input's rank, each entry 1 or the input's (known) dim.
//  4. Reshape to a constant shape that gives the input's shape: the same rank, each entry
//     the input's known dim, 0 (copy the dim, unless `allowzero` = 1), or one -1 when every
//     other dim matches (and no known dim is 0).
//  5. Flatten of a rank-2 input at axis 1 (or -1).
//  6. Squeeze without axes of an input with no dim of 1 (every dim known); Unsqueeze with a
//     constant empty axes list.
//  7. Slice over the full range: every sliced axis starts at 0 (or at -dim or below) and ends
//     at its dim or beyond (the dim known, or an end of 2^62 and more), with step 1.
//  8. Transpose with perm 0, 1, …, n-1 (or without perm, of a tensor of rank 0 or 1).
//  9. Pad whose pads are all 0 (any mode, constant value or axes).
// 10. Concat of one input; Split into one output.
// 11. Add of 0 (either side), Sub of 0 (the subtrahend), Mul by 1 (either side), Div by 1
//     (the divisor), opset 7 and later: the constant (every element 0, resp. 1; -0 counts as
//     0) must not change the output's shape: its rank at most the other input's, each of its
//     dims 1 or the other input's known dim. Exact for every value but the sign of a zero:
//     -0 + 0 is +0, where the rewritten model keeps -0 (equal as numbers).
// 12. Tile with every repeat 1 (opset 6 and later).
// Shapes and element types come from the declared types, else from shape inference on a copy
// of the model (passes/static_types.h); parameters at every opset form (attributes before
// Squeeze-13, Slice-10, Pad-11; inputs since) from passes/op_parameters.h.
// Produces: the readers of the node's output read its input; a graph output keeps its name
// (passes/value_forwarding.h: the input takes the name, when it may).
// Refuses (a skip with the reason, the node stays): a candidate whose decision needs a shape,
// rank or element type that is unknown, or a parameter computed at run time; a Dropout that
// may drop (training mode) or whose mask is read; a graph output whose input cannot take
// its name. Not handled: Resize and Upsample with unit scales (left alone).
// Recurses into If/Loop/Scan bodies and function bodies (where types are only the declared
// ones). Training graphs are left as they are (see passes/graph_sites.h).
// Counters: nodes-removed, outputs-renamed.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class EliminateNopPass : public Pass {
 public:
  explicit EliminateNopPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
