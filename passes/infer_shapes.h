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
// `refresh=true` first forgets the partial types of intermediate values (see
// ForgetPartialTypes), so that dims which became known since they were written (after
// folding, say) replace unknown ones; a value inference then cannot type gets its old
// declaration back. simplify runs it this way every round.
// Counters: values-typed (values that had no type, or a partial one that changed).
#pragma once

#include <utility>
#include <vector>

#include "onnxkit/pass.h"

namespace onnxkit::passes {

class InferShapesPass : public Pass {
 public:
  static constexpr PassOptionSpec kOptions[] = {
      {"refresh", PassOptionSpec::Kind::kBool, "false",
       "first forget the partial types of intermediate values, so that inference can refine "
       "them"},
  };
  explicit InferShapesPass(const PassOptions& options);
  StatusOr<PassResult> Run(Model& model, PassContext& context) override;

 private:
  bool refresh_;
};

// Inference never overwrites a declared type, so a type it wrote with an unknown dim stays
// so after the dim becomes computable. This takes such types away for a new inference: the
// intermediate values (node outputs no graph returns) of the main graph and its sub-graphs
// whose type is missing, of unknown rank or with a dim that is not a number lose it (their
// value_info entries stay, untyped: inference fills them in). Returns each such value with
// the declaration it had, for RestoreForgotten.
std::vector<std::pair<Value*, ValueInfo>> ForgetPartialTypes(Model& model);
// Gives back the old declaration to each value of `forgotten` that is still defined and
// that inference did not type again (or, with `all`, to every one).
void RestoreForgotten(const std::vector<std::pair<Value*, ValueInfo>>& forgotten, bool all);

}  // namespace onnxkit::passes
