// Input types as inference should see them: dims too large for shape arithmetic made
// unknown (internal; see preconditions.h for the bounds). A declared dim of 2^62 is legal
// ONNX — a model may describe a tensor it never materialises — but inference functions
// multiply, add and loop over dims, so such a dim is inferred through as unknown rather than
// reported: the node's outputs then have that dim unknown, never a wrong or wrapped number.
#pragma once

#include <onnx/onnx_pb.h>

#include <deque>
#include <vector>

#include "schema/onnx_namespace.h"

namespace onnxkit::infer {

class BoundedInputTypes {
 public:
  // The types `types` points to (nullptr: unknown) must outlive this object.
  explicit BoundedInputTypes(const std::vector<const onnx::TypeProto*>& types);
  // The types to hand to inference: the originals, or bounded copies where a dim was too
  // large.
  const std::vector<const onnx::TypeProto*>& types() const { return types_; }

 private:
  std::deque<onnx::TypeProto> copies_;  // stable addresses
  std::vector<const onnx::TypeProto*> types_;
};

}  // namespace onnxkit::infer
