// ConvertOpset: ONNX's version converter, one opset step at a time, on a ModelProto made
// from the model with its large weights withheld.
//
//   1. refuse what the converter cannot take or would lose (see onnxkit/convert_opset.h);
//   2. serialize the model with every main-graph initializer of 1 MiB or more replaced by a
//      tensor without data, and every smaller external one by an inline copy (adapters read
//      small constants: they must see their values), then put the model's tensors back;
//   3. for each step (v -> v±1): look every default-domain node up in the adapter table (a
//      missing adapter is an error naming the node), then run ONNX's converter for the step;
//   4. load the result, put the withheld and externally stored tensors back by name, drop
//      the value_info entries the converter's shape inference added, carry over what ONNX's
//      IR does not model, and make the converted graph the model's main graph.
#include "onnxkit/convert_opset.h"

#include <fmt/format.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <climits>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "onnxkit/io.h"
#include "schema/ir_releases.h"
#include "schema/onnx_api.h"
#include "schema/onnx_namespace.h"
#include "surgery/main_graph.h"

namespace onnxkit {
namespace {

namespace vc = onnx::version_conversion;

// Initializers this large are not handed to the converter (see the header).
constexpr uint64_t kWithheldBytes = uint64_t{1} << 20;

bool IsDefaultDomain(std::string_view domain) { return domain.empty() || domain == "ai.onnx"; }

// The converter's tables of schemas and adapters, for looking nodes up before a step.
class AdapterTable : public vc::DefaultVersionConverter {
 public:
  // Why ONNX's converter cannot take operator `op` of the default domain from opset `from`
  // to the adjacent `to`; nullopt when it can (the operator did not change at that step, or
  // an adapter rewrites it). Mirrors the converter's own decision for each node.
  std::optional<std::string> Obstacle(const std::string& op, int64_t from, int64_t to) const {
    // The converter keeps these as they are.
    if (op == "ConstantFill" || op == "Undefined" || op == "Captured") return std::nullopt;
    auto by_domain = all_schemas.find(op);
    if (by_domain == all_schemas.end()) {
      return fmt::format("ONNX {} defines no operator {}", schema::OnnxVersion(), op);
    }
    auto versions = by_domain->second.find("");
    if (versions == by_domain->second.end()) return std::nullopt;
    const bool up = to > from;
    // The schema version at which the operator changed between the two opsets.
    const int64_t changed_at = up ? to : from;
    if (versions->second.find(changed_at) == versions->second.end()) return std::nullopt;
    if (!up && versions->second.begin()->first == from) {
      return fmt::format("{} does not exist before opset {}", op, from);
    }
    auto by_op = adapters.find(op);
    if (by_op != adapters.end()) {
      auto by_from = by_op->second.find(onnx::OpSetID(from).toString());
      if (by_from != by_op->second.end() &&
          by_from->second.find(onnx::OpSetID(to).toString()) != by_from->second.end()) {
        return std::nullopt;
      }
    }
    return fmt::format("ONNX {}'s version converter has no adapter for {} from opset {} to {}",
                       schema::OnnxVersion(), op, from, to);
  }
};

std::string NodeLabel(const onnx::NodeProto& node, std::string_view graph) {
  std::string where = graph.empty() ? "" : fmt::format(" in graph '{}'", graph);
  return node.name().empty() ? fmt::format("an unnamed {} node{}", node.op_type(), where)
                             : fmt::format("node '{}' ({}){}", node.name(), node.op_type(), where);
}

// The ranks shape inference found for the tensors of `graph` and its sub-graphs.
using Ranks = absl::flat_hash_map<std::string, int64_t>;

void CollectRanks(const onnx::GraphProto& graph, Ranks& ranks) {
  auto add = [&](const onnx::ValueInfoProto& info) {
    if (info.type().has_tensor_type() && info.type().tensor_type().has_shape()) {
      ranks[info.name()] = info.type().tensor_type().shape().dim_size();
    }
  };
  for (const auto& info : graph.input()) add(info);
  for (const auto& info : graph.value_info()) add(info);
  for (const auto& info : graph.output()) add(info);
  for (const auto& tensor : graph.initializer()) ranks[tensor.name()] = tensor.dims_size();
  for (const onnx::NodeProto& node : graph.node()) {
    for (const onnx::AttributeProto& attribute : node.attribute()) {
      if (attribute.has_g()) CollectRanks(attribute.g(), ranks);
    }
  }
}

// Why ONNX's adapter for `node` at the step `from` -> `to` would change what the node
// computes; nullopt when it would not. ONNX 1.23's Softmax/LogSoftmax/Hardmax 13 -> 12
// adapter keeps the axis, but the opset-12 operators normalize over every dimension from the
// axis on (the input coerced to 2-D): the same only when the axis is the last one. It also
// deletes a Flatten in front and a Reshape behind, assuming they came from the 12 -> 13
// adapter.
std::optional<std::string> UnsoundAdapter(const onnx::NodeProto& node, const Ranks& ranks,
                                          int64_t from, int64_t to) {
  const std::string& op = node.op_type();
  if (from != 13 || to != 12 || (op != "Softmax" && op != "LogSoftmax" && op != "Hardmax")) {
    return std::nullopt;
  }
  int64_t axis = -1;
  for (const onnx::AttributeProto& attribute : node.attribute()) {
    if (attribute.name() == "axis") axis = attribute.i();
  }
  auto rank = node.input_size() > 0 ? ranks.find(node.input(0)) : ranks.end();
  if (rank == ranks.end()) {
    return fmt::format(
        "{}-12 normalizes over every dimension from the axis on and {}-13 over "
        "the axis alone; the input's rank is unknown, so ONNX's adapter (which "
        "keeps the axis) cannot be shown to keep the result",
        op, op);
  }
  if (axis != -1 && axis != rank->second - 1) {
    return fmt::format(
        "{}-12 normalizes over every dimension from the axis on and {}-13 over "
        "the axis alone; ONNX's adapter keeps axis {} of the rank-{} input, "
        "which would change the result (only the last axis converts)",
        op, op, axis, rank->second);
  }
  return std::nullopt;
}

// The first node of `graph` (sub-graphs included, as the converter recurses into them)
// that the step `from` -> `to` cannot convert, as an error.
Status CheckStep(const AdapterTable& table, const onnx::GraphProto& graph, const Ranks& ranks,
                 bool is_main, int64_t from, int64_t to) {
  for (const onnx::NodeProto& node : graph.node()) {
    if (!IsDefaultDomain(node.domain())) continue;
    auto obstacle = table.Obstacle(node.op_type(), from, to);
    if (!obstacle) obstacle = UnsoundAdapter(node, ranks, from, to);
    if (obstacle) {
      return absl::FailedPreconditionError(fmt::format("cannot convert {} from opset {} to {}: {}",
                                                       NodeLabel(node, is_main ? "" : graph.name()),
                                                       from, to, *obstacle));
    }
    for (const onnx::AttributeProto& attribute : node.attribute()) {
      if (attribute.has_g()) {
        ONNXKIT_RETURN_IF_ERROR(CheckStep(table, attribute.g(), ranks, false, from, to));
      }
    }
  }
  return absl::OkStatus();
}

Status RequireConvertible(const Model& model, int64_t target) {
  ONNXKIT_RETURN_IF_ERROR(surgery::RequireMainGraph(model));
  const int64_t newest = schema::KnownMaxOpset();
  if (target < 1 || target > newest) {
    return absl::InvalidArgumentError(
        fmt::format("target opset {} is not a version of the default domain the linked ONNX {} "
                    "knows (1 to {})",
                    target, schema::OnnxVersion(), newest));
  }
  auto current = model.OpsetVersion("");
  if (!current) {
    return absl::FailedPreconditionError(
        "the model imports no default-domain opset (\"\" or \"ai.onnx\"): there is no version "
        "to convert from");
  }
  if (*current < 1 || *current > newest) {
    return absl::FailedPreconditionError(
        fmt::format("the model's default-domain opset {} is not one the linked ONNX {} knows "
                    "(1 to {})",
                    *current, schema::OnnxVersion(), newest));
  }
  if (!model.training_info.empty()) {
    return absl::FailedPreconditionError(
        "the model has training_info: ONNX's version converter does not convert training "
        "graphs");
  }
  if (!model.graph->sparse_initializers().empty()) {
    return absl::FailedPreconditionError(fmt::format(
        "the main graph has sparse initializers ('{}' first), which ONNX's version converter "
        "would drop",
        model.graph->sparse_initializers().front()->name()));
  }
  return absl::OkStatus();
}

// The main graph's initializers as the converter sees them: large ones without data, small
// external ones inline. The model's own tensors are swapped back when this goes away; they
// are also what the converted graph gets back (Restore).
class ConverterView {
 public:
  explicit ConverterView(Model& model) {
    for (Value* v : model.graph->initializers()) {
      Tensor* tensor = v->mutable_initializer();
      auto size = tensor->RawByteSize();
      const bool large = size.ok() && *size >= kWithheldBytes;
      if (!large && !tensor->is_external()) continue;
      Tensor stand_in;
      if (large) {
        stand_in.name = tensor->name;
        stand_in.data_type = tensor->data_type;
        stand_in.dims = tensor->dims;
      } else {
        stand_in = *tensor;
        auto data = tensor->Data();
        if (!data.ok()) {
          status_ = data.status();
          break;
        }
        stand_in.external_data.clear();
        stand_in.data_location = 0;
        stand_in.SetRawData(*std::move(data));
      }
      originals_.emplace_back(v, std::exchange(*tensor, std::move(stand_in)));
    }
  }
  ~ConverterView() {
    for (auto& [value, tensor] : originals_) std::swap(*value->mutable_initializer(), tensor);
  }
  ConverterView(const ConverterView&) = delete;
  ConverterView& operator=(const ConverterView&) = delete;

  const Status& status() const { return status_; }
  // The model's own tensors, by name (valid while this lives: swapped back on destruction).
  absl::flat_hash_map<std::string, Tensor> Originals() const {
    absl::flat_hash_map<std::string, Tensor> out;
    for (const auto& [value, tensor] : originals_) out.emplace(value->name(), tensor);
    return out;
  }

 private:
  std::vector<std::pair<Value*, Tensor>> originals_;
  Status status_;
};

StatusOr<onnx::ModelProto> ToConverterProto(const std::string& bytes) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return absl::FailedPreconditionError(fmt::format(
        "the model without its weights of 1 MiB and more still takes {} bytes, past protobuf's "
        "2 GiB limit for the version converter",
        bytes.size()));
  }
  onnx::ModelProto proto;
  if (!proto.ParseFromString(bytes)) {
    return absl::InternalError("protobuf could not parse the model onnxkit serialized");
  }
  return proto;
}

StatusOr<onnx::ModelProto> ConvertSteps(onnx::ModelProto proto, int64_t from, int64_t target) {
  const AdapterTable table;
  const int64_t step = target > from ? 1 : -1;
  for (int64_t v = from; v != target; v += step) {
    try {
      // The converter infers shapes too; the check needs ranks first.
      onnx::shape_inference::InferShapes(proto);
    } catch (const std::exception& e) {
      return absl::FailedPreconditionError(fmt::format(
          "ONNX's shape inference failed before converting from opset {}: {}", v, e.what()));
    }
    Ranks ranks;
    CollectRanks(proto.graph(), ranks);
    ONNXKIT_RETURN_IF_ERROR(CheckStep(table, proto.graph(), ranks, true, v, v + step));
    try {
      proto = vc::ConvertVersion(proto, static_cast<int>(v + step));
    } catch (const std::exception& e) {
      return absl::FailedPreconditionError(fmt::format(
          "ONNX's version converter failed going from opset {} to {}: {}", v, v + step, e.what()));
    }
  }
  return proto;
}

void CollectValueInfoNames(const Graph& graph, absl::flat_hash_set<std::string>& names) {
  for (const Value* v : graph.value_info()) names.insert(v->name());
  for (const Node* n : graph.nodes()) {
    for (const Graph* g : n->subgraphs()) CollectValueInfoNames(*g, names);
  }
}

// Drops the value_info entries of names the original model did not declare (the converter
// runs shape inference and keeps what it found).
void DropAddedValueInfo(Graph& graph, const absl::flat_hash_set<std::string>& declared) {
  for (size_t i = graph.value_info().size(); i-- > 0;) {
    if (!declared.contains(graph.value_info()[i]->name())) {
      (void)graph.RemoveValueInfo(i);
    }
  }
  for (Node* n : graph.nodes()) {
    for (Graph* g : n->subgraphs()) DropAddedValueInfo(*g, declared);
  }
}

void CollectNamedNodes(const Graph& graph, absl::flat_hash_map<std::string, const Node*>& nodes,
                       absl::flat_hash_set<std::string>& repeated) {
  for (const Node* n : graph.nodes()) {
    if (!n->name.empty() && !nodes.emplace(n->name, n).second) repeated.insert(n->name);
    for (const Graph* g : n->subgraphs()) CollectNamedNodes(*g, nodes, repeated);
  }
}

void CarryNodeFields(Graph& graph, const absl::flat_hash_map<std::string, const Node*>& old) {
  for (Node* n : graph.nodes()) {
    auto it = old.find(n->name);
    if (!n->name.empty() && it != old.end() && it->second->op_type == n->op_type) {
      if (n->metadata_props.empty()) n->metadata_props = it->second->metadata_props;
      if (n->device_configurations.empty()) {
        n->device_configurations = it->second->device_configurations;
      }
    }
    for (Graph* g : n->subgraphs()) CarryNodeFields(*g, old);
  }
}

// Carries what ONNX's IR drops from the model's graph to the converted one.
void CarryOver(const Graph& from, Graph& to) {
  to.metadata_props = from.metadata_props;
  to.quantization_annotation = from.quantization_annotation;
  absl::flat_hash_map<std::string, const Node*> nodes;
  absl::flat_hash_set<std::string> repeated;
  CollectNamedNodes(from, nodes, repeated);
  for (const std::string& name : repeated) nodes.erase(name);
  CarryNodeFields(to, nodes);
  absl::flat_hash_set<std::string> declared;
  CollectValueInfoNames(from, declared);
  DropAddedValueInfo(to, declared);
}

}  // namespace

Status ConvertOpset(Model& model, int64_t target_version) {
  ONNXKIT_RETURN_IF_ERROR(RequireConvertible(model, target_version));
  const int64_t current = *model.OpsetVersion("");
  if (current == target_version) return absl::OkStatus();

  std::unique_ptr<Model> converted;
  {
    ConverterView view(model);
    ONNXKIT_RETURN_IF_ERROR(view.status());
    ONNXKIT_ASSIGN_OR_RETURN(std::string bytes, SaveBytes(model));
    ONNXKIT_ASSIGN_OR_RETURN(onnx::ModelProto proto, ToConverterProto(bytes));
    bytes.clear();
    ONNXKIT_ASSIGN_OR_RETURN(proto, ConvertSteps(std::move(proto), current, target_version));
    std::string out;
    if (!proto.SerializeToString(&out)) {
      return absl::InternalError("protobuf could not serialize the converted model");
    }
    LoadOptions options;
    options.base_dir = model.base_dir;
    auto loaded = LoadBytes(out, options);
    if (!loaded.ok()) {
      return absl::InternalError(
          fmt::format("the converted model does not load: {}", StatusMessage(loaded.status())));
    }
    converted = *std::move(loaded);
    if (!converted->graph) return absl::InternalError("the converted model has no graph");
    const absl::flat_hash_map<std::string, Tensor> originals = view.Originals();
    for (Value* v : converted->graph->initializers()) {
      auto it = originals.find(v->name());
      if (it != originals.end()) *v->mutable_initializer() = it->second;
    }
  }
  CarryOver(*model.graph, *converted->graph);
  model.graph = std::move(converted->graph);
  for (OpsetImport& import : model.opset_import) {
    if (IsDefaultDomain(import.domain)) import.version = target_version;
  }
  model.ir_version = std::max(model.ir_version, schema::MinIrForOpset(target_version));
  return absl::OkStatus();
}

}  // namespace onnxkit
