// The element type an op's schema allows its outputs at the governing opset (internal).
//
// Input types are checked for every kernel before it runs (Support() in kernel.cc, against
// the schema of the node's own opset); an output whose type an attribute chooses (Cast's
// `to`) is checked by its kernel with CheckOutputType.
#pragma once

#include <cstdint>

#include "eval/kernel.h"

namespace onnxkit::eval {

// InvalidArgument when output `index` of the schema at ctx.version() cannot have element
// type `type` (Cast-6 has no bfloat16, Cast-6 and -7 no string).
Status CheckOutputType(const KernelContext& ctx, size_t index, int32_t type);

}  // namespace onnxkit::eval
