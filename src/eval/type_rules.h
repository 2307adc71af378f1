// The element types an op's schema allows at the governing opset (internal).
//
// A kernel's input0_types mask is the union over every version it serves, but the specs
// widen their type lists over time (Relu takes int32 from opset 14, Clip from 12, BitShift
// signed integers from 28): a kernel calls CheckSchemaTypes to refuse a type the schema
// of the node's own opset does not allow, instead of evaluating an invalid model.
#pragma once

#include <cstdint>

#include "eval/kernel.h"

namespace onnxkit::eval {

// Unimplemented naming the input and the schema version when an input's element type is
// not in its type constraint of the schema at ctx.version().
Status CheckSchemaTypes(const KernelContext& ctx);

// InvalidArgument when output `index` of the schema at ctx.version() cannot have element
// type `type` (Cast-6 has no bfloat16, Cast-6 and -7 no string).
Status CheckOutputType(const KernelContext& ctx, size_t index, int32_t type);

}  // namespace onnxkit::eval
