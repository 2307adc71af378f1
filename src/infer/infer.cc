// The public face of the inference engine (onnxkit/infer.h): run it, write what it found.
#include "onnxkit/infer.h"

#include "infer/engine.h"

namespace onnxkit {

InferResult InferModel(Model& model) {
  infer::Engine engine(model);
  engine.InferModel();
  InferResult result;
  result.values_typed = engine.WriteTypes(model);
  result.findings = engine.TakeFindings();
  return result;
}

InferResult InferGraph(Model& model, Graph& graph) {
  infer::Engine engine(model);
  engine.InferGraphTree(graph);
  InferResult result;
  result.values_typed = engine.WriteTypes(graph);
  result.findings = engine.TakeFindings();
  return result;
}

InferResult InferNode(Model& model, Node& node) {
  infer::Engine engine(model);
  engine.InferNode(node);
  InferResult result;
  result.values_typed = engine.WriteTypes(node);
  result.findings = engine.TakeFindings();
  return result;
}

}  // namespace onnxkit
