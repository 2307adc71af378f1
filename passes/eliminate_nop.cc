// Each op has a test that returns a Verdict: the input the output equals (the node is a
// no-op), a reason why it cannot tell (a skip), or nothing (the node does something).
#include "passes/eliminate_nop.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "onnxkit/constant.h"
#include "onnxkit/number_formats.h"
#include "passes/graph_sites.h"
#include "passes/op_parameters.h"
#include "passes/static_types.h"
#include "passes/value_forwarding.h"

namespace onnxkit::passes {
namespace {

// A slice end this large reaches past any real dim.
constexpr int64_t kEndOfAnyDim = int64_t{1} << 62;

struct Verdict {
  Value* same = nullptr;  // the input the output equals
  std::string why;        // why it cannot tell
};
Verdict Same(Value* v) { return {v, {}}; }
Verdict Unknown(std::string why) { return {nullptr, std::move(why)}; }
Verdict Works() { return {}; }

struct Site {
  const Node& n;
  int64_t version;
  const StaticTypes& types;
};

std::string ComputedParam(std::string_view what) {
  return fmt::format("its {} computed at run time", what);
}

// The most elements a constant operand is read for: larger ones are left as they are.
constexpr int64_t kMostNumbersRead = int64_t{1} << 20;

// The constant tensor behind `v` as numbers, or nullopt (not constant, or too large).
std::optional<std::vector<double>> ConstantNumbers(const Value* v) {
  if (!IsConstant(v)) return std::nullopt;
  StatusOr<Tensor> t = ConstantTensor(v);
  if (!t.ok()) return std::nullopt;
  StatusOr<std::vector<double>> values = ToDoubles(*t, kMostNumbersRead);
  if (!values.ok()) return std::nullopt;
  return *std::move(values);
}

// Whether `t` has elements (at most as many as ConstantNumbers reads) and each is `unit`.
// Reads up to the first that is not: a large constant of other values costs one element.
bool EveryElementIs(const Tensor& t, double unit) {
  if (!IsNumeric(t.data_type)) return false;
  StatusOr<int64_t> count = t.ElementCount();
  if (!count.ok() || *count == 0 || *count > kMostNumbersRead) return false;
  StatusOr<Bytes> data = t.Data();
  if (!data.ok()) return false;
  for (int64_t i = 0; i < *count; ++i) {
    if (ElementAsDouble(t.data_type, data->view(), i) != unit) return false;
  }
  return true;
}

Verdict Dropout(const Site& s) {
  if (s.version < 7) {
    if (s.n.GetInt("is_test").value_or(0) == 1) return Same(s.n.input(0));
    return Unknown("is_test is 0: it drops in training");
  }
  if (s.version < 12) return Same(s.n.input(0));
  const Value* training = s.n.input(2);
  if (!training) return Same(s.n.input(0));
  std::optional<std::vector<double>> mode = ConstantNumbers(training);
  if (!mode || mode->size() != 1) return Unknown("training_mode is computed at run time");
  if ((*mode)[0] == 0) return Same(s.n.input(0));
  std::optional<std::vector<double>> ratio =
      s.n.input(1) ? ConstantNumbers(s.n.input(1)) : std::nullopt;
  if (ratio && ratio->size() == 1 && (*ratio)[0] == 0) return Same(s.n.input(0));
  return Unknown("it runs in training mode with a ratio that is not a constant 0");
}

Verdict Cast(const Site& s) {
  std::optional<int64_t> to = s.n.GetInt("to");
  std::optional<int32_t> from = s.types.ElemType(*s.n.input(0));
  if (!to) return Unknown("its 'to' is not a constant");
  if (!from) return Unknown("its input's element type is unknown");
  return *from == *to ? Same(s.n.input(0)) : Works();
}

Verdict CastLike(const Site& s) {
  if (!s.n.input(1)) return Works();
  std::optional<int32_t> from = s.types.ElemType(*s.n.input(0));
  std::optional<int32_t> to = s.types.ElemType(*s.n.input(1));
  if (!from || !to) return Unknown("an input's element type is unknown");
  return *from == *to ? Same(s.n.input(0)) : Works();
}

Verdict Expand(const Site& s) {
  IntsParam shape = IntsInput(s.n, 1);
  if (!shape.known()) return shape.computed() ? Unknown(ComputedParam("shape is")) : Works();
  const std::vector<Dim>* dims = s.types.Dims(*s.n.input(0));
  if (!dims) return Unknown("its input's rank is unknown");
  if (shape.values.size() > dims->size()) return Works();
  const size_t offset = dims->size() - shape.values.size();
  for (size_t j = 0; j < shape.values.size(); ++j) {
    int64_t want = shape.values[j];
    const Dim& d = (*dims)[offset + j];
    if (want == 1 || IsDim(d, want)) continue;
    if (d.kind == Dim::Kind::kValue) return Works();
    return Unknown(fmt::format("its input's dim {} is unknown", offset + j));
  }
  return Same(s.n.input(0));
}

Verdict Reshape(const Site& s) {
  IntsParam shape = IntsInput(s.n, 1);
  if (!shape.known()) return shape.computed() ? Unknown(ComputedParam("shape is")) : Works();
  const bool allowzero = s.version >= 14 && s.n.GetInt("allowzero").value_or(0) == 1;
  const std::vector<Dim>* dims = s.types.Dims(*s.n.input(0));
  if (!dims) return Unknown("its input's shape is unknown");
  if (shape.values.size() != dims->size()) return Works();
  bool minus_one = false;
  for (size_t i = 0; i < dims->size(); ++i) {
    const Dim& d = (*dims)[i];
    const int64_t want = shape.values[i];
    if (want == 0 && !allowzero) continue;  // copies the input's dim
    if (want == -1 && !minus_one) {         // the dim the others leave: this one, if they match
      minus_one = true;
      continue;
    }
    if (IsDim(d, want)) continue;
    if (d.kind == Dim::Kind::kValue || want < 0) return Works();
    return Unknown(fmt::format("its input's dim {} is unknown", i));
  }
  // A -1 cannot be inferred from zero elements.
  if (minus_one &&
      std::any_of(dims->begin(), dims->end(), [](const Dim& d) { return IsDim(d, 0); })) {
    return Works();
  }
  return Same(s.n.input(0));
}

Verdict Flatten(const Site& s) {
  std::optional<size_t> rank = s.types.Rank(*s.n.input(0));
  if (!rank) return Unknown("its input's rank is unknown");
  int64_t axis = s.n.GetInt("axis").value_or(1);
  return *rank == 2 && (axis == 1 || axis == -1) ? Same(s.n.input(0)) : Works();
}

Verdict Squeeze(const Site& s) {
  IntsParam axes = SqueezeAxes(s.n, s.version);
  if (axes.computed()) return Unknown(ComputedParam("axes are"));
  if (axes.known()) return Works();  // listed axes are removed (an empty list: left alone)
  const std::vector<Dim>* dims = s.types.Dims(*s.n.input(0));
  if (!dims) return Unknown("its input's shape is unknown");
  for (size_t i = 0; i < dims->size(); ++i) {
    const Dim& d = (*dims)[i];
    if (IsDim(d, 1)) return Works();
    if (d.kind != Dim::Kind::kValue) {
      return Unknown(fmt::format("its input's dim {} is unknown (it may be 1)", i));
    }
  }
  return Same(s.n.input(0));
}

Verdict Unsqueeze(const Site& s) {
  IntsParam axes = SqueezeAxes(s.n, s.version);
  if (axes.computed()) return Unknown(ComputedParam("axes are"));
  return axes.known() && axes.values.empty() ? Same(s.n.input(0)) : Works();
}

Verdict Slice(const Site& s) {
  SliceParams p = SliceParamsOf(s.n, s.version);
  for (const IntsParam* q : {&p.starts, &p.ends, &p.axes, &p.steps}) {
    if (q->computed()) return Unknown(ComputedParam("starts, ends, axes or steps are"));
  }
  if (!p.starts.known() || !p.ends.known() || p.starts.values.size() != p.ends.values.size()) {
    return Works();
  }
  const size_t count = p.starts.values.size();
  if ((p.axes.known() && p.axes.values.size() != count) ||
      (p.steps.known() && p.steps.values.size() != count)) {
    return Works();
  }
  const std::vector<Dim>* dims = s.types.Dims(*s.n.input(0));
  for (size_t k = 0; k < count; ++k) {
    if (p.steps.known() && p.steps.values[k] != 1) return Works();
    int64_t axis = p.axes.known() ? p.axes.values[k] : static_cast<int64_t>(k);
    const Dim* d = nullptr;
    if (dims) {
      std::optional<int64_t> a = NormalAxis(axis, static_cast<int64_t>(dims->size()));
      if (!a) return Works();
      d = &(*dims)[*a];
    } else if (axis < 0) {
      return Unknown("its input's rank is unknown");
    }
    const bool known = d && d->kind == Dim::Kind::kValue;
    int64_t start = p.starts.values[k], end = p.ends.values[k];
    if (start > 0) return Works();
    if (start < 0 && !(known && start + d->value <= 0)) {
      return known ? Works() : Unknown(fmt::format("the dim of axis {} is unknown", axis));
    }
    if (end >= kEndOfAnyDim || (known && end >= d->value)) continue;
    if (known || end < 0) return Works();
    return Unknown(fmt::format("the dim of axis {} is unknown", axis));
  }
  return Same(s.n.input(0));
}

Verdict Transpose(const Site& s) {
  IntsParam perm = IntsAttribute(s.n, "perm");
  if (perm.computed()) return Unknown("its perm is a function attribute");
  if (perm.known()) {
    for (size_t i = 0; i < perm.values.size(); ++i) {
      if (perm.values[i] != static_cast<int64_t>(i)) return Works();
    }
    return Same(s.n.input(0));
  }
  std::optional<size_t> rank = s.types.Rank(*s.n.input(0));
  if (!rank) return Unknown("it has no perm and its input's rank is unknown");
  return *rank <= 1 ? Same(s.n.input(0)) : Works();
}

Verdict Pad(const Site& s) {
  PadParams p = PadParamsOf(s.n, s.version);
  if (p.pads.computed()) return Unknown(ComputedParam("pads are"));
  if (!p.pads.known()) return Works();
  bool zero =
      std::all_of(p.pads.values.begin(), p.pads.values.end(), [](int64_t v) { return v == 0; });
  return zero ? Same(s.n.input(0)) : Works();
}

Verdict Concat(const Site& s) { return s.n.inputs().size() == 1 ? Same(s.n.input(0)) : Works(); }

Verdict Split(const Site& s) { return s.n.outputs().size() == 1 ? Same(s.n.input(0)) : Works(); }

// Whether Resize's `sizes` (input 3, for the `axes` attribute's axes or all) are the
// input's own dims.
Verdict SizesAreTheDims(const Site& s) {
  IntsParam sizes = IntsInput(s.n, 3);
  if (sizes.computed()) return Unknown(ComputedParam("sizes are"));
  if (!sizes.known()) return Works();
  const std::vector<Dim>* dims = s.types.Dims(*s.n.input(0));
  if (!dims) return Unknown("its input's shape is unknown");
  IntsParam axes = IntsAttribute(s.n, "axes");
  std::vector<int64_t> which = axes.values;
  if (!axes.known()) {
    for (size_t i = 0; i < dims->size(); ++i) which.push_back(static_cast<int64_t>(i));
  }
  if (which.size() != sizes.values.size()) return Works();
  for (size_t i = 0; i < which.size(); ++i) {
    std::optional<int64_t> a = NormalAxis(which[i], static_cast<int64_t>(dims->size()));
    if (!a) return Works();
    const Dim& d = (*dims)[*a];
    if (IsDim(d, sizes.values[i])) continue;
    if (d.kind == Dim::Kind::kValue) return Works();
    return Unknown(fmt::format("its input's dim {} is unknown", *a));
  }
  return Same(s.n.input(0));
}

// Resize and Upsample by unit scales (or, for Resize 11 and later, to sizes equal to the
// input's dims): every output pixel sits exactly on an input pixel, whose weight is then 1
// in every mode, for every coordinate transformation but tf_crop_and_resize (which reads
// the roi). Antialiasing is not looked at (left alone).
Verdict Resample(const Site& s) {
  const Node& n = s.n;
  const bool resize = n.op_type == "Resize";
  Verdict verdict;
  if (!resize && s.version < 9) {
    std::optional<std::span<const float>> scales = n.GetFloats("scales");
    if (!scales) return Works();
    bool ones = !scales->empty() &&
                std::all_of(scales->begin(), scales->end(), [](float f) { return f == 1.0f; });
    verdict = ones ? Same(n.input(0)) : Works();
  } else {
    const size_t at = resize && s.version >= 11 ? 2 : 1;
    const Value* scales_input = n.input(at);
    std::optional<std::vector<double>> scales =
        scales_input ? ConstantNumbers(scales_input) : std::nullopt;
    if (scales_input && !scales) return Unknown(ComputedParam("scales are"));
    if (scales && !scales->empty()) {
      bool ones = std::all_of(scales->begin(), scales->end(), [](double f) { return f == 1.0; });
      verdict = ones ? Same(n.input(0)) : Works();
    } else if (resize && s.version >= 11) {
      verdict = SizesAreTheDims(s);
    } else {
      return Works();
    }
  }
  if (!verdict.same || !resize || s.version < 11) return verdict;
  if (n.GetString("coordinate_transformation_mode").value_or("half_pixel") ==
      "tf_crop_and_resize") {
    return Works();
  }
  if (n.GetInt("antialias").value_or(0) != 0) return Unknown("antialiasing is not handled");
  return verdict;
}

Verdict Tile(const Site& s) {
  if (s.version < 6) return Works();
  IntsParam repeats = IntsInput(s.n, 1);
  if (repeats.computed()) return Unknown(ComputedParam("repeats are"));
  bool ones = repeats.known() && std::all_of(repeats.values.begin(), repeats.values.end(),
                                             [](int64_t v) { return v == 1; });
  return ones ? Same(s.n.input(0)) : Works();
}

// Whether the constant `c` (every element `unit`) leaves `x` as it is in an elementwise op
// with numpy broadcasting: a verdict for `x`.
Verdict UnitOperand(const Site& s, Value* x, const Value* c, double unit) {
  if (!IsConstant(c)) return Works();
  StatusOr<Tensor> t = ConstantTensor(c);
  if (!t.ok()) return Works();
  const std::vector<Dim>* dims = s.types.Dims(*x);
  std::optional<int32_t> elem = s.types.ElemType(*x);
  // Cheap checks first: the constant's shape, before its data is read.
  if (dims && t->dims.size() > dims->size()) return Works();
  if (dims) {
    const size_t offset = dims->size() - t->dims.size();
    for (size_t j = 0; j < t->dims.size(); ++j) {
      const Dim& d = (*dims)[offset + j];
      if (t->dims[j] != 1 && !IsDim(d, t->dims[j]) && d.kind == Dim::Kind::kValue) return Works();
    }
  }
  if (!EveryElementIs(*t, unit)) return Works();
  if (!dims) return Unknown("the other input's shape is unknown: the constant may broadcast it");
  if (!elem || *elem != t->data_type) return Unknown("the other input's element type is unknown");
  const size_t offset = dims->size() - t->dims.size();
  for (size_t j = 0; j < t->dims.size(); ++j) {
    if (t->dims[j] != 1 && !IsDim((*dims)[offset + j], t->dims[j])) {
      return Unknown(fmt::format("the other input's dim {} is unknown", offset + j));
    }
  }
  return Same(x);
}

Verdict Arithmetic(const Site& s, double unit, bool commutative) {
  if (s.version < 7) return Works();  // the broadcast/axis attributes of old versions
  if (!s.n.input(1)) return Works();
  Verdict v = UnitOperand(s, s.n.input(0), s.n.input(1), unit);
  if (v.same || !commutative) return v;
  Verdict w = UnitOperand(s, s.n.input(1), s.n.input(0), unit);
  return w.same || !w.why.empty() ? w : v;
}

Verdict Judge(const Site& s) {
  const Node& n = s.n;
  if (!n.input(0) || !n.output(0) || !NormalDomain(n.domain).empty()) return Works();
  const std::string& op = n.op_type;
  if (op == "Dropout") return Dropout(s);
  if (op == "Cast") return Cast(s);
  if (op == "CastLike") return CastLike(s);
  if (op == "Expand") return Expand(s);
  if (op == "Reshape") return Reshape(s);
  if (op == "Flatten") return Flatten(s);
  if (op == "Squeeze") return Squeeze(s);
  if (op == "Unsqueeze") return Unsqueeze(s);
  if (op == "Slice") return Slice(s);
  if (op == "Transpose") return Transpose(s);
  if (op == "Pad") return Pad(s);
  if (op == "Concat") return Concat(s);
  if (op == "Split") return Split(s);
  if (op == "Tile") return Tile(s);
  if (op == "Resize" || op == "Upsample") return Resample(s);
  if (op == "Add") return Arithmetic(s, 0, true);
  if (op == "Sub") return Arithmetic(s, 0, false);
  if (op == "Mul") return Arithmetic(s, 1, true);
  if (op == "Div") return Arithmetic(s, 1, false);
  return Works();
}

bool IsCandidateOp(const Node& n) {
  static constexpr std::string_view kOps[] = {
      "Dropout",   "Cast",  "CastLike",  "Expand", "Reshape", "Flatten", "Squeeze",
      "Unsqueeze", "Slice", "Transpose", "Pad",    "Concat",  "Split",   "Tile",
      "Add",       "Sub",   "Mul",       "Div",    "Resize",  "Upsample"};
  return NormalDomain(n.domain).empty() &&
         std::find(std::begin(kOps), std::end(kOps), n.op_type) != std::end(kOps);
}

// Why the other outputs of `n` (a Dropout's mask) keep it, or nullopt.
std::optional<std::string> WhyOtherOutputsKeep(const Node& n) {
  for (size_t i = 1; i < n.outputs().size(); ++i) {
    const Value* v = n.output(i);
    if (v && (v->has_uses() || v->is_graph_output())) {
      return fmt::format("its output '{}' is read", v->name());
    }
  }
  return std::nullopt;
}

}  // namespace

EliminateNopPass::EliminateNopPass(const PassOptions&) {}

StatusOr<PassResult> EliminateNopPass::Run(Model& model, PassContext&) {
  PassResult result;
  std::vector<GraphSite> sites = RewritableGraphs(model);
  bool any = false;
  for (const GraphSite& site : sites) {
    for (const Node* n : site.graph->nodes()) any = any || IsCandidateOp(*n);
  }
  if (!any) return result;
  const StaticTypes types(model);
  for (const GraphSite& site : sites) {
    Graph& graph = *site.graph;
    size_t index = 0;
    for (Node* n : graph.EraseSafeNodes()) {
      const size_t at = index++;
      if (!IsCandidateOp(*n)) continue;
      Verdict verdict = Judge({*n, OnnxVersionOf(model, *n), types});
      if (!verdict.same) {
        if (!verdict.why.empty()) result.Skip(NodePath(site, *n, at), verdict.why);
        continue;
      }
      Value* y = n->output(0);
      std::optional<std::string> why = WhyOtherOutputsKeep(*n);
      if (!why) why = WhyNotForwardable(graph, *verdict.same, *y);
      if (why) {
        result.Skip(NodePath(site, *n, at), *why);
        continue;
      }
      if (Forward(graph, verdict.same, y)) result.Count("outputs-renamed");
      if (Status removed = graph.RemoveNode(n); !removed.ok()) {
        return absl::InternalError(
            fmt::format("{}: {}", NodePath(site, *n, at), std::string(removed.message())));
      }
      --index;
      result.changed = true;
      result.Count("nodes-removed");
    }
  }
  return result;
}

}  // namespace onnxkit::passes
