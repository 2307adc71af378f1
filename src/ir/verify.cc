// Graph::Verify: every invariant a mutation can break, checked in one walk per graph.
//
//  1. each node belongs to this graph; each input is in scope (this graph or an enclosing
//     one) and is recorded in that value's use list at the recorded position;
//  2. each use a value of this graph lists points back at it, from a node of this graph or
//     of one of its sub-graphs;
//  3. each node output names the node as producer, at its index; each graph input,
//     initializer and value of this graph names this graph;
//  4. no name is defined twice in the graph (inputs, initializers, node outputs);
//  5. nodes are in topological order, reads of sub-graph nodes included;
//  6. graph outputs are in scope and counted on their values; override indices are in range;
//  7. sub-graphs name this graph as parent, and hold 1–6 themselves.
#include <fmt/format.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "onnxkit/ir.h"
#include "onnxkit/topological_sort.h"

namespace onnxkit {
namespace {

Status Broken(std::string_view graph_name, std::string message) {
  return absl::InternalError(fmt::format("graph '{}': {}", graph_name, message));
}

std::string Label(const Node& n) {
  return n.name.empty() ? fmt::format("{} node", n.op_type) : fmt::format("node '{}'", n.name);
}

bool InScope(const Graph& g, const Value* v) {
  for (const Graph* s = &g; s; s = s->parent()) {
    if (v->graph() == s) return true;
  }
  return false;
}

}  // namespace

Status Graph::Verify() const {
  // 7 first: a sub-graph with the wrong parent would otherwise show as reads out of scope.
  for (const auto& owned : nodes_) {
    for (const Graph* sub : owned->subgraphs()) {
      if (sub->parent_ != this) {
        return Broken(name, fmt::format("a sub-graph of {} does not name this graph as its parent",
                                        Label(*owned)));
      }
    }
  }
  // 1, 3, 4: nodes, their inputs and outputs, and the names this graph defines.
  absl::flat_hash_set<std::string_view> defined;
  auto define = [&](const Value* v) -> Status {
    if (!defined.insert(v->name()).second) {
      return Broken(name, fmt::format("'{}' is defined twice", v->name()));
    }
    return absl::OkStatus();
  };
  for (const Value* v : inputs_) {
    if (v->graph_ != this || !v->is_graph_input_) {
      return Broken(name, fmt::format("input '{}' is not marked as this graph's input", v->name()));
    }
    ONNXKIT_RETURN_IF_ERROR(define(v));
  }
  for (const auto* list : {&initializers_, &sparse_initializers_}) {
    for (const Value* v : *list) {
      if (v->graph_ != this || (!v->initializer_ && !v->sparse_initializer_)) {
        return Broken(name, fmt::format("initializer '{}' has no data in this graph", v->name()));
      }
      if (!v->is_graph_input_) ONNXKIT_RETURN_IF_ERROR(define(v));
    }
  }
  absl::flat_hash_map<const Node*, size_t> position;
  for (const auto& owned : nodes_) {
    const Node* n = owned.get();
    size_t index = position.size();
    position[n] = index;
    if (n->graph_ != this || n->self_->get() != n) {
      return Broken(name, fmt::format("{} does not name this graph as its own", Label(*n)));
    }
    for (size_t i = 0; i < n->inputs_.size(); ++i) {
      const Value* v = n->inputs_[i];
      if (!v) continue;
      if (!InScope(*this, v)) {
        return Broken(name, fmt::format("{} input {} reads '{}', which is not in scope", Label(*n),
                                        i, v->name()));
      }
      size_t at = n->use_positions_[i];
      if (at >= v->uses_.size() || v->uses_[at] != Use{const_cast<Node*>(n), int(i)}) {
        return Broken(name, fmt::format("{} input {} is missing from the uses of '{}'", Label(*n),
                                        i, v->name()));
      }
    }
    for (size_t i = 0; i < n->outputs_.size(); ++i) {
      const Value* v = n->outputs_[i];
      if (!v) continue;
      if (v->producer_ != n || v->producer_index_ != int(i) || v->graph_ != this ||
          v->kind_ != Value::Kind::kNodeOutput) {
        return Broken(name,
                      fmt::format("output {} of {} does not name it as producer", i, Label(*n)));
      }
      ONNXKIT_RETURN_IF_ERROR(define(v));
    }
  }
  // 2: use lists point back, from this graph or its sub-graphs.
  for (const auto& v : values_) {
    if (v->graph_ != this) return Broken(name, fmt::format("'{}' names another graph", v->name()));
    if (v->kind_ == Value::Kind::kNodeOutput && (!v->producer_ || v->producer_->graph_ != this)) {
      return Broken(name, fmt::format("'{}' has no producer in this graph", v->name()));
    }
    for (const Use& u : v->uses_) {
      if (u.node->input(static_cast<size_t>(u.input_index)) != v.get() ||
          !InScope(*u.node->graph_, v.get())) {
        return Broken(name, fmt::format("stale use of '{}'", v->name()));
      }
    }
    size_t listed = 0;
    for (const Graph* g : v->output_of_) {
      listed += std::count(g->outputs_.begin(), g->outputs_.end(), v.get()) > 0 ? 1 : 0;
    }
    if (listed != v->output_of_.size()) {
      return Broken(name, fmt::format("'{}' counts a graph output that is not it", v->name()));
    }
  }
  // 5: topological order.
  for (const auto& owned : nodes_) {
    const Node* n = owned.get();
    Status order;
    ForEachRead(*n, [&](Value* v) {
      if (!order.ok() || v->graph_ != this || !v->producer_) return;
      if (position.at(v->producer_) >= position.at(n)) {
        order =
            Broken(name, fmt::format("{} reads '{}' before {} produces it: the nodes are not in "
                                     "topological order",
                                     Label(*n), v->name(), Label(*v->producer_)));
      }
    });
    ONNXKIT_RETURN_IF_ERROR(order);
  }
  // 6: outputs and overrides.
  for (const Value* v : outputs_) {
    if (!v || !InScope(*this, v) ||
        std::count(v->output_of_.begin(), v->output_of_.end(), this) !=
            std::count(outputs_.begin(), outputs_.end(), v)) {
      return Broken(name, fmt::format("output '{}' is out of scope or not counted on its value",
                                      v ? v->name() : ""));
    }
  }
  const size_t value_info_size = value_info().size();  // drops removed values' entries first
  const std::vector<InfoOverride>& value_overrides = value_info_overrides;
  for (auto [overrides, size] : {std::pair{&input_info_overrides, inputs_.size()},
                                 std::pair{&output_info_overrides, outputs_.size()},
                                 std::pair{&value_overrides, value_info_size}}) {
    for (const InfoOverride& o : *overrides) {
      if (o.index >= size) {
        return Broken(name, fmt::format("a declaration override points past the end ({} >= {})",
                                        o.index, size));
      }
    }
  }
  // 7: sub-graphs hold the same invariants.
  for (const auto& owned : nodes_) {
    for (const Graph* sub : owned->subgraphs()) ONNXKIT_RETURN_IF_ERROR(sub->Verify());
  }
  return absl::OkStatus();
}

}  // namespace onnxkit
