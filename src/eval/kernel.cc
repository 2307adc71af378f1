#include "eval/kernel.h"

#include <onnx/defs/data_type_utils.h>
#include <onnx/defs/schema.h>

#include <algorithm>

#include "fmt/format.h"
#include "schema/onnx_namespace.h"
#include "schema/schemas.h"

namespace onnxkit::eval {
namespace {

std::string Key(std::string_view domain, std::string_view op_type) {
  return fmt::format("{}::{}", domain == "ai.onnx" ? "" : domain, op_type);
}

// Whether input `index` of `schema` may have element `type`. One kernel serves every
// version of its op, but the specs widen their type lists over time (Relu takes int32 from
// 14, ReduceMax bool from 20, BitShift signed integers from 28): the schema that governs the
// node decides, so the evaluator never computes a model that is not valid at its opset.
bool SchemaAllows(const onnx::OpSchema& schema, size_t index, int32_t type) {
  const auto& formals = schema.inputs();
  if (formals.empty()) return true;
  const auto& formal = formals[std::min(index, formals.size() - 1)];
  if (index >= formals.size() &&
      formal.GetOption() != onnx::OpSchema::FormalParameterOption::Variadic) {
    return true;  // an extra input: the kernel reports it
  }
  const auto& allowed = formal.GetTypes();
  if (allowed.empty()) return true;
  const std::string name =
      fmt::format("tensor({})", onnx::Utils::DataTypeUtils::ToDataTypeString(type));
  for (const std::string* t : allowed) {
    if (*t == name) return true;
  }
  return false;
}

}  // namespace

std::string NodeLabel(const Node& node) {
  return node.name.empty() ? node.op_type : fmt::format("{} '{}'", node.op_type, node.name);
}

StatusOr<const Array*> KernelContext::Required(size_t i) const {
  if (const Array* a = input(i)) return a;
  return Error(fmt::format("input {} is required", i));
}

std::optional<std::vector<int64_t>> KernelContext::Ints(std::string_view name) const {
  auto values = node_.GetInts(name);
  if (!values) return std::nullopt;
  return std::vector<int64_t>(values->begin(), values->end());
}

std::optional<std::vector<float>> KernelContext::Floats(std::string_view name) const {
  auto values = node_.GetFloats(name);
  if (!values) return std::nullopt;
  return std::vector<float>(values->begin(), values->end());
}

std::optional<std::string> KernelContext::String(std::string_view name) const {
  auto value = node_.GetString(name);
  if (!value) return std::nullopt;
  return std::string(*value);
}

Status KernelContext::Error(std::string_view message) const {
  return absl::InvalidArgumentError(fmt::format("{}: {}", NodeLabel(node_), message));
}

Status KernelContext::Unsupported(std::string_view message) const {
  return absl::UnimplementedError(fmt::format("{}: {}", NodeLabel(node_), message));
}

StatusOr<int64_t> KernelContext::Count(std::span<const int64_t> dims) const {
  auto count = CheckedCount(dims, options_.max_elements);
  if (!count.ok()) {
    return Status(count.status().code(),
                  fmt::format("{}: {}", NodeLabel(node_), StatusMessage(count.status())));
  }
  return count;
}

StatusOr<int64_t> KernelContext::Axis(int64_t axis, int64_t rank) const {
  if (axis < -rank || axis >= rank) {
    return Error(fmt::format("axis {} is out of range for rank {}", axis, rank));
  }
  return axis < 0 ? axis + rank : axis;
}

void KernelTable::Add(KernelEntry entry) {
  index_[Key(entry.domain, entry.op_type)] = entries_.size();
  entries_.push_back(entry);
}

const KernelEntry* KernelTable::Find(std::string_view domain, std::string_view op_type) const {
  auto it = index_.find(Key(domain, op_type));
  return it == index_.end() ? nullptr : &entries_[it->second];
}

StatusOr<std::vector<Array>> RunNode(const Node& node, int64_t version,
                                     std::span<const Array* const> inputs,
                                     const EvalOptions& options) {
  std::vector<int32_t> types;
  types.reserve(inputs.size());
  for (const Array* a : inputs) types.push_back(a != nullptr ? a->type : 0);
  EvalSupport support = Support(node, version, types);
  if (!support.supported) {
    return absl::UnimplementedError(fmt::format("{}: {}", NodeLabel(node), support.reason));
  }
  const KernelEntry* entry = Kernels().Find(node.domain, node.op_type);
  KernelContext context(node, version, inputs, options);
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<Array> outputs, entry->kernel(context));
  if (outputs.size() < node.outputs().size()) {
    // Optional outputs a kernel does not produce must not be asked for.
    for (size_t i = outputs.size(); i < node.outputs().size(); ++i) {
      if (node.output(i) != nullptr && !node.output(i)->name().empty()) {
        return context.Unsupported(fmt::format("output {} is not computed", i));
      }
    }
  }
  for (const Array& a : outputs) {
    ONNXKIT_RETURN_IF_ERROR(context.Count(a.dims).status());
  }
  return outputs;
}

EvalSupport Support(const Node& node, int64_t version, std::span<const int32_t> input_types) {
  const KernelEntry* entry = Kernels().Find(node.domain, node.op_type);
  if (entry == nullptr) {
    return {false,
            fmt::format("op {} is not evaluated",
                        node.domain.empty() ? node.op_type
                                            : fmt::format("{}::{}", node.domain, node.op_type))};
  }
  if (version < entry->first_version) {
    return {false, fmt::format("{} at opset {} is not evaluated (from opset {} on)", node.op_type,
                               version, entry->first_version)};
  }
  const onnx::OpSchema* schema = schema::Find(node.op_type, version, node.domain);
  if (schema == nullptr) {
    return {false, fmt::format("{} has no schema at opset {} in the linked ONNX library",
                               node.op_type, version)};
  }
  if (schema->SinceVersion() > entry->last_schema_version) {
    return {false, fmt::format("{}-{} is newer than the evaluator's kernel ({}-{})", node.op_type,
                               schema->SinceVersion(), node.op_type, entry->last_schema_version)};
  }
  for (size_t i = 0; i < input_types.size(); ++i) {
    const int32_t type = input_types[i];
    if (type == 0) continue;
    if (!IsEvaluatedType(type)) {
      return {false, fmt::format("input {} has element type {}, which the evaluator does not "
                                 "compute with",
                                 i, DataTypeName(type))};
    }
    if (i == 0 && entry->input0_types != 0 && type < 64 &&
        (entry->input0_types & (uint64_t{1} << type)) == 0) {
      return {false, fmt::format("{} is not evaluated for element type {}", node.op_type,
                                 DataTypeName(type))};
    }
    if (!SchemaAllows(*schema, i, type)) {
      return {false, fmt::format("input {} has element type {}, which {}-{} does not allow", i,
                                 DataTypeName(type), node.op_type, schema->SinceVersion())};
    }
  }
  return {true, {}};
}

}  // namespace onnxkit::eval
