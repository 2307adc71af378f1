#include "passes/value_forwarding.h"

#include <fmt/format.h>

#include <algorithm>

namespace onnxkit::passes {
namespace {

// How many output slots of `graph` hold `v`.
size_t OutputSlotsIn(const Graph& graph, const Value* v) {
  return static_cast<size_t>(std::count(graph.outputs().begin(), graph.outputs().end(), v));
}

// Why `x` cannot take over the graph output `y`'s name, or nullopt when it can.
std::optional<std::string> WhyNotRenamable(const Graph& graph, const Value& x) {
  if (x.graph() != &graph) return "its input is a value of an enclosing graph";
  if (x.is_graph_input()) return fmt::format("its input '{}' is a graph input", x.name());
  if (x.initializer() || x.sparse_initializer()) {
    return fmt::format("its input '{}' is an initializer", x.name());
  }
  if (x.is_graph_output()) return fmt::format("its input '{}' is a graph output", x.name());
  if (x.kind() != Value::Kind::kNodeOutput) {
    return fmt::format("its input '{}' is not defined in this graph", x.name());
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> WhyNotForwardable(const Graph& graph, const Value& x, const Value& y) {
  if (!y.is_graph_output()) return std::nullopt;
  if (OutputSlotsIn(graph, &y) == 0) {
    return fmt::format("its output '{}' is returned by a sub-graph", y.name());
  }
  if (std::optional<std::string> why = WhyNotRenamable(graph, x)) {
    return fmt::format("its output '{}' is a graph output and {}", y.name(), *why);
  }
  return std::nullopt;
}

bool Forward(Graph& graph, Value* x, Value* y) {
  if (OutputSlotsIn(graph, y) == 0) {
    y->ReplaceAllUsesWith(x);
    return false;
  }
  // x's own value_info entries would declare the output a second time.
  for (size_t i = graph.value_info().size(); i-- > 0;) {
    if (graph.value_info()[i] == x) (void)graph.RemoveValueInfo(i);
  }
  ValueInfo declared = y->info();
  std::string name = y->name();
  y->ReplaceAllUsesWith(x, Value::GraphOutputs::kRedirect);
  if (declared.has_type || !declared.doc_string.empty()) x->mutable_info() = std::move(declared);
  y->set_name(x->name());  // y is removed with its node; it must not keep the output's name
  x->set_name(std::move(name));
  return true;
}

}  // namespace onnxkit::passes
