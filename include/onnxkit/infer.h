// Type and shape inference over the IR, with libonnx's inference functions node by node.
#pragma once

#include "onnxkit/check.h"
#include "onnxkit/ir.h"

namespace onnxkit {

struct InferStats {
  size_t values_typed = 0;  // values that had no type and now have one
};

// Infers the types of the model's values and writes them in: values that had no declared
// type get one (intermediates are added to their graph's value_info, graph outputs get
// their declaration filled). Conflicts and failures are reported in `diagnostics` (the
// "types" group's codes); declared types are never overwritten. Function bodies are left
// as they are (they declare no types).
InferStats InferShapes(Model& model, Diagnostics& diagnostics);

}  // namespace onnxkit
