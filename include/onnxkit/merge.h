// Merging two models into one (`onnxkit merge`), as ONNX's `onnx.compose.merge_models` does:
// the first model's graph, then the second's, with the second model's inputs named by the
// connections reading the first model's outputs instead.
//
// The result's
//   - inputs: the first model's, then the second's that are not connected, in order (a
//     connected input's default, if it had one, goes with it);
//   - outputs: the first model's that are not connected, then all of the second's;
//   - nodes, initializers (dense and sparse), value_info entries, quantization annotations
//     and graph metadata: the first model's, then the second's;
//   - model-local functions: both models' (the second's are moved, not copied);
//   - opset imports: both models' (a domain both import must have one version in both:
//     otherwise FailedPrecondition naming the domain and both versions — `onnxkit
//     convert-opset` converts the default domain); ir_version: the larger of the two;
//   - everything else of the model (producer, doc string, metadata) is the first model's,
//     with the second's metadata keys the first lacks appended.
//
// Names: `prefix_a` and `prefix_b` are put in front of every name of their model's scope —
// values (tensors) and nodes of the main graph and its sub-graphs, and model-local functions
// (with every call of them) — as `onnxkit rename` would rename them. Connections name
// tensors as the models name them before prefixing. Two models that define the same tensor,
// node or function name after prefixing are refused (InvalidArgument naming the name): the
// merged model would mix them up. A connected input of the second model is no clash: it is
// replaced by the first model's output, whatever its name.
//
// Errors (the first model is unchanged on every error; see `b` below):
//   NotFound            a connection names a tensor that is not an output of the first model
//                       or not an input of the second;
//   InvalidArgument     an input connected twice; a connection whose two sides are declared
//                       with different element types or shapes (the message names both
//                       types); a name clash;
//   FailedPrecondition  a model without a main graph, with training_info (its bindings name
//                       the main graph's tensors), with its nodes out of topological order;
//                       opset imports that disagree.
//
// `b` is consumed: its main graph is copied into `a` (tensors share their data, nothing is
// read), its functions are moved and its names are prefixed in place. After any call, pass
// `b` to nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit {

struct MergeSpec {
  // (output of the first model, input of the second model) pairs, by their unprefixed
  // names. An output may feed several inputs; an input is fed once.
  std::vector<std::pair<std::string, std::string>> connections;
  std::string prefix_a;
  std::string prefix_b;
};

struct MergeStats {
  int64_t nodes_from_a = 0;
  int64_t nodes_from_b = 0;
  int64_t connections = 0;
};

// Merges `b` into `a` (see above).
StatusOr<MergeStats> Merge(Model& a, Model& b, const MergeSpec& spec);

// Parses a connection "OUT:IN" (the last ':' separates, so an output name may hold ':').
StatusOr<std::pair<std::string, std::string>> ParseConnection(std::string_view text);

}  // namespace onnxkit
