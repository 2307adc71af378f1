#include "passes/fuse_bn_into_conv.h"

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

#include "passes/fusion_support.h"
#include "passes/graph_sites.h"

namespace onnxkit::passes {
namespace {

using fusion::ConvWeights;

// The per-channel scale s and shift t with BN(y) = y·s + t, or why there are none.
struct Affine {
  std::vector<double> scale;
  std::vector<double> shift;
};

Status Refuse(std::string reason) { return absl::FailedPreconditionError(std::move(reason)); }

// Why the BatchNormalization is not in inference form at `version`, or OK.
Status CheckInferenceForm(const Node& bn, int64_t version) {
  if (version < 7) {
    return Refuse(fmt::format("BatchNormalization-{} (before opset 7) is not handled", version));
  }
  if (version >= 14 && bn.GetInt("training_mode").value_or(0) != 0) {
    return Refuse("training_mode=1");
  }
  if (version < 9 && bn.GetInt("spatial").value_or(1) != 1) return Refuse("spatial=0");
  for (size_t i = 1; i < bn.outputs().size(); ++i) {
    if (bn.output(i)) {
      return Refuse(fmt::format("it has training output {} ('{}')", i, bn.output(i)->name()));
    }
  }
  return absl::OkStatus();
}

StatusOr<std::vector<double>> Parameter(const Node& bn, size_t index, const char* what,
                                        int64_t channels) {
  std::optional<Tensor> t = fusion::ConstantOf(bn.input(index));
  if (!t) return Refuse(fmt::format("its {} is not constant", what));
  if (t->dims != std::vector{channels}) {
    return Refuse(fmt::format("its {} is {}, not [{}]", what, DimsToString(t->dims), channels));
  }
  return fusion::FloatValues(*t);
}

StatusOr<Affine> BatchNormAffine(const Node& bn, int64_t channels) {
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<double> scale, Parameter(bn, 1, "scale", channels));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<double> bias, Parameter(bn, 2, "bias", channels));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<double> mean, Parameter(bn, 3, "mean", channels));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<double> var, Parameter(bn, 4, "var", channels));
  const double epsilon = bn.GetFloat("epsilon").value_or(1e-5f);
  Affine a;
  for (size_t c = 0; c < scale.size(); ++c) {
    const double s = scale[c] / std::sqrt(var[c] + epsilon);
    a.scale.push_back(s);
    a.shift.push_back(bias[c] - mean[c] * s);
  }
  return a;
}

}  // namespace

FuseBnIntoConvPass::FuseBnIntoConvPass(const PassOptions&) {}

StatusOr<PassResult> FuseBnIntoConvPass::Run(Model& model, PassContext&) {
  PassResult result;
  fusion::Editor editor(model);
  for (const GraphSite& site : RewritableGraphs(model)) {
    for (Node* bn : site.graph->EraseSafeNodes()) {
      if (!bn->Is("", "BatchNormalization")) continue;
      Node* conv = fusion::ConvProducer(*bn, 0);
      if (!conv) continue;
      auto skip = [&](const Status& why) {
        result.Skip(NodePath(site, *bn), std::string(why.message()));
      };
      Status form = CheckInferenceForm(*bn, model.OpsetVersionOf(*bn).value_or(0));
      if (!form.ok()) {
        skip(form);
        continue;
      }
      StatusOr<ConvWeights> weights = fusion::FusableConv(*conv, *bn);
      if (!weights.ok()) {
        skip(weights.status());
        continue;
      }
      StatusOr<Affine> affine = BatchNormAffine(*bn, weights->channels);
      if (!affine.ok()) {
        skip(affine.status());
        continue;
      }
      Status folded = fusion::FoldChannelAffine(editor, site, *weights, &affine->scale,
                                                affine->shift, *bn, "bn");
      if (absl::IsInternal(folded)) return folded;
      if (!folded.ok()) {
        skip(folded);
        continue;
      }
      result.changed = true;
      result.Count("batchnorms-fused");
    }
  }
  return result;
}

}  // namespace onnxkit::passes
