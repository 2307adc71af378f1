// The dump document (internal): everything `onnxkit dump` shows, as one JSON value with a
// fixed key order. DumpJson prints it; DumpText renders it as text, so the two forms always
// carry the same information.
#pragma once

#include "dump/tensor_summary.h"
#include "onnxkit/dump.h"
#include "onnxkit/ir.h"

namespace onnxkit::dump_internal {

Json BuildDocument(const Model& model, const DumpOptions& options);

// Prints a document as JSON: two-space indent, invalid UTF-8 (attribute strings are bytes)
// replaced rather than thrown on, a final newline.
std::string PrintJson(const Json& document);

}  // namespace onnxkit::dump_internal
