// libonnx's view of one node of our IR (internal): the onnx::InferenceContext its type and
// shape inference function runs on, and the onnx::DataPropagationContext of its partial
// evaluation of shape arithmetic. The engine (engine.h) supplies input types, constant
// inputs, propagated values and sub-graph inferencers; the contexts only adapt.
//
// A large graph runs one of each per node, so they allocate as little as possible: the
// output types come from the engine's arena (and stay there as the values' types), the
// attributes are looked up in the node's proto directly.
#pragma once

#include <onnx/defs/shape_inference.h>
#include <onnx/onnx_pb.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "schema/onnx_namespace.h"

namespace google::protobuf {
class Arena;
}

namespace onnxkit::infer {

class NodeInference : public onnx::InferenceContext {
 public:
  // `node` and `input_types` must outlive the context; the output types are created in
  // `arena`.
  NodeInference(const onnx::NodeProto& node, const std::vector<const onnx::TypeProto*>& input_types,
                google::protobuf::Arena* arena,
                std::function<const onnx::TensorProto*(size_t)> input_data,
                std::function<const onnx::TensorShapeProto*(size_t)> symbolic_input,
                std::function<onnx::GraphInferencer*(const std::string&)> graph_inferencer);

  const onnx::AttributeProto* getAttribute(const std::string& name) const override;
  size_t getNumInputs() const override { return input_types_.size(); }
  const onnx::TypeProto* getInputType(size_t i) const override {
    return i < input_types_.size() ? input_types_[i] : nullptr;
  }
  const onnx::TensorProto* getInputData(size_t i) const override { return input_data_(i); }
  size_t getNumOutputs() const override { return outputs_.size(); }
  onnx::TypeProto* getOutputType(size_t i) override { return outputs_.at(i); }
  onnx::GraphInferencer* getGraphAttributeInferencer(const std::string& name) override {
    return graph_inferencer_(name);
  }
  const onnx::SparseTensorProto* getInputSparseData(size_t) const override { return nullptr; }
  const onnx::TensorShapeProto* getSymbolicInput(size_t i) const override {
    return symbolic_input_(i);
  }

  // The output types as the inference function left them (arena-owned).
  const absl::InlinedVector<onnx::TypeProto*, 2>& outputs() const { return outputs_; }

 private:
  const onnx::NodeProto& node_;
  const std::vector<const onnx::TypeProto*>& input_types_;
  std::function<const onnx::TensorProto*(size_t)> input_data_;
  std::function<const onnx::TensorShapeProto*(size_t)> symbolic_input_;
  std::function<onnx::GraphInferencer*(const std::string&)> graph_inferencer_;
  absl::InlinedVector<onnx::TypeProto*, 2> outputs_;
};

class NodePropagation : public onnx::DataPropagationContext {
 public:
  NodePropagation(const NodeInference& inferred,
                  const std::vector<const onnx::TypeProto*>& input_types,
                  std::function<const onnx::TensorShapeProto*(size_t)> input_data,
                  std::function<void(size_t, onnx::TensorShapeProto&&)> output_data)
      : inferred_(inferred),
        input_types_(input_types),
        input_data_(std::move(input_data)),
        output_data_(std::move(output_data)) {}

  const onnx::AttributeProto* getAttribute(const std::string& name) const override {
    return inferred_.getAttribute(name);
  }
  size_t getNumInputs() const override { return input_types_.size(); }
  const onnx::TypeProto* getInputType(size_t i) const override {
    return i < input_types_.size() ? input_types_[i] : nullptr;
  }
  size_t getNumOutputs() const override { return inferred_.outputs().size(); }
  const onnx::TypeProto* getOutputType(size_t i) const override {
    return i < inferred_.outputs().size() ? inferred_.outputs()[i] : nullptr;
  }
  const onnx::TensorShapeProto* getInputData(size_t i) override { return input_data_(i); }
  void addOutputData(size_t i, onnx::TensorShapeProto&& data) override {
    output_data_(i, std::move(data));
  }

 private:
  const NodeInference& inferred_;
  const std::vector<const onnx::TypeProto*>& input_types_;
  std::function<const onnx::TensorShapeProto*(size_t)> input_data_;
  std::function<void(size_t, onnx::TensorShapeProto&&)> output_data_;
};

}  // namespace onnxkit::infer
