#include "handles.h"

#include <fmt/format.h>

#include <utility>

namespace onnxkit::python {

void ThrowIfError(const Status& status) {
  if (!status.ok()) throw StatusError{status};
}

void ThrowError(absl::StatusCode code, std::string message) {
  throw StatusError{Status(code, message)};
}

void ModelHandle::Reset(std::unique_ptr<Model> model) {
  model_ = std::move(model);
  Invalidate();
}

void ModelHandle::Added(const void* object) {
  if (live_epoch_ == epoch_) live_.insert(object);
}

bool ModelHandle::IsLive(const void* object) {
  if (live_epoch_ != epoch_) Rebuild();
  return live_.contains(object);
}

void ModelHandle::Rebuild() {
  live_.clear();
  ForEachGraph(*model_, [&](const Graph& graph) {
    live_.insert(&graph);
    for (const Node* node : graph.nodes()) live_.insert(node);
    for (const Value* value : graph.values()) live_.insert(value);
  });
  for (const auto& function : model_->functions) live_.insert(function.get());
  live_epoch_ = epoch_;
}

namespace {
template <typename T>
T& Checked(const HandlePtr& handle, T* object, const char* what) {
  if (object == nullptr || !handle->IsLive(object)) {
    ThrowError(absl::StatusCode::kFailedPrecondition,
               fmt::format("this {} is no longer part of its model (it was removed)", what));
  }
  return *object;
}
}  // namespace

Graph& PyGraph::get() const { return Checked(handle, graph, "graph"); }
Node& PyNode::get() const { return Checked(handle, node, "node"); }
Value& PyValue::get() const { return Checked(handle, value, "value"); }
Function& PyFunction::get() const { return Checked(handle, function, "function"); }

}  // namespace onnxkit::python
