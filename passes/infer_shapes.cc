#include "passes/infer_shapes.h"

#include <fmt/format.h>

#include "onnxkit/infer.h"

namespace onnxkit::passes {
namespace {

std::string Where(const InferFinding& finding) {
  if (finding.node == nullptr) return "model";
  const Node& n = *finding.node;
  std::string node = n.name.empty() ? n.op_type : fmt::format("{} '{}'", n.op_type, n.name);
  return finding.slot.empty() ? node : fmt::format("{} {}", node, finding.slot);
}

}  // namespace

InferShapesPass::InferShapesPass(const PassOptions&) {}

StatusOr<PassResult> InferShapesPass::Run(Model& model, PassContext&) {
  PassResult result;
  if (!model.graph) return result;
  InferResult inferred = InferModel(model);
  if (inferred.values_typed > 0) {
    result.changed = true;
    result.Count("values-typed", static_cast<int64_t>(inferred.values_typed));
  }
  for (const InferFinding& finding : inferred.findings) result.Skip(Where(finding), finding.message);
  return result;
}

}  // namespace onnxkit::passes
