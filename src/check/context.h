// What every rule group works with (internal): the model, the list of its graphs with their
// paths and opset imports, and the sink for diagnostics.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/check.h"
#include "onnxkit/ir.h"
#include "util/function_index.h"

namespace onnxkit::check_internal {

// One graph of the model, with what a rule needs to know about where it sits.
struct GraphScope {
  enum class Kind { kMain, kSubgraph, kFunction, kTraining };
  const Graph* graph;
  Kind kind;
  std::string path;                            // Location::graph
  const Function* function = nullptr;          // the function whose body this is (or contains)
  const std::vector<OpsetImport>* opsets;      // the imports that govern this graph's nodes
  const Node* owner = nullptr;                 // kSubgraph: the node holding the attribute
  const Attribute* owner_attribute = nullptr;  // kSubgraph: which attribute
};

class Context {
 public:
  Context(const Model& model, Diagnostics& out);

  const Model& model() const { return model_; }
  const std::vector<GraphScope>& graphs() const { return graphs_; }
  // The imported version of `domain` in this scope ("" and "ai.onnx" are one domain).
  std::optional<int64_t> OpsetVersion(const GraphScope& scope, std::string_view domain) const;

  void Report(Severity severity, std::string code, Location where, std::string message);
  void Error(std::string code, Location where, std::string message) {
    Report(Severity::kError, std::move(code), std::move(where), std::move(message));
  }
  void Warning(std::string code, Location where, std::string message) {
    Report(Severity::kWarning, std::move(code), std::move(where), std::move(message));
  }

  Location NodeLocation(const GraphScope& scope, const Node& node) const;
  Location ValueLocation(const GraphScope& scope, std::string_view value) const;
  Location GraphLocation(const GraphScope& scope) const;

  // The model-local function `call` calls, by its domain, op_type and overload, or nullptr:
  // Model::FindFunction through an index built once, since rules look a function up for
  // every node.
  const Function* FindFunction(const Node& call) const;
  // Whether `node` calls a model-local function: the model defines a function of its
  // (domain, op_type), with whatever overload (a missing overload is the "functions"
  // group's to report; no other rule treats such a node as an op).
  bool IsFunctionCall(const Node& node) const;
  // The first function named (domain, name), whatever its overload, or nullptr. (Answers
  // "is this a function call" for rules that have the names only; resolving a call takes
  // the node.)
  const Function* FindFunction(std::string_view domain, std::string_view name) const;
  // The scope of a function's body.
  const GraphScope* BodyScope(const Function& fn) const;

  // The node's index in its graph (computed once, on first use).
  int64_t IndexOf(const Node& node) const;
  // The scope of a graph of this model (nullptr for a graph that is not part of it).
  const GraphScope* ScopeOf(const Graph* graph) const;
  // The group whose codes a graph's structural problems get: "functions" for function
  // bodies (and their sub-graphs), "structure" otherwise.
  static std::string_view StructureGroup(const GraphScope& scope) {
    return scope.function ? "functions" : "structure";
  }

 private:
  void AddGraph(const Graph& g, GraphScope::Kind kind, std::string path, const Function* fn,
                const std::vector<OpsetImport>* opsets, const Node* owner,
                const Attribute* attribute);
  const Model& model_;
  Diagnostics& out_;
  std::vector<GraphScope> graphs_;
  mutable absl::flat_hash_map<const Node*, int64_t> index_;  // IndexOf's, built on first use
  mutable bool indexed_ = false;
  absl::flat_hash_map<const Graph*, size_t> scope_index_;
  util::FunctionIndex functions_;
};

// The structural rules of one graph (SSA, order, cycles, scoping, names), with codes of
// `group`: shared by "structure" and "functions".
void CheckGraphStructure(Context& c, const GraphScope& scope, std::string_view group);

// The strongly connected components of a directed graph given as adjacency lists over
// vertices 0..n-1, each as a list of vertices, in the order Tarjan's algorithm closes them
// (iterative: a chain of a million vertices must not overflow the stack; dense vectors keep
// it fast at that size).
std::vector<std::vector<size_t>> StronglyConnectedComponents(
    const std::vector<std::vector<size_t>>& edges);

// "If_0" or "#3" for a node without a name.
std::string NodeLabel(const Node& node, int64_t index);

// The rule groups.
void CheckModelRules(Context& c);
void CheckStructureRules(Context& c);
void CheckSchemaRules(Context& c);
void CheckTypeRules(Context& c);
void CheckTensorRules(Context& c);
void CheckFunctionRules(Context& c);
void CheckExternalDataRules(Context& c);
void CheckLintRules(Context& c);

}  // namespace onnxkit::check_internal
