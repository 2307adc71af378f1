// One node as a libonnx inference function will see it — attributes (the schema's defaults
// filled in), input types and constant input data — read for the inference preconditions
// (internal; see preconditions.h).
#pragma once

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/onnx_namespace.h"

namespace onnxkit::infer {

class NodeFacts {
 public:
  NodeFacts(const onnx::OpSchema& schema, const onnx::NodeProto& node,
            const std::vector<const onnx::TypeProto*>& input_types,
            std::function<const onnx::TensorProto*(size_t)> input_data);

  const std::string& op_type() const { return node_.op_type(); }
  int since_version() const { return schema_.since_version(); }
  size_t num_inputs() const { return input_types_.size(); }
  size_t num_outputs() const { return static_cast<size_t>(node_.output_size()); }
  // Whether input `i` is given (not omitted, not past the end).
  bool has_input(size_t i) const;
  // The shape of input `i` when it is a tensor with a known rank.
  const onnx::TensorShapeProto* Shape(size_t i) const;
  std::optional<int> Rank(size_t i) const;
  // The formal name of input `i` ("X"), for messages.
  std::string InputName(size_t i) const;

  // An attribute as given, or the schema's default; nullptr when neither.
  const onnx::AttributeProto* Attribute(std::string_view name) const;
  std::optional<int64_t> Int(std::string_view name) const;
  std::optional<std::vector<int64_t>> Ints(std::string_view name) const;
  std::optional<std::string> String(std::string_view name) const;
  // The values of constant integer input `i` (int64 or int32).
  std::optional<std::vector<int64_t>> IntData(size_t i) const;

 private:
  const onnx::OpSchema& schema_;
  const onnx::NodeProto& node_;
  const std::vector<const onnx::TypeProto*>& input_types_;
  std::function<const onnx::TensorProto*(size_t)> input_data_;
};

}  // namespace onnxkit::infer
