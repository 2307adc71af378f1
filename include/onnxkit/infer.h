// Type and shape inference over the IR: libonnx's inference functions, node by node, with
// the types they find written into the model.
//
// This is the engine that `check` (the "types" rule group), passes and `infer-shapes` share.
// It reports what it finds as plain records (what kind of problem, at which node or value,
// with a message); it knows nothing of diagnostic codes — the checker maps these records to
// its `types.*` codes (docs/diagnostics.md), and `InferShapes(Model&, Diagnostics&)` in
// check.h is inference reported that way.
//
// What inference does to a model: a value without a declared type gets the inferred one;
// an intermediate value (a node output that is no graph output) that gets a type is also
// declared in its graph's value_info, in node order, so the same model always gives the same
// bytes. Declared types are never overwritten: an inferred type that contradicts one is a
// finding. Nodes of model-local functions, of custom domains and of opsets newer than the
// linked ONNX library are left alone, and so are function bodies (they declare no types).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "onnxkit/ir.h"

namespace onnxkit {

// One problem inference found.
struct InferFinding {
  enum class Kind {
    // The node's inputs, before inference runs (the node is then not inferred):
    kInputKind,        // an input of a kind its parameter does not take (a sequence for a tensor)
    kInputTypes,       // inputs bound to one type variable with different types
    kInputRank,        // an input's rank is not one the op allows
    kAttributeValue,   // an attribute outside the op's range (stride 0, axis past the rank)
    kAttributeLength,  // an attribute list whose length does not fit the input's rank
    kInputValue,       // a constant input's value outside the op's range (Range's delta 0)
    kNegativeDim,      // an input type with a negative dim
    kTooLarge,         // a size or a shape input too large for the shape arithmetic
    // The inference itself:
    kInferenceFailed,  // the op's inference function rejected the node
    kOutputType,       // an inferred output type the op's type constraint does not allow
    // An inferred output type against the output value's declaration (`value` is set):
    kDeclaredKind,      // different kinds of type (a sequence against a tensor)
    kDeclaredElemType,  // different element types
    kDeclaredRank,      // different ranks
    kDeclaredDim,       // a known dimension differs
  };
  Kind kind;
  const Node* node = nullptr;    // the node inferred
  const Value* value = nullptr;  // the declared value, for the kDeclared* kinds
  std::string slot;              // "input 1 (B)", "output 0 (Y)", "attribute 'strides'"; or ""
  std::string message;
  // The node breaks its op's schema (e.g. a blocksize below 1), which schema validation
  // (`check`'s "schema" group) reports on its own.
  bool breaks_schema = false;
};

struct InferResult {
  size_t values_typed = 0;  // values that had no type and now have one
  std::vector<InferFinding> findings;
  bool ok() const { return findings.empty(); }
};

// Infers every graph of the model but function bodies: the main graph with its sub-graphs,
// then training graphs; each graph's nodes in order, a sub-graph through the node that
// holds it (with the input types that node passes in).
InferResult InferModel(Model& model);

// Infers one graph of `model` (and, through its nodes, their sub-graphs).
InferResult InferGraph(Model& model, Graph& graph);

// Infers one node of `model` — typically one a pass has just created — from the types its
// inputs have in the model (declared, written by an earlier inference, or an initializer's),
// and writes the types of its outputs in. Values known only by data propagation during a
// whole-graph inference (e.g. the result of Shape -> Gather) are not known here, so a node
// that needs them (a Reshape whose shape input is computed) gets outputs of unknown shape.
// A node in a function body is left alone.
InferResult InferNode(Model& model, Node& node);

}  // namespace onnxkit
