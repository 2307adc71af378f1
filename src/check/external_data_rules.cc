// Rule group "external-data": every external tensor's reference, checked as the loader
// would (inside the model's folder, the file exists, the range lies in it, the length fits
// the tensor, the tensor is not a STRING tensor). `onnxkit check` loads without resolving
// references so that all of them are reported here, each at its tensor, instead of the load
// stopping at the first.
#include <fmt/format.h>

#include "check/context.h"
#include "io/external_data.h"

namespace onnxkit::check_internal {
namespace {

std::string_view CodeFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kPermissionDenied: return "external-data.outside-folder";
    case absl::StatusCode::kNotFound: return "external-data.missing-file";
    case absl::StatusCode::kOutOfRange: return "external-data.out-of-range";
    case absl::StatusCode::kUnimplemented: return "external-data.string-tensor";
    default: return "external-data.invalid-reference";
  }
}

}  // namespace

void CheckExternalDataRules(Context& c) {
  const Model& m = c.model();
  // One resolver for the model: each file is opened and checked once, not per tensor.
  io_internal::ExternalDataResolver resolver(m.base_dir);
  ForEachTensor(m, [&](const Tensor& t, const TensorSite& site) {
    if (!t.is_external()) return;
    Location loc;
    if (const GraphScope* scope = c.ScopeOf(site.graph)) loc.graph = scope->path;
    loc.value = t.name.empty() ? site.description : t.name;
    auto located = resolver.Locate(t);
    if (located.status().code() == absl::StatusCode::kFailedPrecondition) {
      c.Warning("external-data.no-folder", loc,
                fmt::format("{}: data is external, but the model was not read from a file, so "
                            "its references cannot be checked",
                            site.description));
      return;
    }
    if (!located.ok()) {
      c.Error(std::string(CodeFor(located.status().code())), loc,
              fmt::format("{}: {}", site.description, StatusMessage(located.status())));
    }
  });
}

}  // namespace onnxkit::check_internal
