// libFuzzer target: arbitrary bytes through load, check, infer-shapes and save. Nothing
// may crash, hang or read outside the input; every outcome is a Status or diagnostics.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "onnxkit/check.h"
#include "onnxkit/infer.h"
#include "onnxkit/io.h"

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
  return diagnostics.items.size() > 1000000 ? 1 : 0;
}
