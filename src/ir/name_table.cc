#include "onnxkit/name_table.h"

#include <fmt/format.h>

namespace onnxkit {

void NameTable::AddValues(const Graph& graph) {
  for (const Value* v : graph.values()) Reserve(v->name());
  for (const Node* n : graph.nodes()) {
    for (const Graph* sub : n->subgraphs()) AddValues(*sub);
  }
}

NameTable NameTable::ValueNames(const Model& model) {
  NameTable table;
  // ForEachGraph reaches sub-graphs itself: each graph adds only its own values.
  ForEachGraph(model, [&](const Graph& g) {
    for (const Value* v : g.values()) table.Reserve(v->name());
  });
  return table;
}

NameTable NameTable::ValueNames(const Graph& graph) {
  const Graph* root = &graph;
  while (root->parent()) root = root->parent();
  NameTable table;
  table.AddValues(*root);
  return table;
}

NameTable NameTable::NodeNames(const Model& model) {
  NameTable table;
  ForEachGraph(model, [&](const Graph& g) {
    for (const Node* n : g.nodes()) {
      if (!n->name.empty()) table.Reserve(n->name);
    }
  });
  return table;
}

std::string NameTable::Fresh(std::string_view base) {
  if (!Contains(base)) {
    Reserve(base);
    return std::string(base);
  }
  int64_t& suffix = next_suffix_[Key(base)];
  std::string name;
  do {
    name = fmt::format("{}_{}", base, ++suffix);
  } while (Contains(name));
  Reserve(name);
  return name;
}

}  // namespace onnxkit
