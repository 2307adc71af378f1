#include "passes/fuse_consecutive_squeezes.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

#include "passes/chain_rewrites.h"
#include "passes/graph_sites.h"
#include "passes/op_parameters.h"
#include "passes/static_types.h"
#include "passes/value_forwarding.h"

namespace onnxkit::passes {
namespace {

bool IsSqueezeOp(const Node& n) { return n.Is("", "Squeeze") || n.Is("", "Unsqueeze"); }

// `axes` against `rank` (nullopt: unknown; then every axis must be non-negative), sorted;
// nullopt when an axis is out of range, repeated, or negative at an unknown rank.
std::optional<std::vector<int64_t>> Normalized(const std::vector<int64_t>& axes,
                                               std::optional<int64_t> rank) {
  std::set<int64_t> out;
  for (int64_t a : axes) {
    if (a < 0 && !rank) return std::nullopt;
    if (rank) {
      std::optional<int64_t> n = NormalAxis(a, *rank);
      if (!n) return std::nullopt;
      a = *n;
    }
    if (!out.insert(a).second) return std::nullopt;
  }
  return std::vector<int64_t>(out.begin(), out.end());
}

// The k-th (0-based) non-negative integer not in `taken` (sorted), for each k of `ks`.
std::vector<int64_t> PositionsOutside(const std::vector<int64_t>& taken,
                                      const std::vector<int64_t>& ks) {
  std::vector<int64_t> out;
  for (int64_t k : ks) {
    int64_t pos = k;
    for (int64_t t : taken) {  // sorted: each taken position at or before pos shifts it
      if (t <= pos) ++pos;
    }
    out.push_back(pos);
  }
  return out;
}

std::vector<int64_t> SortedUnion(std::vector<int64_t> a, const std::vector<int64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  return a;
}

class Fuser {
 public:
  Fuser(Model& model, PassResult& result) : model_(model), result_(result) {}

  Status Run() {
    for (const GraphSite& site : RewritableGraphs(model_)) {
      BypassedNodes bypassed;
      size_t index = 0;
      for (Node* n : site.graph->EraseSafeNodes()) {
        const size_t at = index++;
        if (!IsSqueezeOp(*n) || !n->output(0)) continue;
        Node* p = n->input(0) ? n->input(0)->producer() : nullptr;
        if (!p || p->graph() != site.graph || !IsSqueezeOp(*p) || !p->input(0)) continue;
        std::string path = NodePath(site, *n, at);
        IntsParam a = SqueezeAxes(*p, OnnxVersionOf(model_, *p));
        IntsParam b = SqueezeAxes(*n, OnnxVersionOf(model_, *n));
        if (!a.known() || !b.known()) {
          result_.Skip(path, "the axes of the pair are computed at run time or omitted");
          continue;
        }
        bool removed = false;
        ONNXKIT_ASSIGN_OR_RETURN(bool fused, Fuse(site, *p, a.values, *n, b.values, path, removed));
        if (!fused) continue;
        bypassed.Add(p);
        result_.changed = true;
        if (removed) {
          --index;
          result_.Count("nodes-removed");
        } else {
          result_.Count("squeezes-fused");
        }
      }
      ONNXKIT_RETURN_IF_ERROR(bypassed.RemoveUnread(site, result_, "nodes-removed"));
    }
    return absl::OkStatus();
  }

 private:
  std::optional<int64_t> RankOf(const Value& v) {
    if (!types_) types_.emplace(model_);
    std::optional<size_t> r = types_->Rank(v);
    return r ? std::optional<int64_t>(static_cast<int64_t>(*r)) : std::nullopt;
  }

  // Fuses `n` (B) with its producer `p` (A); false with a skip when it cannot.
  StatusOr<bool> Fuse(const GraphSite& site, Node& p, const std::vector<int64_t>& a, Node& n,
                      const std::vector<int64_t>& b, const std::string& path, bool& removed) {
    Value* x = p.input(0);
    const bool unsqueeze_first = p.op_type == "Unsqueeze";
    const bool unsqueeze_second = n.op_type == "Unsqueeze";
    const bool negative = std::any_of(a.begin(), a.end(), [](int64_t v) { return v < 0; }) ||
                          std::any_of(b.begin(), b.end(), [](int64_t v) { return v < 0; });
    std::optional<int64_t> rank_x = negative ? RankOf(*x) : std::nullopt;
    if (negative && !rank_x) {
      // Case 1 still holds for equal lists.
      std::vector<int64_t> sa = a, sb = b;
      std::sort(sa.begin(), sa.end());
      std::sort(sb.begin(), sb.end());
      if (unsqueeze_first != unsqueeze_second && sa == sb) return Cancel(site, n, x, path, removed);
      result_.Skip(path, "negative axes and the input's rank is unknown");
      return false;
    }
    const int64_t na = static_cast<int64_t>(a.size());
    auto rank_after = [&](int64_t r, bool unsqueeze, int64_t count) {
      return unsqueeze ? r + count : r - count;
    };
    std::optional<int64_t> rank_y, rank_z;
    if (rank_x) {
      rank_y = rank_after(*rank_x, unsqueeze_first, na);
      rank_z = rank_after(*rank_y, unsqueeze_second, static_cast<int64_t>(b.size()));
    }
    // A's axes refer to y (Unsqueeze) or x (Squeeze); B's to z (Unsqueeze) or y (Squeeze).
    std::optional<std::vector<int64_t>> an = Normalized(a, unsqueeze_first ? rank_y : rank_x);
    std::optional<std::vector<int64_t>> bn = Normalized(b, unsqueeze_second ? rank_z : rank_y);
    if (!an || !bn) {
      result_.Skip(path, "the axes are out of range or repeated");
      return false;
    }
    if (unsqueeze_first != unsqueeze_second) {
      if (*an == *bn) return Cancel(site, n, x, path, removed);
      return false;  // partly cancelling pairs are left alone
    }
    std::vector<int64_t> combined = unsqueeze_first ? SortedUnion(*bn, PositionsOutside(*bn, *an))
                                                    : SortedUnion(*an, PositionsOutside(*an, *bn));
    const int64_t version = OnnxVersionOf(model_, n);
    if (version >= 13) {
      if (!names_) names_ = NameTable::ValueNames(model_);
      n.SetInput(1, AddInt64s(model_, site, &n, *names_, n.output(0)->name() + "_axes", combined));
    } else {
      n.SetAttribute(Attribute::Ints("axes", combined));
    }
    n.SetInput(0, x);
    return true;
  }

  // Case 1: z is x.
  StatusOr<bool> Cancel(const GraphSite& site, Node& n, Value* x, const std::string& path,
                        bool& removed) {
    Value* z = n.output(0);
    if (std::optional<std::string> why = WhyNotForwardable(*site.graph, *x, *z)) {
      result_.Skip(path, "the pair cancels but " + *why);
      return false;
    }
    if (Forward(*site.graph, x, z)) result_.Count("outputs-renamed");
    if (Status status = site.graph->RemoveNode(&n); !status.ok()) {
      return absl::InternalError(fmt::format("{}: {}", path, std::string(status.message())));
    }
    removed = true;
    return true;
  }

  Model& model_;
  PassResult& result_;
  std::optional<StaticTypes> types_;
  std::optional<NameTable> names_;
};

}  // namespace

FuseConsecutiveSqueezesPass::FuseConsecutiveSqueezesPass(const PassOptions&) {}

StatusOr<PassResult> FuseConsecutiveSqueezesPass::Run(Model& model, PassContext&) {
  PassResult result;
  ONNXKIT_RETURN_IF_ERROR(Fuser(model, result).Run());
  return result;
}

}  // namespace onnxkit::passes
