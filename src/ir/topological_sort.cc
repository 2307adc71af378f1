// Stable, linear topological sort: walk the nodes in their order; a node whose producers
// are all placed is placed; one that waits is parked until its last missing producer is
// placed, and then placed right after it. Nodes still parked at the end wait on a cycle,
// which is found by following missing producers until one repeats.
#include "onnxkit/topological_sort.h"

#include <fmt/format.h>

#include <cstdint>
#include <deque>

#include "absl/container/flat_hash_map.h"

namespace onnxkit {
namespace {

// Whether `scope` is `graph` or encloses it.
bool Encloses(const Graph* scope, const Graph* graph) {
  for (const Graph* g = graph; g; g = g->parent()) {
    if (g == scope) return true;
  }
  return false;
}

// Reports the values nodes of `sub` (at any depth) read from `outer` or its enclosing graphs.
void ForEachOuterRead(const Graph& sub, const Graph& outer, const std::function<void(Value*)>& fn) {
  for (const Node* n : sub.nodes()) {
    for (Value* v : n->inputs()) {
      if (v && Encloses(v->graph(), &outer)) fn(v);
    }
    for (Graph* inner : n->subgraphs()) ForEachOuterRead(*inner, outer, fn);
  }
}

std::string NodeLabel(const Node& n) {
  return n.name.empty() ? fmt::format("a {} node", n.op_type) : fmt::format("'{}'", n.name);
}

// The nodes of `graph` each node waits for (producers in the same graph), deduplicated.
class Dependencies {
 public:
  explicit Dependencies(const Graph& graph) {
    size_t i = 0;
    for (Node* n : graph.nodes()) index_[n] = i++;
    producers_.resize(i);
    consumers_.resize(i);
    // last_reader[p] == i: p is already among node i's producers.
    std::vector<size_t> last_reader(i, SIZE_MAX);
    i = 0;
    for (const Node* n : graph.nodes()) {
      std::vector<size_t>& mine = producers_[i];
      ForEachRead(*n, [&](Value* v) {
        if (v->graph() != &graph || !v->producer()) return;
        size_t p = index_.at(v->producer());
        if (last_reader[p] != i) mine.push_back(p);
        last_reader[p] = i;
      });
      for (size_t p : mine) consumers_[p].push_back(i);
      ++i;
    }
  }
  const std::vector<size_t>& producers(size_t i) const { return producers_[i]; }
  const std::vector<size_t>& consumers(size_t i) const { return consumers_[i]; }

 private:
  absl::flat_hash_map<const Node*, size_t> index_;
  std::vector<std::vector<size_t>> producers_;
  std::vector<std::vector<size_t>> consumers_;
};

// Follows unplaced producers from `start` until a node repeats: that loop is a cycle.
std::string DescribeCycle(const std::vector<Node*>& nodes, const Dependencies& deps,
                          const std::vector<bool>& placed, size_t start) {
  std::vector<size_t> seen_at(nodes.size(), SIZE_MAX);
  std::vector<size_t> path;
  size_t at = start;
  while (seen_at[at] == SIZE_MAX) {
    seen_at[at] = path.size();
    path.push_back(at);
    for (size_t p : deps.producers(at)) {
      if (!placed[p]) {
        at = p;
        break;
      }
    }
  }
  // path[k + 1] feeds path[k], and `at` feeds path.back(): along the data flow the cycle is
  // at -> path.back() -> ... -> path[seen_at[at]] (which is `at` again).
  std::string out = NodeLabel(*nodes[at]);
  for (size_t k = path.size(); k-- > seen_at[at];) out += " -> " + NodeLabel(*nodes[path[k]]);
  return out;
}

}  // namespace

void ForEachRead(const Node& node, const std::function<void(Value*)>& fn) {
  for (Value* v : node.inputs()) {
    if (v) fn(v);
  }
  for (Graph* sub : node.subgraphs()) ForEachOuterRead(*sub, *node.graph(), fn);
}

StatusOr<std::vector<Node*>> TopologicalOrder(const Graph& graph) {
  std::vector<Node*> nodes(graph.nodes().begin(), graph.nodes().end());
  Dependencies deps(graph);
  std::vector<size_t> waiting(nodes.size());
  std::vector<bool> placed(nodes.size(), false), parked(nodes.size(), false);
  std::vector<Node*> order;
  order.reserve(nodes.size());
  // Placing a node releases the parked consumers it was the last producer of, at once.
  auto place = [&](size_t first) {
    std::deque<size_t> ready{first};
    while (!ready.empty()) {
      size_t i = ready.front();
      ready.pop_front();
      placed[i] = true;
      order.push_back(nodes[i]);
      for (size_t c : deps.consumers(i)) {
        if (--waiting[c] == 0 && parked[c]) ready.push_back(c);
      }
    }
  };
  for (size_t i = 0; i < nodes.size(); ++i) waiting[i] = deps.producers(i).size();
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (waiting[i] == 0) {
      place(i);
    } else {
      parked[i] = true;
    }
  }
  if (order.size() == nodes.size()) return order;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!placed[i]) {
      return absl::FailedPreconditionError(fmt::format("the nodes of graph '{}' form a cycle: {}",
                                                       graph.name,
                                                       DescribeCycle(nodes, deps, placed, i)));
    }
  }
  return order;
}

Status SortTopologically(Graph& graph) {
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<Node*> order, TopologicalOrder(graph));
  // Each step extends the run order[0..i] by one, so at the end the run is the whole list.
  for (size_t i = 1; i < order.size(); ++i) order[i]->MoveAfter(order[i - 1]);
  return absl::OkStatus();
}

}  // namespace onnxkit
