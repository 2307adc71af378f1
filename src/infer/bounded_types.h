// Input types as inference should see them: dims too large for shape arithmetic made
// unknown (internal; see preconditions.h for the bounds). A declared dim of 2^62 is legal
// ONNX — a model may describe a tensor it never materialises — but inference functions
// multiply, add and loop over dims, so such a dim is inferred through as unknown rather than
// reported: the node's outputs then have that dim unknown, never a wrong or wrapped number.
#pragma once

#include <onnx/onnx_pb.h>

#include <memory>
#include <vector>

#include "schema/onnx_namespace.h"

namespace onnxkit::infer {

class BoundedInputTypes {
 public:
  // `types` and the types it points to (nullptr: unknown) must outlive this object.
  explicit BoundedInputTypes(const std::vector<const onnx::TypeProto*>& types);
  // The types to hand to inference: the originals, or bounded copies where a dim was too
  // large.
  const std::vector<const onnx::TypeProto*>& types() const {
    return copies_.empty() ? original_ : bounded_;
  }

 private:
  const std::vector<const onnx::TypeProto*>& original_;
  std::vector<std::unique_ptr<onnx::TypeProto>> copies_;
  std::vector<const onnx::TypeProto*> bounded_;  // `original_` with the copies in place
};

}  // namespace onnxkit::infer
