// What an evaluator kernel sees and how kernels are declared (internal).
//
// A kernel is a plain function from a KernelContext (the node, the opset version that
// governs it, its input arrays) to its output arrays. Kernels are grouped by family, one
// file each (elementwise.cc, shape_ops.cc, reduce.cc, nn.cc, …); each family has an Add…
// function that puts its entries into the table, and kernel_table.cc calls them all —
// explicit registration, as for passes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "eval/array.h"
#include "onnxkit/eval.h"
#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit::eval {

// "<Op> '<name>'", or the op alone for an unnamed node: how evaluator errors name a node.
std::string NodeLabel(const Node& node);

class KernelContext {
 public:
  KernelContext(const Node& node, int64_t version, std::span<const Array* const> inputs,
                const EvalOptions& options)
      : node_(node), version_(version), inputs_(inputs), options_(options) {}

  const Node& node() const { return node_; }
  // The opset version of the node's domain that governs it (e.g. 13 for a Slice in an
  // opset-13 model): kernels branch on it where the spec changed.
  int64_t version() const { return version_; }
  const EvalOptions& options() const { return options_; }

  size_t input_count() const { return inputs_.size(); }
  // Input i, or nullptr when it is omitted (empty name) or beyond the inputs given.
  const Array* input(size_t i) const { return i < inputs_.size() ? inputs_[i] : nullptr; }
  // Input i, or an error naming it when it is omitted.
  StatusOr<const Array*> Required(size_t i) const;

  // Attributes (nullopt when absent).
  std::optional<int64_t> Int(std::string_view name) const { return node_.GetInt(name); }
  int64_t Int(std::string_view name, int64_t fallback) const {
    return node_.GetInt(name).value_or(fallback);
  }
  float Float(std::string_view name, float fallback) const {
    return node_.GetFloat(name).value_or(fallback);
  }
  std::optional<std::vector<int64_t>> Ints(std::string_view name) const;
  std::optional<std::vector<float>> Floats(std::string_view name) const;
  std::optional<std::string> String(std::string_view name) const;

  // InvalidArgument "<Op> '<name>': message" — the values break the spec.
  Status Error(std::string_view message) const;
  // Unimplemented "<Op> '<name>': message" — valid, but not something the evaluator models.
  Status Unsupported(std::string_view message) const;
  // The element count of `dims`, or ResourceExhausted beyond options().max_elements.
  StatusOr<int64_t> Count(std::span<const int64_t> dims) const;
  // `axis` in [-rank, rank) made non-negative, or an error naming it.
  StatusOr<int64_t> Axis(int64_t axis, int64_t rank) const;

 private:
  const Node& node_;
  int64_t version_;
  std::span<const Array* const> inputs_;
  const EvalOptions& options_;
};

using Kernel = StatusOr<std::vector<Array>> (*)(const KernelContext&);

struct KernelEntry {
  std::string_view domain;  // "" for the default domain
  std::string_view op_type;
  int64_t first_version = 1;  // the lowest opset version the kernel accepts
  // The since-version of the newest schema the kernel follows: a node whose opset resolves
  // to a newer schema (a spec change the kernel has not seen) is not evaluated.
  int64_t last_schema_version = 1;
  Kernel kernel = nullptr;
  // Element types input 0 may have (a bit per DataType number); 0: every evaluated type.
  uint64_t input0_types = 0;
};

// Bit masks for KernelEntry::input0_types.
constexpr uint64_t TypeBit(DataType t) { return uint64_t{1} << static_cast<int>(t); }
inline constexpr uint64_t kFloatTypes = TypeBit(DataType::kFloat) | TypeBit(DataType::kDouble) |
                                        TypeBit(DataType::kFloat16) | TypeBit(DataType::kBfloat16);
inline constexpr uint64_t kSignedTypes = TypeBit(DataType::kInt8) | TypeBit(DataType::kInt16) |
                                         TypeBit(DataType::kInt32) | TypeBit(DataType::kInt64);
inline constexpr uint64_t kUnsignedTypes = TypeBit(DataType::kUint8) | TypeBit(DataType::kUint16) |
                                           TypeBit(DataType::kUint32) | TypeBit(DataType::kUint64);
inline constexpr uint64_t kNumericTypes = kFloatTypes | kSignedTypes | kUnsignedTypes;
inline constexpr uint64_t kBoolType = TypeBit(DataType::kBool);
inline constexpr uint64_t kStringType = TypeBit(DataType::kString);

class KernelTable {
 public:
  void Add(KernelEntry entry);
  const KernelEntry* Find(std::string_view domain, std::string_view op_type) const;
  const std::vector<KernelEntry>& entries() const { return entries_; }

 private:
  std::vector<KernelEntry> entries_;
  absl::flat_hash_map<std::string, size_t> index_;
};

// The table of every kernel (built once).
const KernelTable& Kernels();

// The families; kernel_table.cc calls each once.
void AddElementwiseKernels(KernelTable& table);
void AddUnaryKernels(KernelTable& table);
void AddCastKernels(KernelTable& table);
void AddShapeKernels(KernelTable& table);
void AddGatherScatterKernels(KernelTable& table);
void AddReduceKernels(KernelTable& table);
void AddNnKernels(KernelTable& table);

// CanEvaluate's answer.
EvalSupport Support(const Node& node, int64_t version, std::span<const int32_t> input_types);

// Runs `node` on arrays (the graph evaluator's and EvaluateNode's common path): checks the
// kernel's version and types, runs it, checks the output count and sizes.
StatusOr<std::vector<Array>> RunNode(const Node& node, int64_t version,
                                     std::span<const Array* const> inputs,
                                     const EvalOptions& options);

}  // namespace onnxkit::eval
