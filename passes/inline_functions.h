// inline-functions: replaces every call of a model-local function by the function's body —
// the ONNX counterpart of TorchScript's `inline`.
//
// Matches: a node whose (domain, op_type) names a model-local function, in the main graph,
// in sub-graphs at any depth, in training graphs and in other functions' bodies (nested
// calls are inlined too: callees are flattened first, so each call is copied once).
// Produces: the body's nodes in place of the call, with
//   - the call's inputs read where the body read its formal inputs (an omitted optional
//     input stays omitted) and the body's results under the call's output names, so graph
//     outputs keep their names;
//   - attributes that refer to the function's attributes (`ref_attr_name`) replaced by the
//     call's values, else by the function's defaults (`attribute_proto`, IR 9), else dropped,
//     as the ONNX spec says for an attribute a call leaves unset;
//   - fresh value names unique in the whole model, and node names `call/inner`;
//   - the opset imports the body needs added to the caller's imports.
// Afterwards the inlined functions that nothing calls any more are removed, and the opset
// imports of their domains when no node uses those domains (unless keep-definitions).
// An opset the function imports at another version than the caller is reconciled when every
// op the body uses has the same schema at both versions (an Add of opset 14 is the Add of
// opset 17); otherwise the call is refused (a skipped candidate, the call stays: the nodes
// would be read at the wrong version). Also refused: a function that uses a domain it does
// not import; a call with more outputs than the function, or whose omitted
// input the body returns as an output. Recursion (A calls B calls A) is an error naming the
// cycle; the model is then unchanged.
//
// Options: functions (names separated by ':'; empty = all) and keep-definitions.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class InlineFunctionsPass : public Pass {
 public:
  explicit InlineFunctionsPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;

 private:
  std::vector<std::string> only_;  // function names to inline; empty = every function
  bool keep_definitions_;
};

}  // namespace onnxkit::passes
