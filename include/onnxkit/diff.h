// What differs between two models, for reviewing a rewrite: `onnxkit diff A B`.
//
// Compared, and reported as one DiffEntry per difference:
//   - the model's own fields: ir_version, producer name and version, domain, model_version,
//     opset imports (per domain), metadata_props (per key), the number of training_info
//     entries;
//   - model-local functions, by (domain, name, overload): added, removed, and for one in
//     both its signature (formal inputs, outputs, attribute names, opset imports) and its
//     body, compared as a graph (path "fn:Name");
//   - in every graph (the main graph "main", sub-graphs of If/Loop/Scan at any depth with the
//     path `check` uses, e.g. "main/If_0.then_branch", function bodies): graph inputs and
//     outputs by name (added, removed, declared type, order), initializers by name (added,
//     removed, element type, dims, content), sparse initializers likewise, and nodes.
//
// Nodes are paired before they are compared, in three steps; each step pairs only nodes
// that no earlier step paired:
//   1. by name: nodes with the same non-empty name, in order of appearance;
//   2. by structure: same domain and op type, and the same inputs, an input being "the
//      same" when it is output k of nodes already paired, or a graph input, initializer or
//      outer value of the same name (B's nodes are visited in order, so producers are
//      paired before their consumers); among several candidates the first with equal
//      attributes (a tensor attribute held in memory, as a Constant's value, by its
//      bytes), else the first;
//   3. by outputs: same domain and op type and the same output names.
// A node of A left unpaired is removed, one of B added. For a pair, the op, the input and
// output names (per slot) and the attributes (per name: added, removed, value) are
// compared; a graph attribute is not compared as a value but its graph is diffed with the
// path "<graph>/<node>.<attribute>".
//
// Tensors (initializers and tensor attributes) are equal when element type, dims and
// contents are: the raw bytes (for strings, each element with its length), read once per
// tensor, external data included. A tensor whose contents differ is shown by a stable
// 64-bit FNV-1a hash of those bytes ("fnv1a64:…"; absl::Hash is seeded per process), so a
// reviewer can match contents across entries. DiffOptions::tensor_contents = false
// compares type and dims only and reads no tensor data.
//
// Not compared: doc strings, value_info entries (declared types of intermediate values are
// annotations, which inference rewrites freely), node metadata and device configurations,
// quantization annotations, graph names, and the contents of training_info graphs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit {

struct DiffOptions {
  // Compare tensor contents (reads every initializer's data, external data included);
  // false compares element type and dims only and reads no data.
  bool tensor_contents = true;
};

enum class DiffKind { kAdded, kRemoved, kChanged };
// "added", "removed", "changed".
std::string_view DiffKindName(DiffKind kind);

struct DiffEntry {
  DiffKind kind = DiffKind::kChanged;
  // Where: "" for the model's own fields, opsets, metadata and functions; "main", a
  // sub-graph path ("main/If_0.then_branch") or a function body ("fn:Name") otherwise.
  std::string graph;
  // What kind of element: "model", "opset", "metadata", "training_info", "function",
  // "input", "output", "inputs" / "outputs" (their order), "initializer",
  // "sparse_initializer", "node".
  std::string element;
  // Which one: a model field ("ir_version"), an opset domain ("ai.onnx" for the default),
  // a metadata key, a value name, a function's "domain.Name", a node's name ("#3", its
  // index in A's graph, for B's when added, when it has none).
  std::string name;
  // For nodes, the op as "Conv" or "domain.Op" (B's for an added node, else A's).
  std::string op;
  // What of a changed element differs: "attribute pads", "input 1", "output 0", "type",
  // "dims", "content", "op", "order", "signature"; "" for a whole element.
  std::string field;
  // The old and new value as text ("" on the side where it is absent). An added or removed
  // element shows what it was: a node as "Relu(x) -> y", an input by its type.
  std::string before;
  std::string after;
};

struct ModelDiff {
  // Model fields, functions (each followed by its body's entries), then the main graph's
  // entries: inputs, outputs, initializers, nodes (removed and changed in A's order, a
  // node's sub-graph entries right after its own, then the added nodes in B's order).
  std::vector<DiffEntry> entries;
  bool equal() const { return entries.empty(); }
};

// What differs from `a` to `b`. An error only when a tensor's data cannot be read (the
// message names the tensor and which model, "first" or "second", holds it).
StatusOr<ModelDiff> Diff(const Model& a, const Model& b, const DiffOptions& options = {});

// One line per entry, "- " removed, "+ " added, "~ " changed:
//   ~ main: node '/conv1/Conv' (Conv): attribute pads [0,0,0,0] -> [1,1,1,1]
// then a count line; "" when the diff is empty. `a_name` and `b_name` head it as
// "--- A" / "+++ B".
std::string DiffText(const ModelDiff& diff, std::string_view a_name, std::string_view b_name);
// {"a", "b", "equal", "summary": {"added", "removed", "changed"}, "differences": [entries
// with kind, graph, element, name, op, field, before, after; empty strings omitted]}.
std::string DiffJson(const ModelDiff& diff, std::string_view a_name, std::string_view b_name);

}  // namespace onnxkit
