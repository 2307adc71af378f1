// Which IR version each default-domain opset came with (internal): ONNX releases an opset
// together with an IR version, and a model's ir_version must not predate its opsets.
#pragma once

#include <cstdint>

namespace onnxkit::schema {

// The newest default-domain opset that IR version `ir` can carry (ONNX's release table);
// INT64_MAX for an IR version the table does not know.
int64_t MaxOpsetForIr(int64_t ir);

// The oldest IR version that can carry default-domain opset `opset`: the IR of the release
// that introduced it; the newest IR the table knows for an opset beyond it.
int64_t MinIrForOpset(int64_t opset);

// The newest IR version the table knows.
int64_t NewestIrInReleaseTable();

}  // namespace onnxkit::schema
