// Space-to-depth and depth-to-space in any form, found by evaluation and replaced by a
// strided convolution (internal; shared by s2d-to-conv and d2s-to-convtranspose).
//
// A candidate is a chain of data-movement ops (Reshape, Transpose, Slice, Concat, Split,
// Squeeze, Unsqueeze, Flatten, Identity, SpaceToDepth, DepthToSpace, Expand, and ScatterND
// without reduction) whose parameters are constants and whose elements all come from one
// 4-D tensor X — a ScatterND may write into a constant, whose elements must then all be
// overwritten; also a run of consecutive inputs of a Concat that come from one X (FFDNet
// puts a noise map beside the reorganised image). The pass pushes the element indices of X
// through the chain with the evaluator (src/eval) and reads off where each output element
// comes from. It rewrites only
// when that is a block reorganisation with a static block size b:
//   space-to-depth: Y[n, k, i, j] = X[n, c(k), i·b + dy(k), j·b + dx(k)], k ↔ (c, dy, dx)
//     one to one → Conv(X, W) with W[k, c, dy, dx] = 1, kernel and strides b, no pads;
//   depth-to-space: Y[n, c, i·b + dy, j·b + dx] = X[n, k(c, dy, dx), i, j] one to one →
//     ConvTranspose(X, W) with W[k, c, dy, dx] = 1, kernel and strides b.
// Whatever channel order the chain produces is encoded in W. The chain's nodes, and the
// constants only they read, are removed; the result keeps the chain's output name.
//
// Numerical caveat: a convolution multiplies every element of a block by 0 or 1 and adds,
// so an inf or NaN anywhere in a block becomes NaN in every output channel of that pixel,
// where the chain would have moved it alone.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

enum class BlockDirection { kSpaceToDepth, kDepthToSpace };

// Rewrites every candidate of `direction` in the model's graphs (main graph, sub-graphs,
// function bodies; weights are initializers, or Constant nodes in function bodies).
// Candidates that look like one by their shapes but are not rewritten are reported with
// the reason.
// Double tensors only with `allow_double`: ONNX Runtime's CPU provider has no double Conv or
// ConvTranspose, so by default they are left alone with that reason.
PassResult RewriteBlockReorganisations(Model& model, BlockDirection direction, bool allow_double);

}  // namespace onnxkit::passes
