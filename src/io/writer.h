// Encodes the IR as a serialized ModelProto (internal; io::Save is the public entry).
//
// Fields come out in field-number order with unknown fields last, as protobuf writes them,
// so a model loaded and saved unchanged gives the bytes protobuf itself would give.
// Sizes are computed in a first pass, so nested messages are never copied and large tensor
// payloads go straight from their source (a mapping, a buffer) to the output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/ir.h"

namespace onnxkit::io_internal {

// Receives the encoded bytes in order.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::string_view bytes) = 0;
};

// How one tensor's data is written instead of the way it is stored.
struct TensorRewrite {
  enum class Kind { kExternal, kInline };
  Kind kind = Kind::kInline;
  std::string location;  // kExternal: the side file, relative to the model's folder
  uint64_t offset = 0;
  uint64_t length = 0;
  Bytes data;  // kInline: the bytes to write as raw_data
  // kInline: read the tensor's data (Data(), `length` bytes) while writing instead of
  // holding `data`, so that inlining many external tensors keeps one in memory at a time.
  bool read_when_written = false;
};
using TensorRewrites = absl::flat_hash_map<const Tensor*, TensorRewrite>;

Status EncodeModel(const Model& model, const TensorRewrites& rewrites, ByteSink& out);
// The number of bytes EncodeModel would write (the counting pass alone: reads no data).
uint64_t EncodedModelSize(const Model& model, const TensorRewrites& rewrites);
std::string EncodeModelToString(const Model& model);
// Single messages, for comparing declarations and for handing IR pieces to libonnx.
std::string EncodeValueInfo(std::string_view name, const ValueInfo& info);
std::string EncodeNode(const Node& node);
std::string EncodeType(const Type& type);
std::string EncodeTensor(const Tensor& tensor);

}  // namespace onnxkit::io_internal
