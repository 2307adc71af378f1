#include "passes/infer_shapes.h"

#include <fmt/format.h>

#include "onnxkit/infer.h"
#include "passes/graph_sites.h"

namespace onnxkit::passes {
namespace {

std::string Where(const InferFinding& finding) {
  if (finding.node == nullptr) return "model";
  const Node& n = *finding.node;
  std::string node = n.name.empty() ? n.op_type : fmt::format("{} '{}'", n.op_type, n.name);
  return finding.slot.empty() ? node : fmt::format("{} {}", node, finding.slot);
}

bool FullyKnown(const ValueInfo& info) {
  if (!info.has_type || info.type.kind != Type::Kind::kTensor || !info.type.shape) return false;
  for (const Dim& d : info.type.shape->dims) {
    if (d.kind != Dim::Kind::kValue) return false;
  }
  return true;
}

std::string TypeText(const ValueInfo& info) {
  return info.has_type ? TypeToString(info.type) : std::string();
}

}  // namespace

std::vector<std::pair<Value*, ValueInfo>> ForgetPartialTypes(Model& model) {
  std::vector<std::pair<Value*, ValueInfo>> forgotten;
  for (const GraphSite& site : RewritableGraphs(model)) {
    if (site.function) continue;  // inference leaves function bodies alone
    for (Value* v : site.graph->values()) {
      if (v->kind() != Value::Kind::kNodeOutput || v->is_graph_output()) continue;
      if (FullyKnown(v->info())) continue;
      forgotten.emplace_back(v, v->info());
      v->mutable_info().has_type = false;
      v->mutable_info().type = Type();
    }
  }
  return forgotten;
}

void RestoreForgotten(const std::vector<std::pair<Value*, ValueInfo>>& forgotten, bool all) {
  for (const auto& [v, info] : forgotten) {
    if (v->kind() == Value::Kind::kUndefined) continue;
    if (all || !v->info().has_type) v->mutable_info() = info;
  }
}

InferShapesPass::InferShapesPass(const PassOptions& options)
    : refresh_(options.GetBool("refresh")) {}

StatusOr<PassResult> InferShapesPass::Run(Model& model, PassContext&) {
  PassResult result;
  if (!model.graph) return result;
  std::vector<std::pair<Value*, ValueInfo>> forgotten;
  if (refresh_) forgotten = ForgetPartialTypes(model);
  InferResult inferred = InferModel(model);
  RestoreForgotten(forgotten, /*all=*/false);
  // A forgotten type found again unchanged is no news.
  int64_t typed = static_cast<int64_t>(inferred.values_typed);
  for (const auto& [v, info] : forgotten) {
    if (info.has_type && TypeText(v->info()) == TypeText(info)) --typed;
  }
  if (typed > 0) {
    result.changed = true;
    result.Count("values-typed", typed);
  }
  for (const InferFinding& finding : inferred.findings)
    result.Skip(Where(finding), finding.message);
  return result;
}

}  // namespace onnxkit::passes
