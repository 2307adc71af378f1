#include "eval/kernel.h"

namespace onnxkit::eval {

const KernelTable& Kernels() {
  static const KernelTable* const table = [] {
    auto* t = new KernelTable;
    AddElementwiseKernels(*t);
    AddShapeKernels(*t);
    AddGatherScatterKernels(*t);
    AddReduceKernels(*t);
    AddNnKernels(*t);
    AddUnaryKernels(*t);
    AddCastKernels(*t);
    return t;
  }();
  return *table;
}

}  // namespace onnxkit::eval
