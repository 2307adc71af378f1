// fuse-consecutive-casts: a Cast of a Cast reads the first one's input when the first loses
// nothing.
//
// Matches: `z = Cast(y, to=T2)` whose input is `y = Cast(x, to=T1)` of the same graph
// (default domain), where x's element type T0 is known and T1 holds every value of T0
// exactly. Then y has x's values, so casting y to T2 is casting x to T2: one rounding (or
// truncation, or saturation by the second Cast's own attributes) of the same number.
// "T1 holds T0 exactly" is, over the types this pass knows (bool, the 8- to 64-bit
// integers, float16, bfloat16, float32, float64):
//  - T1 = T0;
//  - bool into any of them (0 and 1);
//  - an integer into an integer of the same signedness and at least its bits, or unsigned
//    into a signed type of more bits;
//  - an integer of b bits into a float whose significand has p bits (the implicit one
//    included: float16 11, bfloat16 8, float32 24, float64 53) when its largest magnitude,
//    2^b - 1 unsigned or 2^(b-1) signed, is at most 2^p: uint8/int8 into every float,
//    (u)int16 into float32 and float64, (u)int32 into float64;
//  - float16 and bfloat16 into float32 and float64; float32 into float64.
// Everything else loses something and is refused: float to int to float (the fraction is
// truncated), a narrowing first Cast (int32→int8→int32 wraps), float32→float16→float32
// (rounds), anything into bool, strings, complex, the float8/float4/int4/int2 formats.
// Produces: when T2 = T0, z's readers read x (a graph output keeps its name, see
// passes/value_forwarding.h) and the second Cast goes; otherwise the second Cast reads x.
// The first goes when nothing else reads y.
// Refuses (a skip with the reason): x's element type unknown; T2 outside the types above
// (a float32 and its float64 widening print differently as strings); T1 losing values of T0; the
// `to` of either a function attribute reference.
// Recurses into If/Loop/Scan bodies and function bodies (where types are only the declared
// ones); training graphs are left alone.
// Counters: casts-fused, nodes-removed.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class FuseConsecutiveCastsPass : public Pass {
 public:
  explicit FuseConsecutiveCastsPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
