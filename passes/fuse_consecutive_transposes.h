// fuse-consecutive-transposes: one Transpose where two follow each other.
//
// Matches: `z = Transpose(y, perm=q)` whose input is `y = Transpose(x, perm=p)` of the same
// graph (default domain). z's axis i is x's axis p[q[i]], so the pair is one Transpose with
// perm r[i] = p[q[i]]. A missing perm reverses the axes of the rank the other perm gives
// (the three tensors have one rank); two missing perms cancel at any rank.
// Produces: when r is 0, 1, …, n-1, z's readers read x (a graph output keeps its name, see
// passes/value_forwarding.h) and the second Transpose goes; otherwise the second Transpose
// reads x with perm r. The first goes when nothing else reads y (y stays for its other
// readers). A chain of n Transposes becomes one in one run.
// Refuses (a skip with the reason): perms of different lengths or not permutations; a perm
// that refers to a function's attribute; an identity pair whose output is a graph output
// that x cannot take the name of.
// Recurses into If/Loop/Scan bodies and function bodies; training graphs are left alone.
// Counters: transposes-fused (second Transposes rewritten), nodes-removed.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class FuseConsecutiveTransposesPass : public Pass {
 public:
  explicit FuseConsecutiveTransposesPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
