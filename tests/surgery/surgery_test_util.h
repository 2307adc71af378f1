// Helpers shared by the tests of the graph-surgery edits (onnxkit/edit.h).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/ir.h"

namespace onnxkit::surgery_test {

using ir_test::Parse;

// The declared type of the value named `name` in `graph` (or an enclosing graph), as text;
// "<none>" when there is no such value, "?" when it has no type.
inline std::string TypeOf(const Graph& graph, const std::string& name) {
  const Value* v = graph.Lookup(name);
  if (v == nullptr) return "<none>";
  return v->type() ? TypeToString(*v->type()) : "?";
}

inline std::vector<std::string> Names(const std::vector<Value*>& values) {
  std::vector<std::string> names;
  for (const Value* v : values) names.push_back(v ? v->name() : "");
  return names;
}

inline std::vector<std::string> NodeNames(const Graph& graph) {
  std::vector<std::string> names;
  for (const Node* n : graph.nodes()) names.push_back(n->name);
  return names;
}

}  // namespace onnxkit::surgery_test
