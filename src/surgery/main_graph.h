// What the surgery functions share (internal): finding main-graph tensors by name with errors
// that help, the values a node needs from the main graph, and types inferred on a copy.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit::surgery {

// FailedPrecondition when the model has no main graph.
Status RequireMainGraph(const Model& model);

// InvalidArgument naming the first name given twice; `what` says which list ("input").
Status RequireDistinct(const std::vector<std::string>& names, std::string_view what);

// The tensors the main graph defines (graph inputs, initializers, node outputs), by name.
class MainGraphTensors {
 public:
  explicit MainGraphTensors(const Model& model);
  // The tensor named `name`; NotFound otherwise, saying whether a sub-graph or function
  // defines it, or that it is read but defined nowhere, or suggesting the closest name.
  // `role` names it in the message ("input", "output").
  StatusOr<Value*> Find(const std::string& name, std::string_view role) const;

 private:
  const Model& model_;
  absl::flat_hash_map<std::string, Value*> defined_;
  absl::flat_hash_map<std::string, Value*> undefined_;
};

// Calls `fn` for every main-graph value `node` needs: its inputs, and what the nodes and
// outputs of its sub-graphs (at any depth) read from the main graph. `node` is a main-graph
// node. A value may come more than once.
void ForEachMainGraphRead(const Node& node, const std::function<void(Value*)>& fn);

// The types shape inference gives the main-graph tensors `names`, inferred on a copy of the
// model (the model itself is not changed). Names inference leaves untyped are absent. An
// error when the copy cannot be made.
StatusOr<absl::flat_hash_map<std::string, Type>> InferredTypes(
    const Model& model, const std::vector<std::string>& names);

// Removes the value_info entries of `value` in `graph` (a graph input or output declares it).
void RemoveValueInfoOf(Graph& graph, const Value* value);

}  // namespace onnxkit::surgery
