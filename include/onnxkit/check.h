// Checking a model: every problem, each with a stable code and the place it is.
//
// Check() runs independent rule groups over a read-only model (model, structure, schema,
// types, tensors, functions, external-data, lint); a problem in one group never hides
// another group's findings, and nothing stops at the first error. Codes are `group.name`
// and are listed in docs/diagnostics.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/ir.h"

namespace onnxkit {

enum class Severity { kNote, kWarning, kError };
std::string_view SeverityName(Severity severity);

// Where a diagnostic is. Empty fields are unknown or do not apply; all empty = the model.
struct Location {
  // The graph: "main", "main/If_0.then_branch" (node name, then attribute name, per level),
  // "fn:AddRelu" (a model-local function's body; "fn:Scale:twice" for an overload),
  // "training[0].algorithm".
  std::string graph;
  int64_t node_index = -1;  // the node's index in its graph
  std::string node_name;
  std::string op_type;
  int64_t opset_version = 0;  // the imported version of the node's domain (0: none)
  // The value, tensor, input or output the diagnostic is about.
  std::string value;
  // Finer place: "input 1 (B)", "output 0", "attribute 'strides'", "dims".
  std::string slot;

  bool is_model() const { return graph.empty() && value.empty(); }
  // "model", "main/Conv_7", "main/#3" (a node without a name), "main/W" (a value),
  // "fn:AddRelu/fn_add".
  std::string Path() const;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;  // "schema.attr-type"
  std::string message;
  Location location;
};

struct CheckOptions {
  // Rule groups to run ("model", "structure", …); empty runs them all.
  std::vector<std::string> rules;
  // Lint warnings count as errors.
  bool warnings_as_errors = false;
};

struct Diagnostics {
  std::vector<Diagnostic> items;
  size_t Count(Severity severity) const;
  bool has_errors() const { return Count(Severity::kError) > 0; }
};

// The names of the rule groups, in the order they run.
const std::vector<std::string>& RuleGroups();

// Runs the rule groups over `model`. Never throws, never stops early.
Diagnostics Check(const Model& model, const CheckOptions& options = {});

struct InferStats {
  size_t values_typed = 0;  // values that had no type and now have one
};

// Type and shape inference (infer.h's InferModel) reported as `check` reports it: runs the
// "types" rule group — declaration rules included — and writes the inferred types into the
// model; every problem is a diagnostic with a `types.*` code (docs/diagnostics.md).
InferStats InferShapes(Model& model, Diagnostics& diagnostics);

// "error[schema.attr-type]: model.onnx: main/Conv_7 (Conv, opset 11): attribute 'strides' …"
// with ANSI colours when `color`.
std::string FormatDiagnostic(const Diagnostic& d, std::string_view file, bool color);
// A JSON array of diagnostics (objects with severity, code, message, location fields).
std::string DiagnosticsToJson(const Diagnostics& diagnostics, std::string_view file);

}  // namespace onnxkit
