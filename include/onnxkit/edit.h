// Graph surgery, edits: in-place changes to a loaded model that keep every reference
// consistent (graph inputs and outputs, initializers, value_info, sub-graphs that read a name
// of an enclosing graph). Each is one `onnxkit` subcommand (set-shape, rename, set-attr,
// remove-node, replace-initializer, strip); the CLI parses, calls these, and renders.
//
// The main graph, its sub-graphs at any depth and the training graphs are the model's
// scope; a model-local function's body is a scope of its own, so its internal names are not
// the model's and no edit here looks inside it.
//
// Every edit checks everything it can before it changes anything: an error leaves the model
// as it was.
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

// --- set-shape ---------------------------------------------------------------------------

// New dims for a main-graph input: "name:1,3,224,224", "name:N,3,H,W", "name:?,3,224,224".
struct InputShape {
  std::string name;
  std::vector<Dim> dims;  // numbers, symbols (kParam) and unknown dims
};
// Parses "name:d,d,…" (the name may itself hold ':'; the last one separates; "name:" is a
// scalar). Each dim is a non-negative integer (a fixed size), an identifier (a symbolic
// size: letters, digits and '_', not starting with a digit) or '?' (unknown). An error
// names what is wrong.
StatusOr<InputShape> ParseInputShape(std::string_view text);

// Gives main-graph input `shape.name` the dims `shape.dims` (its element type stays), and
// nothing else: no inference. A symbolic dim it replaces is replaced by the new dim wherever
// the main graph and its sub-graphs declare that symbol (a dim_param names one size
// throughout a graph). An error when there is no such input, it is not a tensor with a known
// element type, or its rank is known and differs.
Status PinInputShape(Model& model, const InputShape& shape);

struct SetShapeOptions {
  // Infer the types of intermediate values and outputs again after the inputs change.
  bool reinfer = true;
  // Keep the result even when inference finds a conflict (a Reshape whose fixed target no
  // longer fits, an output declared with a size the new input contradicts); the conflicts
  // are then returned to the caller instead of being an error.
  bool allow_conflicts = false;
};

// Pins every shape of `shapes` (PinInputShape), then, with `reinfer`, forgets the types of
// every node output of the main graph and its sub-graphs (intermediate values and outputs
// alike: a type inferred for the old input shape may contradict the new one) and infers the
// model again; a value inference cannot type keeps its old declaration. Conflicts found by
// inference are an error naming each (the model unchanged), unless `allow_conflicts`: then
// they are appended to `conflicts` (if given) as messages.
Status SetInputShapes(Model& model, std::span<const InputShape> shapes,
                      const SetShapeOptions& options = {},
                      std::vector<std::string>* conflicts = nullptr);

// --- rename ------------------------------------------------------------------------------

// What `Rename` renames.
enum class RenameTarget {
  kAuto,    // each old name decides: a value or a node, whichever has it (both: an error)
  kValues,  // values (tensors)
  kNodes,   // nodes
};

// One renaming, old name -> new name.
using NamePair = std::pair<std::string, std::string>;

// Parses a rename map: a JSON object {"old": "new", …}, or lines "old=new" (blank lines and
// lines starting with '#' are skipped; the last '=' separates, so a name may hold '='; spaces
// around it are ignored). An error names `source` (the file) and, for lines, the line.
StatusOr<std::vector<NamePair>> ParseRenameMap(std::string_view text, std::string_view source);
// Parses one "old=new" argument.
StatusOr<NamePair> ParseRenamePair(std::string_view text);

// Renames values or nodes of the model's scope, all at once (so a=b,b=a swaps): every value
// (or node) of that name in the main graph, its sub-graphs and the training graphs, and the
// places that name values by string (quantization annotations, node sharding specs,
// training bindings). Uses read Values, not names, so inner graphs that read an outer
// value follow. Errors, before anything changes: an old name that names nothing (with the
// closest existing name), a name that is both a value and a node under kAuto, an old name
// given twice, an empty new name, and a new name that would clash with a name that exists
// after the renaming (the message names both) or with another new name.
Status Rename(Model& model, std::span<const NamePair> renames,
              RenameTarget target = RenameTarget::kAuto);

// --- set-attr ----------------------------------------------------------------------------

// "name=value" with the type the op's schema gives the attribute (or the type the node's
// attribute of that name already has), or "name:type=value" with an explicit type: int,
// float, string, ints, floats, strings (lists comma-separated; an empty list is "[]").
struct AttributeAssignment {
  std::string name;
  AttributeType type = AttributeType::kUndefined;  // kUndefined: from the schema
  std::string value;
};
StatusOr<AttributeAssignment> ParseAttributeAssignment(std::string_view text);

// Sets each assignment on the node named `node_name` (unique in the model's scope), in
// place of the attribute of that name or appended. Errors, before anything changes: no node
// or several of that name; for an op with a schema at the model's opset, an attribute the
// schema does not define, a type that differs from the schema's, or one that is not a
// number, a string or a list of them; for an op without one, no explicit type and no
// attribute of that name to take it from; a value that does not parse as the type.
Status SetAttributes(Model& model, std::string_view node_name,
                     std::span<const AttributeAssignment> assignments);

// --- remove-node -------------------------------------------------------------------------

// Removes the node named `node_name` (unique in the model's scope), which reads exactly one
// value and produces exactly one: the nodes that read its output read its input instead. An
// output that is a graph output stays under its name: the input value takes that name. Refused
// (the model unchanged) for any other node, for a node with sub-graphs, and when the output
// is a graph output and the input cannot take its name: a graph input, an initializer or
// another graph output of the same graph (whose name would change), or a value of an
// enclosing graph.
Status RemoveNode(Model& model, std::string_view node_name);

// --- replace-initializer -----------------------------------------------------------------

struct ReplaceInitializerOptions {
  // Accept a tensor whose element type or dims differ from the old one; the value's declared
  // type then follows the new tensor, and the types inferred downstream are left as they are
  // (set-shape or infer-shapes refreshes them).
  bool force = false;
};

// Gives the initializer named `name` (of the main graph or a sub-graph) the data of
// `tensor`, under the initializer's name. Unless `force`, the element type and the dims must
// be the old tensor's (which is what every node reading it was built for); the error names
// both. Errors: no initializer of that name (with the closest one), a name that is a value
// but no dense initializer, several initializers of that name.
Status ReplaceInitializer(Model& model, std::string_view name, Tensor tensor,
                          const ReplaceInitializerOptions& options = {});

// --- strip -------------------------------------------------------------------------------

struct StripOptions {
  // doc_string of the model, graphs, nodes, values, attributes, tensors and functions.
  bool doc_strings = true;
  // metadata_props of the model, graphs, nodes, values and functions.
  bool metadata = true;
  // value_info entries of values that nothing defines, or that no node reads and no graph
  // returns (stale declarations).
  bool unused_value_info = true;
  // Every value_info entry of intermediate values (their types are inferable again).
  bool all_value_info = false;
};

// What Strip removed.
struct StripReport {
  size_t doc_strings = 0;
  size_t metadata_props = 0;
  size_t value_info = 0;
};

// Removes what `options` selects from the model's scope and from model-local functions.
StripReport Strip(Model& model, const StripOptions& options = {});

}  // namespace onnxkit
