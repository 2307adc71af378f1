// constant-to-initializer: turns `Constant` nodes into initializers of the same name.
//
// Matches: every `Constant` node of the default domain in the main graph and in If/Loop/Scan
// bodies at any depth, in each of the operator's forms:
//   value (a tensor)            -> that tensor
//   value_float / value_int     -> a float32 / int64 scalar (dims [])
//   value_floats / value_ints   -> a float32 / int64 vector (dims [n])
//   value_string / value_strings -> a string scalar / vector
//   sparse_value                -> a sparse initializer
// Produces: an initializer of the graph that held the node (a sub-graph's Constant becomes
// that sub-graph's initializer), named as the Constant's output and carrying its declared
// type; every reader and graph output slot of the output now holds the initializer; the node
// is gone.
// Refuses (a skip with the reason, the node stays):
//  - a Constant in a function body or in a sub-graph of one: FunctionProto has no
//    initializers (and its value may be a reference to the function's attribute);
//  - a Constant of the main graph of an IR 3 model: IR < 4 requires every initializer to be
//    a graph input too, which would give the model a new, overridable input;
//  - a Constant whose value attribute is missing, repeated or of the wrong type, or whose
//    output is omitted (nothing to name the initializer after).
// Training graphs are left as they are (see passes/graph_sites.h).
// Counters: constants-converted.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class ConstantToInitializerPass : public Pass {
 public:
  explicit ConstantToInitializerPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
