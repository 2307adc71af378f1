// The evaluator: runs ONNX nodes and graphs on the CPU, exactly as the op specs say.
//
// It is what constant folding runs on (no ONNX Runtime inside the library) and what
// `onnxkit eval` runs a model through. It covers the ops shape arithmetic and constant
// sub-graphs use plus common float math, for the element types the specs allow each op
// (float, double, float16, bfloat16, int8…int64, uint8…uint64, bool, string where allowed),
// at every opset version from 7 to the newest the linked ONNX release knows. Anything
// else — an op, a version, an element type, an attribute value it does not model — is
// refused with an Unimplemented error that names it, never evaluated approximately.
// docs/eval.md lists the ops and how ONNX's backend tests prove them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"
#include "onnxkit/tensor.h"

namespace onnxkit {

struct EvalOptions {
  // No input, intermediate or output tensor may have more elements than this
  // (ResourceExhausted otherwise): folding Expand/Tile/ConstantOfShape must not blow up.
  int64_t max_elements = int64_t{1} << 28;
};

// What the evaluator can say about a node before running it.
struct EvalSupport {
  bool supported = false;
  std::string reason;  // why not, when not: "op Foo is not evaluated", "Slice-1 ..."
};

// Whether the evaluator has a kernel for `node` governed by opset `version` of its domain,
// with inputs of the given element types (0 for an omitted input or an unknown type).
// Cheap: reads no data. A supported node can still fail on its values (bad indices, …).
EvalSupport CanEvaluate(const Node& node, int64_t version, std::span<const int32_t> input_types);

// Runs `node`, governed by opset `version` of its domain, on `inputs` (nullptr for an
// omitted optional input). Returns one tensor per node output (an omitted output — empty
// name — gets an empty tensor); output tensors are named after the node's outputs.
StatusOr<std::vector<Tensor>> EvaluateNode(const Node& node, int64_t version,
                                           std::span<const Tensor* const> inputs,
                                           const EvalOptions& options = {});

// Runs the main graph of `model` on `feeds` (graph input name → tensor). Inputs with an
// initializer take it when not fed; others must be fed. Returns the graph outputs in order.
// An error names the node (name and op) that failed.
StatusOr<std::vector<Tensor>> EvaluateModel(
    const Model& model, const std::vector<std::pair<std::string, Tensor>>& feeds,
    const EvalOptions& options = {});

// One op the evaluator claims, for docs and `onnxkit eval --ops`.
struct EvalOpInfo {
  std::string domain;  // "" for the default domain
  std::string op_type;
  int64_t first_version = 0;  // the lowest opset the kernel accepts
};
std::vector<EvalOpInfo> EvaluatedOps();

}  // namespace onnxkit
