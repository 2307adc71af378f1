// What libonnx's inference functions assume of a node without checking it, checked before
// one is called. An inference function indexes the dims its op's spec says an input has,
// divides by strides, loops up to a dim, and builds a shape as long as an input says: on a
// node that breaks those assumptions it crashes (SIGSEGV, SIGFPE) or runs practically
// forever instead of failing. Each broken assumption is a Violation; a node with any is not
// handed to libonnx, and the caller reports the violations.
//
// The rules follow the ops' documented semantics, not one ONNX release's code, so that they
// hold for every library the project builds against:
//  - inputs of the ranks the op's spec requires (rank_rules.cc);
//  - conv and pool attributes: kernel_shape, strides, dilations >= 1, pads >= 0, lengths
//    that match the spatial rank (conv_pool_rules.cc);
//  - axis attributes within the input's rank (axis_rules.cc);
//  - Einsum's equation in the spec's syntax (einsum_rules.cc);
//  - constant inputs in their ops' ranges: split sizes, Range's delta (data_rules.cc);
//  - sizes small enough for the arithmetic: size attributes within ±kMaxSize, an input whose
//    length becomes an output rank at most kMaxRank long, no negative dims; counts at least
//    1 (blocksize, num_groups, hidden_size, LRN's size) and Scan's num_scan_inputs within its
//    inputs (size_rules.cc).
//    Input dims above kMaxDim, or past kMaxElements elements, are not violations: they are
//    handed to inference as unknown (bounded_types.h).
#pragma once

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "schema/onnx_namespace.h"

namespace onnxkit::infer {

// The documented bounds (docs/diagnostics.md, `types.too-large`).
inline constexpr int64_t kMaxDim = int64_t{1} << 32;
inline constexpr int64_t kMaxElements = int64_t{1} << 62;
inline constexpr int64_t kMaxSize = int64_t{1} << 31;
inline constexpr int64_t kMaxRank = 1024;

struct Violation {
  enum class Kind {
    kInputRank,        // an input's rank is not one the op allows
    kAttributeValue,   // an attribute value outside the op's range (stride 0, axis past rank)
    kAttributeLength,  // an attribute list whose length does not fit the input's rank
    kInputValue,       // a constant input's value outside the op's range (Range's delta 0)
    kNegativeDim,      // an input type with a negative dim
    kTooLarge,         // a size attribute or a shape input's length beyond the bounds above
  };
  Kind kind;
  std::string slot;  // "input 0 (X)", "attribute 'strides'"
  std::string message;
  // The "schema" rule group reports this one already (a non-positive blocksize): the node
  // is not inferred, and the violation needs no second diagnostic.
  bool reported_by_schema_rules = false;
};

// The violations of `node` (of `schema`, with these input types — bounded, see
// bounded_types.h — and constant inputs).
std::vector<Violation> CheckPreconditions(
    const onnx::OpSchema& schema, const onnx::NodeProto& node,
    const std::vector<const onnx::TypeProto*>& input_types,
    std::function<const onnx::TensorProto*(size_t)> input_data);

}  // namespace onnxkit::infer
