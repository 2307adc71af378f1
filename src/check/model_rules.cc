// Rule group "model": the ModelProto header — IR version against opsets, opset imports,
// the graph's presence, metadata keys, and features the IR version does not have yet.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "check/context.h"
#include "schema/ir_releases.h"
#include "schema/onnx_api.h"
#include "schema/schemas.h"

namespace onnxkit::check_internal {
namespace {

using schema::MaxOpsetForIr;

Location ModelLocation() { return {}; }

void CheckIrVersion(Context& c) {
  const Model& m = c.model();
  if (m.ir_version <= 0) {
    c.Error("model.ir-version", ModelLocation(),
            m.preserved.Has(1) ? fmt::format("ir_version is {}; it must be positive", m.ir_version)
                               : "ir_version is missing");
    return;
  }
  int64_t known = schema::KnownMaxIrVersion();
  int64_t newest = std::max(known, schema::NewestIrInReleaseTable());
  if (m.ir_version > newest) {
    c.Error("model.ir-version", ModelLocation(),
            fmt::format("ir_version {} is beyond every defined IR version (newest: {})",
                        m.ir_version, newest));
  } else if (m.ir_version > known) {
    // A released IR version the linked library predates: not a reason to reject the model.
    // The checks that do not depend on what the newer IR versions added still run.
    c.Warning("model.ir-version-unknown", ModelLocation(),
              fmt::format("ir_version {} is newer than the linked ONNX library ({}) knows (up to "
                          "{}): what later IR versions added is not checked",
                          m.ir_version, schema::OnnxVersion(), known));
  }
}

void CheckOpsetImports(Context& c) {
  const Model& m = c.model();
  if (m.opset_import.empty()) {
    if (m.ir_version >= 3) {
      c.Error("model.no-opset-import", ModelLocation(),
              "the model imports no opset (IR 3 and later must list its opsets)");
    }
    return;
  }
  std::set<std::string, std::less<>> seen;
  for (const OpsetImport& o : m.opset_import) {
    std::string domain(NormalDomain(o.domain));
    std::string label = domain.empty() ? "the default domain" : fmt::format("domain '{}'", domain);
    if (!seen.insert(domain).second) {
      c.Error("model.duplicate-opset-import", ModelLocation(),
              fmt::format("opset_import lists {} more than once", label));
    }
    if (o.version <= 0) {
      c.Error(
          "model.opset-version", ModelLocation(),
          fmt::format("opset_import of {} has version {}; versions start at 1", label, o.version));
    }
    if (!domain.empty() && !schema::IsStandardDomain(domain)) {
      c.Report(Severity::kNote, "model.custom-domain", ModelLocation(),
               fmt::format("domain '{}' is not defined by ONNX: its ops are not checked against "
                           "schemas",
                           domain));
    }
  }
  // An opset is released together with an IR version. Exporters (ONNX's own test generator
  // among them) often stamp the IR version of the release before, which runtimes accept;
  // more than one release older is an error.
  auto v = c.model().OpsetVersion("");
  if (v && m.ir_version > 0 && *v > MaxOpsetForIr(m.ir_version)) {
    bool far = *v > MaxOpsetForIr(m.ir_version + 1);
    c.Report(far ? Severity::kError : Severity::kWarning, "model.ir-too-old-for-opset",
             ModelLocation(),
             fmt::format("ir_version {} predates default-domain opset {} (IR {} covers opsets "
                         "up to {})",
                         m.ir_version, *v, m.ir_version, MaxOpsetForIr(m.ir_version)));
  }
}

void CheckGraphPresent(Context& c) {
  if (!c.model().graph) c.Error("model.no-graph", ModelLocation(), "the model has no graph");
}

void CheckMetadata(Context& c) {
  std::set<std::string, std::less<>> keys;
  for (const StringPair& kv : c.model().metadata_props) {
    if (!keys.insert(kv.key).second) {
      c.Error("model.duplicate-metadata-key", ModelLocation(),
              fmt::format("metadata_props has the key '{}' more than once", kv.key));
    }
  }
}

void CheckFeaturesForIr(Context& c) {
  const Model& m = c.model();
  if (!m.functions.empty() && m.ir_version > 0 && m.ir_version < 8) {
    c.Error(
        "model.functions-need-ir8", ModelLocation(),
        fmt::format("the model has {} local function(s) but ir_version {} (functions need IR 8)",
                    m.functions.size(), m.ir_version));
  }
  if (!m.training_info.empty() && m.ir_version > 0 && m.ir_version < 7) {
    c.Error(
        "model.training-info-needs-ir7", ModelLocation(),
        fmt::format("the model has training_info but ir_version {} (it needs IR 7)", m.ir_version));
  }
}

}  // namespace

void CheckModelRules(Context& c) {
  CheckIrVersion(c);
  CheckOpsetImports(c);
  CheckGraphPresent(c);
  CheckMetadata(c);
  CheckFeaturesForIr(c);
}

}  // namespace onnxkit::check_internal
