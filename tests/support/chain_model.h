// A long chain of unary nodes, the shape the scaling tests use (large models are generated,
// not stored): input "x" of `input_type`, then `length` nodes of `op`, value i named
// `prefix` + i, the last one the graph output.
#pragma once

#include <memory>
#include <string>

#include "onnxkit/ir.h"

namespace onnxkit::testing {

inline std::unique_ptr<Model> UnaryChain(int length, const std::string& prefix = "v",
                                         Type input_type = Type::Tensor(DataType::kFloat,
                                                                        {Dim::Value(4)}),
                                         const std::string& op = "Relu") {
  auto m = std::make_unique<Model>();
  m->ir_version = 8;
  m->opset_import.push_back({"", 17, {}});
  m->graph = std::make_unique<Graph>();
  ValueInfo info;
  info.has_type = true;
  info.type = std::move(input_type);
  Value* v = m->graph->AddInput("x", info);
  for (int i = 0; i < length; ++i) {
    v = m->graph->AppendNode(op, {v}, {prefix + std::to_string(i)})->output(0);
  }
  m->graph->AddOutput(v);
  return m;
}

}  // namespace onnxkit::testing
