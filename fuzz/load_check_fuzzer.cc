// libFuzzer target: arbitrary bytes through load, check, infer-shapes, the cleanup passes and
// save. Nothing may crash, hang or read outside the input; every outcome is a Status or
// diagnostics. A model whose IR verified before the cleanup pipeline must still verify after
// it (when every pass ran): a pass that breaks an invariant aborts, so the fuzzer reports it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "onnxkit/check.h"
#include "onnxkit/infer.h"
#include "onnxkit/io.h"
#include "onnxkit/pass.h"
#include "passes/pass_table.h"

namespace {

// The cleanup pipeline, in the order `onnxkit rewrite` documents.
constexpr std::string_view kCleanup[] = {"constant-to-initializer", "eliminate-identity",
                                         "dedupe-initializers", "eliminate-dead-code",
                                         "topological-sort"};

bool Verified(const onnxkit::Model& model) {
  if (model.graph && !model.graph->Verify().ok()) return false;
  for (const auto& fn : model.functions) {
    if (!fn->body->Verify().ok()) return false;
  }
  return true;
}

// Runs the cleanup passes through the built-in table's factories; false when one refused.
bool RunCleanup(onnxkit::Model& model) {
  for (std::string_view name : kCleanup) {
    for (const onnxkit::PassInfo& info : onnxkit::passes::BuiltinPassTable()) {
      if (info.name != name) continue;
      auto options = onnxkit::PassOptions::Make(info.options, {});
      if (!options.ok()) std::abort();  // the defaults of the table must parse
      auto pass = info.create(*options);
      if (!pass.ok()) std::abort();
      onnxkit::PassContext context;
      if (!(*pass)->Run(model, context).ok()) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onnxkit::LoadOptions options;
  options.check_external_data = false;  // no folder: external references stay unread
  auto model =
      onnxkit::LoadBytes(std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (!model.ok()) return 0;
  onnxkit::Diagnostics diagnostics = onnxkit::Check(**model);
  (void)onnxkit::SaveBytes(**model);
  onnxkit::Diagnostics inferred;
  onnxkit::InferShapes(**model, inferred);
  (void)onnxkit::SaveBytes(**model);

  bool verified_before = Verified(**model);
  if (RunCleanup(**model) && verified_before && !Verified(**model)) std::abort();
  (void)onnxkit::SaveBytes(**model);
  return diagnostics.items.size() > 1000000 ? 1 : 0;
}
