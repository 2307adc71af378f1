// Graph surgery on the main graph: cutting a sub-model out of a model, and changing which
// tensors a model returns. Each function is what one `onnxkit` subcommand runs (`extract`,
// `add-output`, `remove-output`); the CLI only parses and prints.
//
// Tensors are named as the main graph names them (graph inputs, initializers, node outputs);
// a name that only a sub-graph defines is refused with that said. A tensor that becomes a
// graph input or output keeps its declared type, and one without a declared type gets the
// type shape inference finds for it on a copy of the model (the model itself gets no
// value_info entries it did not ask for).
//
// Errors, and what they mean to a caller:
//   NotFound            a name the main graph does not define (the message suggests the
//                       closest one);
//   InvalidArgument     a request the model cannot satisfy as asked: an output that cannot be
//                       computed from the given inputs, an initializer given as an input, a
//                       name given twice, a tensor that already is an output;
//   FailedPrecondition  the model lacks what the request needs: no main graph, a new graph
//                       input whose type is neither declared nor inferable.
// On any error the model is unchanged: every check runs before the first edit.
//
// Weights: nothing here reads tensor data. Initializers the result no longer uses are
// dropped with their (lazy) data sources, so cutting a small part out of a model whose
// external weights exceed memory reads none of the dropped weights; saving reads only the
// ones kept (or none, when their references stay valid).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit {

// What an edit removed, for reports.
struct SurgeryStats {
  int64_t nodes_removed = 0;
  int64_t initializers_removed = 0;  // dense and sparse, main graph
  int64_t functions_removed = 0;     // model-local functions nothing calls any more
  // Tensors that got their type from inference (they had none declared), in request order.
  std::vector<std::string> typed_by_inference;
};

struct ExtractSpec {
  // The sub-model's graph inputs, in this order: graph inputs or node outputs of the main
  // graph (not initializers: a constant is no input).
  std::vector<std::string> inputs;
  // The sub-model's graph outputs, in this order: any tensor of the main graph.
  std::vector<std::string> outputs;
};

// Replaces `model` by the sub-model that computes `spec.outputs` from `spec.inputs`:
//   - the nodes kept are exactly those the outputs need, walking back from them and stopping
//     at the given inputs and at initializers; a node needs what it reads directly and what
//     the nodes of its sub-graphs (If/Loop/Scan bodies, at any depth) read from outside them;
//   - an output that needs a graph input that is not among `spec.inputs`, or a tensor nothing
//     defines, is an error naming that tensor and the output; so is a given input whose
//     producing node must stay for another output (the tensor would be defined twice);
//   - a given input that no output needs stays an input (the interface is as asked);
//   - graph inputs that carry an initializer (an overridable default) and that the outputs
//     need stay inputs, after the given ones (IR 3 models list every initializer as an input);
//   - initializers, sparse initializers, value_info entries and quantization annotations of
//     removed tensors go; so do model-local functions nothing calls any more and opset
//     imports nothing uses any more; training_info goes (its algorithm reads the main
//     graph by name, and the sub-model is an inference model);
//   - node order, names, attributes, metadata and everything else kept stay as they were.
StatusOr<SurgeryStats> Extract(Model& model, const ExtractSpec& spec);

// Appends each tensor of `names` (any tensor of the main graph: a node output, a graph input
// or an initializer) to the main graph's outputs, in order, with its declared or inferred
// type; a tensor whose type cannot be inferred either becomes an output without a type (ONNX
// allows it; `typed_by_inference` does not list it). A tensor that already is an output, or
// a name given twice, is an error.
StatusOr<SurgeryStats> AddOutputs(Model& model, const std::vector<std::string>& names);

struct RemoveOutputsOptions {
  // Also remove what only the removed outputs needed: the nodes, initializers and functions
  // that nothing else uses once the outputs are gone (what was unused before stays).
  bool prune = false;
};

// Removes the main-graph outputs named by `names` (every slot of that name). By default only
// the interface changes: the nodes that computed a removed output stay, as `onnxkit
// rewrite --pass eliminate-dead-code` would find them. An unknown output, a name given
// twice, and removing every output (the model would compute nothing) are errors.
StatusOr<SurgeryStats> RemoveOutputs(Model& model, const std::vector<std::string>& names,
                                     const RemoveOutputsOptions& options = {});

}  // namespace onnxkit
