#include "passes/fuse_consecutive_transposes.h"

#include <fmt/format.h>

#include <numeric>
#include <optional>

#include "passes/chain_rewrites.h"
#include "passes/graph_sites.h"
#include "passes/op_parameters.h"
#include "passes/value_forwarding.h"

namespace onnxkit::passes {
namespace {

// The perm of `t` at `rank` (given, or the reversal), or nullopt when it is no permutation.
std::optional<std::vector<int64_t>> PermOf(const IntsParam& perm, size_t rank) {
  std::vector<int64_t> out = perm.known() ? perm.values : std::vector<int64_t>(rank);
  if (!perm.known()) {
    for (size_t i = 0; i < rank; ++i) out[i] = static_cast<int64_t>(rank - 1 - i);
  }
  if (out.size() != rank) return std::nullopt;
  std::vector<bool> seen(rank);
  for (int64_t a : out) {
    if (a < 0 || a >= static_cast<int64_t>(rank) || seen[a]) return std::nullopt;
    seen[a] = true;
  }
  return out;
}

bool IsIota(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != static_cast<int64_t>(i)) return false;
  }
  return true;
}

}  // namespace

FuseConsecutiveTransposesPass::FuseConsecutiveTransposesPass(const PassOptions&) {}

StatusOr<PassResult> FuseConsecutiveTransposesPass::Run(Model& model, PassContext&) {
  PassResult result;
  for (const GraphSite& site : RewritableGraphs(model)) {
    Graph& graph = *site.graph;
    BypassedNodes bypassed;
    size_t index = 0;
    for (Node* n : graph.EraseSafeNodes()) {
      const size_t at = index++;
      if (!n->Is("", "Transpose")) continue;
      Node* p = ProducerOf(*n, "Transpose");
      if (!p || !p->input(0) || !n->output(0)) continue;
      Value* x = p->input(0);
      IntsParam first = IntsAttribute(*p, "perm"), second = IntsAttribute(*n, "perm");
      if (first.computed() || second.computed()) {
        result.Skip(NodePath(site, *n, at), "a perm is a function attribute");
        continue;
      }
      std::vector<int64_t> combined;
      if (!first.known() && !second.known()) {
        combined.clear();  // reversed twice: the identity, at any rank
      } else {
        std::optional<size_t> rank;
        if (first.known()) rank = first.values.size();
        if (second.known()) rank = second.values.size();
        std::optional<std::vector<int64_t>> q = PermOf(second, *rank);
        std::optional<std::vector<int64_t>> pp = PermOf(first, *rank);
        if (!q || !pp) {
          result.Skip(NodePath(site, *n, at), "the perms are no permutations of one rank");
          continue;
        }
        combined.resize(*rank);
        for (size_t i = 0; i < *rank; ++i) combined[i] = (*pp)[(*q)[i]];
      }
      if (IsIota(combined)) {
        Value* z = n->output(0);
        if (std::optional<std::string> why = WhyNotForwardable(graph, *x, *z)) {
          result.Skip(NodePath(site, *n, at), "the pair cancels but " + *why);
          continue;
        }
        if (Forward(graph, x, z)) result.Count("outputs-renamed");
        bypassed.Add(p);
        if (Status removed = graph.RemoveNode(n); !removed.ok()) {
          return absl::InternalError(
              fmt::format("{}: {}", NodePath(site, *n, at), std::string(removed.message())));
        }
        --index;
        result.changed = true;
        result.Count("nodes-removed");
        continue;
      }
      n->SetInput(0, x);
      n->SetAttribute(Attribute::Ints("perm", combined));
      bypassed.Add(p);
      result.changed = true;
      result.Count("transposes-fused");
    }
    ONNXKIT_RETURN_IF_ERROR(bypassed.RemoveUnread(site, result, "nodes-removed"));
  }
  return result;
}

}  // namespace onnxkit::passes
