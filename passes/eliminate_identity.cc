#include "passes/eliminate_identity.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "passes/graph_sites.h"

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

// Case 2: `x` becomes the graph output `y`, under `y`'s name and declaration.
void TakeOverOutput(Graph& graph, Value* x, Value* y) {
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
}

}  // namespace

EliminateIdentityPass::EliminateIdentityPass(const PassOptions&) {}

StatusOr<PassResult> EliminateIdentityPass::Run(Model& model, PassContext&) {
  PassResult result;
  for (const GraphSite& site : RewritableGraphs(model)) {
    Graph& graph = *site.graph;
    size_t index = 0;  // of the current node, in the graph as it is now
    for (Node* n : graph.EraseSafeNodes()) {
      const size_t at = index++;
      if (!n->Is("", "Identity")) continue;
      Value* x = n->input(0);
      Value* y = n->output(0);
      if (!x) {
        result.Skip(NodePath(site, *n, at), "the Identity has no input");
        continue;
      }
      if (!y) {  // nothing reads an omitted output: the node is dead
        if (n->outputs().size() <= 1 && graph.RemoveNode(n).ok()) {
          --index;
          result.changed = true;
          result.Count("identities-removed");
        }
        continue;
      }
      size_t own_slots = OutputSlotsIn(graph, y);
      if (y->is_graph_output() && own_slots == 0) {
        result.Skip(NodePath(site, *n, at),
                    fmt::format("its output '{}' is returned by a sub-graph", y->name()));
        continue;
      }
      if (own_slots > 0) {
        if (std::optional<std::string> why = WhyNotRenamable(graph, *x)) {
          result.Skip(NodePath(site, *n, at),
                      fmt::format("its output '{}' is a graph output and {}", y->name(), *why));
          continue;
        }
        TakeOverOutput(graph, x, y);
        result.Count("outputs-renamed");
      } else {
        y->ReplaceAllUsesWith(x);
      }
      Status removed = graph.RemoveNode(n);
      if (!removed.ok()) {
        return absl::InternalError(
            fmt::format("{}: {}", NodePath(site, *n, at), std::string(removed.message())));
      }
      --index;  // the node is gone
      result.changed = true;
      result.Count("identities-removed");
    }
  }
  return result;
}

}  // namespace onnxkit::passes
