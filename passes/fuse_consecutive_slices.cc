#include "passes/fuse_consecutive_slices.h"

#include <fmt/format.h>

#include <optional>
#include <set>

#include "passes/chain_rewrites.h"
#include "passes/graph_sites.h"
#include "passes/op_parameters.h"
#include "passes/static_types.h"

namespace onnxkit::passes {
namespace {

// One Slice's parameters with axes and steps filled in.
struct Ranges {
  std::vector<int64_t> starts, ends, axes, steps;
};

// The constant parameters of `n`, or a reason why there are none.
std::optional<Ranges> RangesOf(const Node& n, int64_t version, std::string& why) {
  SliceParams p = SliceParamsOf(n, version);
  for (const IntsParam* q : {&p.starts, &p.ends, &p.axes, &p.steps}) {
    if (q->computed()) {
      why = "the starts, ends, axes or steps are computed at run time";
      return std::nullopt;
    }
  }
  if (!p.starts.known() || !p.ends.known() || p.starts.values.size() != p.ends.values.size()) {
    why = "its starts and ends are missing or of different lengths";
    return std::nullopt;
  }
  const size_t count = p.starts.values.size();
  Ranges r{p.starts.values, p.ends.values, p.axes.values, p.steps.values};
  if (!p.axes.known()) {
    for (size_t i = 0; i < count; ++i) r.axes.push_back(static_cast<int64_t>(i));
  }
  if (!p.steps.known()) r.steps.assign(count, 1);
  if (r.axes.size() != count || r.steps.size() != count) {
    why = "its parameters are of different lengths";
    return std::nullopt;
  }
  return r;
}

// The axes of `r` normalized with `rank` (nullopt: unknown), or nullopt when one is negative
// at an unknown rank or out of range.
std::optional<std::set<int64_t>> AxisSet(const Ranges& r, std::optional<int64_t> rank) {
  std::set<int64_t> out;
  for (int64_t a : r.axes) {
    if (rank) {
      std::optional<int64_t> n = NormalAxis(a, *rank);
      if (!n) return std::nullopt;
      a = *n;
    } else if (a < 0) {
      return std::nullopt;
    }
    out.insert(a);
  }
  return out;
}

void Append(std::vector<int64_t>& to, const std::vector<int64_t>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

FuseConsecutiveSlicesPass::FuseConsecutiveSlicesPass(const PassOptions&) {}

StatusOr<PassResult> FuseConsecutiveSlicesPass::Run(Model& model, PassContext&) {
  PassResult result;
  std::optional<StaticTypes> types;  // inferred at the first negative axis
  std::optional<NameTable> names;    // made at the first new constant
  for (const GraphSite& site : RewritableGraphs(model)) {
    BypassedNodes bypassed;
    size_t index = 0;
    for (Node* n : site.graph->EraseSafeNodes()) {
      const size_t at = index++;
      if (!n->Is("", "Slice") || !n->output(0)) continue;
      Node* p = ProducerOf(*n, "Slice");
      if (!p || !p->input(0)) continue;
      const std::string path = NodePath(site, *n, at);
      const int64_t version = OnnxVersionOf(model, *n);
      std::string why;
      std::optional<Ranges> first = RangesOf(*p, version, why);
      std::optional<Ranges> second = first ? RangesOf(*n, version, why) : std::nullopt;
      if (!second) {
        result.Skip(path, why);
        continue;
      }
      std::optional<int64_t> rank;
      auto negative = [](const Ranges& r) {
        for (int64_t a : r.axes) {
          if (a < 0) return true;
        }
        return false;
      };
      if (negative(*first) || negative(*second)) {
        if (!types) types.emplace(model);
        if (std::optional<size_t> r = types->Rank(*p->input(0))) rank = static_cast<int64_t>(*r);
      }
      std::optional<std::set<int64_t>> a = AxisSet(*first, rank);
      std::optional<std::set<int64_t>> b = AxisSet(*second, rank);
      if (!a || !b) {
        result.Skip(path,
                    "negative axes and the input's rank is unknown (or an axis is out of "
                    "range)");
        continue;
      }
      bool shared = false;
      for (int64_t axis : *b) shared = shared || a->contains(axis);
      if (shared || a->size() != first->axes.size() || b->size() != second->axes.size()) {
        result.Skip(path, "the two Slices share an axis (composing its ranges is not done)");
        continue;
      }
      Ranges fused = *first;
      Append(fused.starts, second->starts);
      Append(fused.ends, second->ends);
      Append(fused.axes, second->axes);
      Append(fused.steps, second->steps);
      if (version < 10) {
        n->SetAttribute(Attribute::Ints("starts", fused.starts));
        n->SetAttribute(Attribute::Ints("ends", fused.ends));
        n->SetAttribute(Attribute::Ints("axes", fused.axes));
      } else {
        if (!names) names = NameTable::ValueNames(model);
        const std::string base = n->output(0)->name();
        n->SetInput(1, AddInt64s(model, site, n, *names, base + "_starts", fused.starts));
        n->SetInput(2, AddInt64s(model, site, n, *names, base + "_ends", fused.ends));
        Value* axes = AddInt64s(model, site, n, *names, base + "_axes", fused.axes);
        Value* steps = AddInt64s(model, site, n, *names, base + "_steps", fused.steps);
        if (n->inputs().size() < 4) n->AddInput(nullptr);
        if (n->inputs().size() < 5) n->AddInput(nullptr);
        n->SetInput(3, axes);
        n->SetInput(4, steps);
      }
      n->SetInput(0, p->input(0));
      bypassed.Add(p);
      result.changed = true;
      result.Count("slices-fused");
    }
    ONNXKIT_RETURN_IF_ERROR(bypassed.RemoveUnread(site, result, "nodes-removed"));
  }
  return result;
}

}  // namespace onnxkit::passes
