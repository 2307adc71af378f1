#include "schema/ir_releases.h"

#include <map>

namespace onnxkit::schema {
namespace {

// The newest default-domain opset each IR version can carry (from ONNX's release table:
// an opset is released together with the IR version that introduced it).
const std::map<int64_t, int64_t>& IrReleases() {
  static const auto* table =
      new std::map<int64_t, int64_t>{{3, 8},  {4, 9},   {5, 10},  {6, 11},  {7, 14},  {8, 18},
                                     {9, 20}, {10, 22}, {11, 23}, {12, 24}, {13, 27}, {14, 28}};
  return *table;
}

}  // namespace

int64_t MaxOpsetForIr(int64_t ir) {
  auto it = IrReleases().find(ir);
  return it == IrReleases().end() ? INT64_MAX : it->second;
}

int64_t MinIrForOpset(int64_t opset) {
  for (const auto& [ir, max_opset] : IrReleases()) {
    if (opset <= max_opset) return ir;
  }
  return NewestIrInReleaseTable();
}

int64_t NewestIrInReleaseTable() { return IrReleases().rbegin()->first; }

}  // namespace onnxkit::schema
