#include "infer/node_inference.h"

#include <google/protobuf/arena.h>

namespace onnxkit::infer {

NodeInference::NodeInference(
    const onnx::NodeProto& node, const std::vector<const onnx::TypeProto*>& input_types,
    google::protobuf::Arena* arena, std::function<const onnx::TensorProto*(size_t)> input_data,
    std::function<const onnx::TensorShapeProto*(size_t)> symbolic_input,
    std::function<onnx::GraphInferencer*(const std::string&)> graph_inferencer)
    : node_(node),
      input_types_(input_types),
      input_data_(std::move(input_data)),
      symbolic_input_(std::move(symbolic_input)),
      graph_inferencer_(std::move(graph_inferencer)) {
  outputs_.reserve(static_cast<size_t>(node.output_size()));
  for (int i = 0; i < node.output_size(); ++i) {
    outputs_.push_back(google::protobuf::Arena::CreateMessage<onnx::TypeProto>(arena));
  }
}

const onnx::AttributeProto* NodeInference::getAttribute(const std::string& name) const {
  // A node has a handful of attributes: a scan allocates nothing, unlike a map per node.
  for (const onnx::AttributeProto& a : node_.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

}  // namespace onnxkit::infer
