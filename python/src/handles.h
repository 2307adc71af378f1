// What the Python objects hold: a shared handle on the model, and raw pointers into it that
// are checked before every use.
//
// Nodes and sub-graphs are freed when they are removed (Graph::RemoveNode, a pass, a surgery
// call), but a Python object may outlive them. Every object therefore holds the model's
// handle (so the model lives while any of its objects does) and validates its pointer
// against the set of the model's live graphs, nodes and values, which is rebuilt only after
// an edit that may free something (the handle's epoch changes). Using a removed node is a
// Python exception, never a dangling pointer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit::python {

// An absl::Status that is not OK, thrown to become one of onnxkit.Error's subclasses
// (module.cc translates it).
struct StatusError {
  Status status;
};
// Throws StatusError for an error status.
void ThrowIfError(const Status& status);
template <typename T>
T ValueOrThrow(StatusOr<T> result) {
  ThrowIfError(result.status());
  return std::move(result).value();
}
// Throws onnxkit.Error's subclass for `code` with `message` (e.g. a removed node).
[[noreturn]] void ThrowError(absl::StatusCode code, std::string message);

class ModelHandle {
 public:
  explicit ModelHandle(std::unique_ptr<Model> model) : model_(std::move(model)) {}
  Model& model() { return *model_; }
  // Replaces the whole model (after a load into an existing object); frees everything.
  void Reset(std::unique_ptr<Model> model);

  // Call after anything that may free graphs, nodes or values.
  void Invalidate() { ++epoch_; }
  // Call after creating a node, so that it is known live without a rebuild.
  void Added(const void* object);
  // Whether `object` (a Graph, Node, Value or Function of this model) is still alive.
  bool IsLive(const void* object);

 private:
  void Rebuild();
  std::unique_ptr<Model> model_;
  uint64_t epoch_ = 0;
  uint64_t live_epoch_ = UINT64_MAX;
  absl::flat_hash_set<const void*> live_;
};

using HandlePtr = std::shared_ptr<ModelHandle>;

// The Python-side objects: a handle and a pointer.
struct PyModel {
  HandlePtr handle;
};
struct PyGraph {
  HandlePtr handle;
  Graph* graph;
  Graph& get() const;
};
struct PyNode {
  HandlePtr handle;
  Node* node;
  Node& get() const;
};
struct PyValue {
  HandlePtr handle;
  Value* value;
  Value& get() const;
};
struct PyFunction {
  HandlePtr handle;
  Function* function;
  Function& get() const;
};
// A graph's outputs as an editable list (graph.outputs.append(value)).
struct PyGraphOutputs {
  PyGraph graph;
};

}  // namespace onnxkit::python
