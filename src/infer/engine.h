// The inference engine (internal; the public face is onnxkit/infer.h): infers nodes with
// libonnx's inference functions, keeps every type it knows (declared, an initializer's, or
// inferred) and what data propagation found, and records problems as InferFindings.
//
// The engine reads the model and never changes it until WriteTypes, so that `check` can run
// it over a read-only model and ask it afterwards what it knows (TypeOf).
//
// Scale: one engine infers a million-node chain. Types live in a protobuf arena (one bump
// allocation per type, freed in blocks at the end, instead of a malloc and free for every
// TypeProto and its dims), an inferred type becomes the value's type without a copy, and the
// node handed to libonnx is one reused NodeProto per nesting level rather than a new one per
// node.
#pragma once

#include <google/protobuf/arena.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "onnxkit/infer.h"
#include "onnxkit/ir.h"
#include "schema/onnx_namespace.h"
#include "util/function_index.h"

namespace onnxkit::infer {

class NodeInference;

// "If_0", or "#3" for a node without a name (its index in its graph).
std::string NodeLabel(const Node& node, int64_t index);

class Engine {
 public:
  explicit Engine(const Model& model);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Infers every graph but function bodies (and graphs inside them): the main graph and its
  // sub-graphs, then the training graphs and theirs, in that order.
  void InferModel();
  // Infers `graph`, then those of its sub-graphs (at any depth) that no node inferred
  // through.
  void InferGraphTree(const Graph& graph);
  // Infers one node (a node of a function body is left alone). `index` is its position in
  // its graph, for messages; -1 if the caller does not know it.
  void InferNode(const Node& node, int64_t index = -1);

  // The type known for a value: inferred, declared, or an initializer's; nullptr if none.
  const onnx::TypeProto* TypeOf(const Value* v);
  // Whether the node's inference function inferred its sub-graphs (an If's branches).
  bool InferredThrough(const Node& node) const { return inferred_through_.contains(&node); }
  const std::vector<InferFinding>& findings() const { return findings_; }
  std::vector<InferFinding> TakeFindings() { return std::move(findings_); }

  // Calls `fn` with each value that has no type and the type inference found for it — what
  // WriteTypes would write, in the same order — leaving the model as it is.
  void ForEachFound(const std::function<void(const Value*, Type)>& fn) const;

  // Writes the types found into the values that have none — values of `graph` and of its
  // sub-graphs at any depth — declaring node outputs in value_info (see infer.h); returns
  // how many values got one. `graph` must be of the engine's model.
  size_t WriteTypes(Graph& graph);
  // The same for every value of `model`, which must be the engine's (else nothing is done).
  size_t WriteTypes(Model& model);
  // The same for the outputs of `node` and its sub-graphs.
  size_t WriteTypes(Node& node);

  class SubgraphInference;

 private:
  // Where a graph sits: the imports that govern its nodes, and whether it is (inside) a
  // function body.
  struct Scope {
    const std::vector<OpsetImport>* opsets;
    bool in_function;
  };
  const Scope& ScopeOf(const Graph* graph);
  void InferGraph(const Graph& graph);
  void InferNodeIn(const Scope& scope, const Node& node, int64_t index);
  bool InputsBind(const Node& n, const onnx::OpSchema& schema,
                  const std::vector<const onnx::TypeProto*>& types);
  bool PreconditionsHold(const Node& n, const onnx::OpSchema& schema, const onnx::NodeProto& proto,
                         const std::vector<const onnx::TypeProto*>& types);
  void CheckOutputConstraint(const Node& n, const onnx::OpSchema& schema, size_t index,
                             const onnx::TypeProto& type);
  void Propagate(const Node& n, const onnx::OpSchema& schema, const NodeInference& inferred,
                 const std::vector<const onnx::TypeProto*>& types);
  void Merge(const Node& n, int64_t index, const Value* v, onnx::TypeProto* inferred);
  const onnx::TensorProto* DataOf(const Value* v);
  const onnx::TensorShapeProto* ShapeDataOf(const Value* v);
  void Report(InferFinding::Kind kind, const Node& n, std::string slot, std::string message,
              const Value* value = nullptr, bool breaks_schema = false);
  // Records a type inference found for a value without a declaration.
  void Found(const Value* v, onnx::TypeProto* type);
  // Writes the types found into the values `wanted` accepts (see WriteTypes).
  size_t WriteFound(const std::function<bool(const Value*)>& wanted);

  const Model& model_;
  util::FunctionIndex functions_;
  absl::flat_hash_set<const Graph*> function_bodies_;
  absl::node_hash_map<const Graph*, Scope> scopes_;  // node-based: callers hold references
  const Graph* last_graph_ = nullptr;  // ScopeOf's last answer: nodes come graph by graph
  const Scope* last_scope_ = nullptr;
  google::protobuf::Arena arena_;
  // Types by value, arena-owned. Ordered by address, not hashed: values are created — and
  // inferred — mostly in address order, so inserting and reading back the values just
  // inferred stay within the few B-tree nodes the cache holds, where a hash table of a
  // million values misses the cache (and the TLB) on every insert.
  absl::btree_map<const Value*, onnx::TypeProto*> types_;
  // The values of types_ without a declaration, in the order found (node order within a
  // graph): what WriteTypes writes.
  std::vector<std::pair<const Value*, onnx::TypeProto*>> found_;
  // Node-based: inference contexts hold pointers to these while more are added.
  absl::node_hash_map<const Value*, onnx::TensorProto> data_;
  // Values known by data propagation (shapes and small integer tensors), as ONNX keeps them.
  absl::node_hash_map<const Value*, onnx::TensorShapeProto> symbolic_;
  absl::flat_hash_set<const Graph*> inferred_graphs_;
  absl::flat_hash_set<const Node*> inferred_through_;
  // The NodeProto handed to libonnx, one per nesting level (a sub-graph's nodes are
  // inferred while the node holding it is), reused from node to node.
  std::vector<std::unique_ptr<onnx::NodeProto>> protos_;
  size_t depth_ = 0;
  // Scratch input-type lists, one per nesting level (a deque: references stay valid while
  // a deeper level is added).
  std::deque<std::vector<const onnx::TypeProto*>> input_types_;
  std::vector<InferFinding> findings_;
};

}  // namespace onnxkit::infer
