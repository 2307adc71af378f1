#include "passes/fuse_pad_into_conv.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "passes/fusion_support.h"
#include "passes/graph_sites.h"

namespace onnxkit::passes {
namespace {

Status Refuse(std::string reason) { return absl::FailedPreconditionError(std::move(reason)); }

// The ints of a constant input, or why there are none.
StatusOr<std::vector<int64_t>> ConstantInts(const Value* v, const char* what) {
  std::optional<Tensor> t = fusion::ConstantOf(v);
  if (!t) return Refuse(fmt::format("its {} are computed at run time", what));
  return ToInt64s(*t);
}

// The Pad's pads over all `rank` axes ([x1_begin, …, xr_begin, x1_end, …, xr_end]) when it pads
// with constant zeros; otherwise why not.
StatusOr<std::vector<int64_t>> ZeroPads(const Node& pad, int64_t version, size_t rank) {
  if (version < 2) return Refuse("Pad-1 (the paddings attribute) is not handled");
  const std::string_view mode = pad.GetString("mode").value_or("constant");
  if (mode != "constant") return Refuse(fmt::format("mode is {}", mode));
  std::vector<int64_t> pads;
  if (version < 11) {
    std::optional<std::span<const int64_t>> attr = pad.GetInts("pads");
    if (!attr) return Refuse("it has no pads attribute");
    pads.assign(attr->begin(), attr->end());
    if (pad.GetFloat("value").value_or(0.0f) != 0.0f)
      return Refuse("it pads with a non-zero value");
  } else {
    if (!pad.input(1)) return Refuse("it has no pads input");
    ONNXKIT_ASSIGN_OR_RETURN(pads, ConstantInts(pad.input(1), "pads"));
    if (const Value* value = pad.input(2)) {
      std::optional<Tensor> t = fusion::ConstantOf(value);
      if (!t) return Refuse("its constant_value is computed at run time");
      ONNXKIT_ASSIGN_OR_RETURN(std::vector<double> v, ToDoubles(*t));
      if (v.size() != 1 || v[0] != 0.0) return Refuse("it pads with a non-zero value");
    }
    if (const Value* axes_value = version >= 18 ? pad.input(3) : nullptr) {
      ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ConstantInts(axes_value, "axes"));
      if (pads.size() != 2 * axes.size()) return Refuse("its pads do not match its axes");
      std::vector<int64_t> full(2 * rank, 0);
      for (size_t i = 0; i < axes.size(); ++i) {
        const int64_t r = static_cast<int64_t>(rank);
        const int64_t axis = axes[i] < 0 ? axes[i] + r : axes[i];
        if (axis < 0 || axis >= r) return Refuse(fmt::format("axis {} is out of range", axes[i]));
        full[static_cast<size_t>(axis)] = pads[i];
        full[rank + static_cast<size_t>(axis)] = pads[axes.size() + i];
      }
      pads = std::move(full);
    }
  }
  if (pads.size() != 2 * rank) {
    return Refuse(fmt::format("it pads {} axes, its reader works on {}", pads.size() / 2, rank));
  }
  if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p < 0; })) {
    return Refuse("it has negative pads (cropping)");
  }
  if (pads[0] || pads[1] || pads[rank] || pads[rank + 1]) {
    return Refuse("it pads the batch or channel axis");
  }
  return pads;
}

// The rank of the reader's input (kernel_shape, or a constant Conv weight), or why unknown.
StatusOr<size_t> ReaderRank(const Node& reader) {
  if (std::optional<std::span<const int64_t>> kernel = reader.GetInts("kernel_shape")) {
    return kernel->size() + 2;
  }
  if (reader.op_type == "Conv") {
    if (std::optional<Tensor> w = fusion::ConstantOf(reader.input(1))) return w->dims.size();
  }
  return Refuse(fmt::format("the {}'s rank is unknown", reader.op_type));
}

// Why `reader` cannot absorb zero padding, or OK.
Status CheckReader(const Node& reader, int64_t version) {
  if (reader.Is("", "MaxPool")) {
    return Refuse("MaxPool pads with -inf: a zero Pad differs where the input is negative");
  }
  if (reader.GetString("auto_pad").value_or("NOTSET") != "NOTSET") {
    return Refuse(
        fmt::format("the {} has auto_pad={}", reader.op_type, *reader.GetString("auto_pad")));
  }
  if (reader.Is("", "AveragePool")) {
    if (version < 7 || reader.GetInt("count_include_pad").value_or(0) != 1) {
      return Refuse("the AveragePool does not count padding (count_include_pad=0)");
    }
    if (reader.GetInt("ceil_mode").value_or(0) != 0)
      return Refuse("the AveragePool has ceil_mode=1");
  }
  return absl::OkStatus();
}

// ONNX Runtime refuses pool pads as large as the kernel (a window wholly in the padding),
// which the Pad in front allowed.
Status CheckPoolPads(const Node& pool, const std::vector<int64_t>& pads) {
  std::optional<std::span<const int64_t>> kernel = pool.GetInts("kernel_shape");
  const size_t spatial = pads.size() / 2;
  if (!kernel || kernel->size() != spatial)
    return Refuse("the AveragePool's kernel_shape is unusable");
  for (size_t i = 0; i < spatial; ++i) {
    if (pads[i] >= (*kernel)[i] || pads[spatial + i] >= (*kernel)[i]) {
      return Refuse(fmt::format(
          "the AveragePool's pads would reach its kernel size {} (ONNX Runtime refuses that)",
          (*kernel)[i]));
    }
  }
  return absl::OkStatus();
}

class Rewriter {
 public:
  Rewriter(Model& model, PassResult& result) : model_(model), editor_(model), result_(result) {}

  Status Visit(const GraphSite& site, Node& pad) {
    Value* padded = pad.output(0);
    if (!padded || padded->use_count() != 1) return absl::OkStatus();
    const Use use = padded->uses().front();
    Node& reader = *use.node;
    const bool candidate =
        reader.Is("", "Conv") || reader.Is("", "AveragePool") || reader.Is("", "MaxPool");
    if (!candidate || use.input_index != 0) return absl::OkStatus();
    Status why = TryFuse(site, pad, reader);
    if (absl::IsInternal(why)) return why;
    if (!why.ok()) result_.Skip(NodePath(site, pad), std::string(why.message()));
    return absl::OkStatus();
  }

 private:
  Status TryFuse(const GraphSite& site, Node& pad, Node& reader) {
    if (reader.graph() != pad.graph()) return Refuse("it is read from a sub-graph");
    if (pad.output(0)->is_graph_output()) return Refuse("its output is a graph output");
    ONNXKIT_RETURN_IF_ERROR(CheckReader(reader, model_.OpsetVersionOf(reader).value_or(0)));
    if (!pad.input(0)) return Refuse("it has no data input");
    ONNXKIT_ASSIGN_OR_RETURN(size_t rank, ReaderRank(reader));
    ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> pads,
                             ZeroPads(pad, model_.OpsetVersionOf(pad).value_or(0), rank));
    const size_t spatial = rank - 2;
    std::vector<int64_t> merged(2 * spatial, 0);
    if (std::optional<std::span<const int64_t>> own = reader.GetInts("pads")) {
      if (own->size() != merged.size()) {
        return Refuse(fmt::format("the {}'s pads have {} entries, not {}", reader.op_type,
                                  own->size(), merged.size()));
      }
      merged.assign(own->begin(), own->end());
    }
    for (size_t i = 0; i < spatial; ++i) {
      merged[i] += pads[2 + i];
      merged[spatial + i] += pads[rank + 2 + i];
    }
    if (reader.Is("", "AveragePool")) ONNXKIT_RETURN_IF_ERROR(CheckPoolPads(reader, merged));

    std::vector<Value*> pad_inputs = pad.inputs();
    reader.SetInput(0, pad.input(0));
    reader.SetAttribute(Attribute::Ints("pads", std::move(merged)));
    Status removed = site.graph->RemoveNode(&pad);
    if (!removed.ok()) {
      return absl::InternalError(
          fmt::format("{}: {}", NodePath(site, pad), std::string(removed.message())));
    }
    for (size_t i = 1; i < pad_inputs.size(); ++i) editor_.DropIfUnread(pad_inputs[i]);
    result_.changed = true;
    result_.Count("pads-fused");
    return absl::OkStatus();
  }

  Model& model_;
  fusion::Editor editor_;
  PassResult& result_;
};

}  // namespace

FusePadIntoConvPass::FusePadIntoConvPass(const PassOptions&) {}

StatusOr<PassResult> FusePadIntoConvPass::Run(Model& model, PassContext&) {
  PassResult result;
  Rewriter rewriter(model, result);
  for (const GraphSite& site : RewritableGraphs(model)) {
    for (Node* n : site.graph->EraseSafeNodes()) {
      if (n->Is("", "Pad")) ONNXKIT_RETURN_IF_ERROR(rewriter.Visit(site, *n));
    }
  }
  return result;
}

}  // namespace onnxkit::passes
