// Fresh names for the values (or nodes) a pass creates.
//
// ONNX names values by string, and a sub-graph may not redefine a name of an enclosing
// graph, so a name a pass adds must be unused everywhere it could clash: the table holds
// every name of the model (main graph, sub-graphs at any depth, function bodies, training
// graphs) and hands out names no one uses yet. Each Fresh() is O(1) amortised.
#pragma once

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "onnxkit/ir.h"

namespace onnxkit {

class NameTable {
 public:
  // An empty table.
  NameTable() = default;
  // Every value name of `model`, in every graph it has.
  static NameTable ValueNames(const Model& model);
  // Every value name of the outermost graph enclosing `graph` and of all its sub-graphs.
  static NameTable ValueNames(const Graph& graph);
  // Every node name of `model`, in every graph it has.
  static NameTable NodeNames(const Model& model);

  // Whether `name` is taken.
  bool Contains(std::string_view name) const { return used_.contains(Key(name)); }
  // Marks `name` as taken.
  void Reserve(std::string_view name) { used_.emplace(name); }
  // `base` if it is free, else the first free `base_1`, `base_2`, …; the name is taken.
  std::string Fresh(std::string_view base);

 private:
  // absl's string_view is a distinct type on some builds; its hash takes only that one.
  static absl::string_view Key(std::string_view s) { return {s.data(), s.size()}; }
  // Reserves the value names of `graph` and its sub-graphs.
  void AddValues(const Graph& graph);
  absl::flat_hash_set<std::string> used_;
  // The next suffix to try for each base, so that asking again does not rescan.
  absl::flat_hash_map<std::string, int64_t> next_suffix_;
};

}  // namespace onnxkit
