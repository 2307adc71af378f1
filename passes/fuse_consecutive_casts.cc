#include "passes/fuse_consecutive_casts.h"

#include <fmt/format.h>

#include <optional>

#include "passes/chain_rewrites.h"
#include "passes/graph_sites.h"
#include "passes/static_types.h"
#include "passes/value_forwarding.h"

namespace onnxkit::passes {
namespace {

// What decides exactness: an integer's bits and signedness, a float's significand and
// exponent range.
struct NumberFormat {
  enum class Kind { kBool, kInt, kFloat } kind;
  bool is_signed = false;
  int bits = 0;         // integers
  int significand = 0;  // floats, the implicit bit included
  int max_exponent = 0;
  int min_exponent = 0;  // of the smallest subnormal
};

std::optional<NumberFormat> FormatOf(int32_t type) {
  using K = NumberFormat::Kind;
  switch (static_cast<DataType>(type)) {
    case DataType::kBool: return NumberFormat{K::kBool};
    case DataType::kUint8: return NumberFormat{K::kInt, false, 8};
    case DataType::kInt8: return NumberFormat{K::kInt, true, 8};
    case DataType::kUint16: return NumberFormat{K::kInt, false, 16};
    case DataType::kInt16: return NumberFormat{K::kInt, true, 16};
    case DataType::kUint32: return NumberFormat{K::kInt, false, 32};
    case DataType::kInt32: return NumberFormat{K::kInt, true, 32};
    case DataType::kUint64: return NumberFormat{K::kInt, false, 64};
    case DataType::kInt64: return NumberFormat{K::kInt, true, 64};
    case DataType::kFloat16: return NumberFormat{K::kFloat, true, 0, 11, 15, -24};
    case DataType::kBfloat16: return NumberFormat{K::kFloat, true, 0, 8, 127, -133};
    case DataType::kFloat: return NumberFormat{K::kFloat, true, 0, 24, 127, -149};
    case DataType::kDouble: return NumberFormat{K::kFloat, true, 0, 53, 1023, -1074};
    default: return std::nullopt;
  }
}

// Whether every value of type `from` is a value of type `to` (see the header's list).
bool HoldsExactly(int32_t to, int32_t from) {
  if (to == from) return true;
  std::optional<NumberFormat> f = FormatOf(from), t = FormatOf(to);
  if (!f || !t) return false;
  using K = NumberFormat::Kind;
  if (f->kind == K::kBool) return true;
  if (t->kind == K::kBool) return false;
  if (f->kind == K::kInt && t->kind == K::kInt) {
    if (f->is_signed == t->is_signed) return t->bits >= f->bits;
    return !f->is_signed && t->bits > f->bits;
  }
  if (f->kind == K::kInt) {  // into a float: the largest magnitude is 2^(bits-1) or 2^bits - 1
    return (f->is_signed ? f->bits - 1 : f->bits) <= t->significand;
  }
  if (t->kind == K::kInt) return false;
  return t->significand >= f->significand && t->max_exponent >= f->max_exponent &&
         t->min_exponent <= f->min_exponent;
}

}  // namespace

FuseConsecutiveCastsPass::FuseConsecutiveCastsPass(const PassOptions&) {}

StatusOr<PassResult> FuseConsecutiveCastsPass::Run(Model& model, PassContext&) {
  PassResult result;
  std::optional<StaticTypes> types;  // inferred at the first pair
  for (const GraphSite& site : RewritableGraphs(model)) {
    Graph& graph = *site.graph;
    BypassedNodes bypassed;
    size_t index = 0;
    for (Node* n : graph.EraseSafeNodes()) {
      const size_t at = index++;
      if (!n->Is("", "Cast") || !n->output(0)) continue;
      Node* p = ProducerOf(*n, "Cast");
      if (!p || !p->input(0)) continue;
      Value* x = p->input(0);
      std::optional<int64_t> t1 = p->GetInt("to"), t2 = n->GetInt("to");
      if (!t1 || !t2) {
        result.Skip(NodePath(site, *n, at), "a 'to' is no constant");
        continue;
      }
      if (!types) types.emplace(model);
      std::optional<int32_t> t0 = types->ElemType(*x);
      if (!t0) {
        result.Skip(NodePath(site, *n, at), "the first Cast's input type is unknown");
        continue;
      }
      if (!FormatOf(static_cast<int32_t>(*t2))) {
        // Strings, for one, print a float32 and its float64 widening differently.
        result.Skip(NodePath(site, *n, at), fmt::format("casts to {} are not handled",
                                                        DataTypeName(static_cast<int32_t>(*t2))));
        continue;
      }
      if (!HoldsExactly(static_cast<int32_t>(*t1), *t0)) {
        result.Skip(NodePath(site, *n, at),
                    fmt::format("the first Cast ({} to {}) may change values", DataTypeName(*t0),
                                DataTypeName(static_cast<int32_t>(*t1))));
        continue;
      }
      if (*t2 == *t0) {
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
      bypassed.Add(p);
      result.changed = true;
      result.Count("casts-fused");
    }
    ONNXKIT_RETURN_IF_ERROR(bypassed.RemoveUnread(site, result, "nodes-removed"));
  }
  return result;
}

}  // namespace onnxkit::passes
