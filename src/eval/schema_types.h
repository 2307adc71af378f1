// Element types checked against the op's schema at the node's opset (internal).
//
// Many ops gained element types in a later version without any other change (ReduceMax-20
// bool, Conv-22 bfloat16, TopK-24 bfloat16): one kernel serves them all, and this check
// keeps it from computing a type the governing version does not allow.
#pragma once

#include "eval/kernel.h"
#include "onnxkit/status.h"

namespace onnxkit::eval {

// OK when every given input's element type is one the schema that governs ctx.node() at
// ctx.version() allows for that input; Unimplemented naming the input and type otherwise.
Status CheckSchemaTypes(const KernelContext& ctx);

}  // namespace onnxkit::eval
