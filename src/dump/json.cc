// DumpJson: the dump document as JSON (see document.h for its shape).
#include "dump/document.h"
#include "onnxkit/dump.h"

namespace onnxkit {

std::string DumpJson(const Model& model, const DumpOptions& options) {
  return dump_internal::PrintJson(dump_internal::BuildDocument(model, options));
}

}  // namespace onnxkit
