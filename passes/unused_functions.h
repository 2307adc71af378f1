// Model-local functions and opset imports nothing uses any more (internal; shared by
// eliminate-dead-code and inline-functions, which leaves behind the functions it inlined).
#pragma once

#include <cstdint>
#include <functional>

#include "onnxkit/ir.h"

namespace onnxkit::passes {

// Removes the model-local functions that no node of the main graph or of a training graph
// calls (at any depth), directly or through other remaining functions. Functions for which
// `keep` is true stay, and so do the ones they call. A model without a main graph is a
// library of functions: nothing goes. Returns how many were removed.
int64_t RemoveUncalledFunctions(Model& model,
                                const std::function<bool(const Function&)>& keep = nullptr);

// Removes the model's opset imports of domains that no node (any graph, function bodies and
// training graphs included) and no function declaration uses; the default domain stays.
// Returns how many were removed.
int64_t RemoveUnusedOpsetImports(Model& model);

}  // namespace onnxkit::passes
