// infer-shapes: writes the types and shapes type inference finds into the model (infer.h's
// InferModel), so that the passes after it see them: fold-constants folds Shape of dims it
// finds, fusions check shapes. The step the `simplify` pipeline repeats after every round.
//
// Matches: values without a declared type that inference types (the main graph, sub-graphs
// and training graphs; not function bodies). Produces: those types, and a value_info entry
// for each typed intermediate value. Declared types are never changed.
// Refuses nothing: what inference cannot type stays untyped, and each finding (a node
// inference rejects, an inferred type against a declared one) is reported as a node left
// alone, with the message.
// Counters: values-typed.
#pragma once

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class InferShapesPass : public Pass {
 public:
  explicit InferShapesPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;
};

}  // namespace onnxkit::passes
