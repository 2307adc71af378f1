// Merge: the second model's main graph copied behind the first's. Everything is checked
// before the first model changes (connections, types, opsets, names after prefixing, node
// order); then
//   1. each model's names get its prefix (Rename, so every reference by string follows);
//   2. the second model's inputs that are not connected, its initializers and sparse
//      initializers become the first model's, and each connected input maps to the first
//      model's output;
//   3. its nodes are cloned in order (sub-graphs included, reading the mapped values);
//   4. the connected outputs go, the second model's outputs and value_info entries follow;
//   5. annotations, metadata, functions, opset imports and ir_version are combined.
#include "onnxkit/merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "onnxkit/clone.h"
#include "onnxkit/edit.h"
#include "onnxkit/topological_sort.h"
#include "surgery/main_graph.h"
#include "surgery/scope.h"

namespace onnxkit {
namespace {

std::string NormalDomain(std::string_view domain) {
  return domain == "ai.onnx" ? std::string() : std::string(domain);
}

std::string DomainLabel(std::string_view domain) {
  return domain.empty() ? "the default domain" : fmt::format("domain '{}'", domain);
}

// A connection resolved: the first model's output slot and the second model's input.
struct Connection {
  Value* output;  // of a
  Value* input;   // of b
};

std::string NameList(const std::vector<Value*>& values) {
  std::string out;
  for (const Value* v : values) out += fmt::format("{}'{}'", out.empty() ? "" : ", ", v->name());
  return out;
}

Value* FindByName(const std::vector<Value*>& values, std::string_view name) {
  for (Value* v : values) {
    if (v->name() == name) return v;
  }
  return nullptr;
}

// Why two declared types cannot be the two sides of a connection, or nullopt.
std::optional<std::string> TypeConflict(const Type& out, const Type& in) {
  if (out.kind != in.kind) return "different kinds";
  if (out.kind == Type::Kind::kTensor || out.kind == Type::Kind::kSparseTensor) {
    if (out.elem_type != 0 && in.elem_type != 0 && out.elem_type != in.elem_type) {
      return "different element types";
    }
    if (out.shape && in.shape) {
      if (out.shape->dims.size() != in.shape->dims.size()) return "different ranks";
      for (size_t i = 0; i < out.shape->dims.size(); ++i) {
        const Dim& d = out.shape->dims[i];
        const Dim& e = in.shape->dims[i];
        if (d.kind == Dim::Kind::kValue && e.kind == Dim::Kind::kValue && d.value != e.value) {
          return fmt::format("dimension {} differs", i);
        }
      }
    }
    return std::nullopt;
  }
  if (out.element.size() == 1 && in.element.size() == 1) {
    return TypeConflict(out.element[0], in.element[0]);
  }
  return std::nullopt;
}

StatusOr<std::vector<Connection>> ResolveConnections(const Model& a, const Model& b,
                                                     const MergeSpec& spec) {
  std::vector<Connection> out;
  absl::flat_hash_set<const Value*> fed;
  for (const auto& [output_name, input_name] : spec.connections) {
    Value* output = FindByName(a.graph->outputs(), output_name);
    if (!output) {
      return absl::NotFoundError(
          fmt::format("connection {}:{}: the first model has no output '{}' (its outputs: {})",
                      output_name, input_name, output_name, NameList(a.graph->outputs())));
    }
    Value* input = FindByName(b.graph->inputs(), input_name);
    if (!input) {
      return absl::NotFoundError(
          fmt::format("connection {}:{}: the second model has no input '{}' (its inputs: {})",
                      output_name, input_name, input_name, NameList(b.graph->inputs())));
    }
    if (!fed.insert(input).second) {
      return absl::InvalidArgumentError(
          fmt::format("input '{}' of the second model is connected more than once", input_name));
    }
    if (output->type() && input->type()) {
      if (auto conflict = TypeConflict(*output->type(), *input->type())) {
        return absl::InvalidArgumentError(
            fmt::format("connection {}:{}: output '{}' is {} but input '{}' is {} ({})",
                        output_name, input_name, output_name, TypeToString(*output->type()),
                        input_name, TypeToString(*input->type()), *conflict));
      }
    }
    out.push_back({output, input});
  }
  return out;
}

Status RequireMergeable(const Model& model, std::string_view which) {
  if (!model.graph) {
    return absl::FailedPreconditionError(fmt::format("the {} model has no graph", which));
  }
  if (!model.training_info.empty()) {
    return absl::FailedPreconditionError(fmt::format(
        "the {} model has training_info, whose bindings name its tensors: merging it is not "
        "supported",
        which));
  }
  return absl::OkStatus();
}

Status RequireAgreeingOpsets(const Model& a, const Model& b) {
  for (const OpsetImport& import : b.opset_import) {
    const std::string domain = NormalDomain(import.domain);
    std::optional<int64_t> theirs = a.OpsetVersion(domain);
    if (theirs && *theirs != import.version) {
      return absl::FailedPreconditionError(
          fmt::format("the models import different versions of {}: the first {}, the second {} "
                      "(convert one of them first)",
                      DomainLabel(domain), *theirs, import.version));
    }
  }
  return absl::OkStatus();
}

// The second model's main-graph nodes must read only values defined before them: they are
// cloned in order.
Status RequireTopologicalOrder(const Model& b) {
  absl::flat_hash_set<const Node*> seen;
  for (const Node* node : b.graph->nodes()) {
    std::optional<std::string> late;
    ForEachRead(*node, [&](Value* v) {
      if (!late && v->graph() == b.graph.get() && v->producer() && !seen.contains(v->producer())) {
        late = v->name();
      }
    });
    if (late) {
      return absl::FailedPreconditionError(
          fmt::format("the second model's {} reads '{}' before the node that computes it (sort it "
                      "topologically first)",
                      surgery::NodeLabel(*node), *late));
    }
    seen.insert(node);
  }
  return absl::OkStatus();
}

// The names of a model's scope after prefixing: values, nodes, functions.
struct ScopeNames {
  absl::flat_hash_set<std::string> values;
  absl::flat_hash_set<std::string> nodes;
  absl::flat_hash_set<std::tuple<std::string, std::string, std::string>> functions;
};

ScopeNames NamesAfterPrefix(Model& model, const std::string& prefix,
                            const absl::flat_hash_set<const Value*>& dropped) {
  ScopeNames names;
  for (Graph* graph : surgery::ScopeGraphs(model)) {
    for (const Value* v : graph->values()) {
      const bool defined = v->kind() != Value::Kind::kUndefined || v->has_uses();
      if (!v->name().empty() && defined && !dropped.contains(v)) {
        names.values.insert(prefix + v->name());
      }
    }
    for (const Node* n : graph->nodes()) {
      if (!n->name.empty()) names.nodes.insert(prefix + n->name);
    }
  }
  for (const auto& f : model.functions) {
    names.functions.insert({f->domain, prefix + f->name, f->overload});
  }
  return names;
}

template <typename Set>
std::optional<std::string> FirstShared(const Set& a, const Set& b) {
  std::optional<std::string> first;
  for (const auto& name : b) {
    if (a.contains(name) && (!first || name < *first)) first = name;
  }
  return first;
}

Status RequireDistinctNames(Model& a, Model& b, const MergeSpec& spec,
                            const std::vector<Connection>& connections) {
  absl::flat_hash_set<const Value*> replaced;
  for (const Connection& c : connections) replaced.insert(c.input);
  const ScopeNames na = NamesAfterPrefix(a, spec.prefix_a, {});
  const ScopeNames nb = NamesAfterPrefix(b, spec.prefix_b, replaced);
  const std::string hint = "; prefixes for either model tell them apart";
  if (auto name = FirstShared(na.values, nb.values)) {
    return absl::InvalidArgumentError(
        fmt::format("both models define a tensor named '{}'{}", *name, hint));
  }
  if (auto name = FirstShared(na.nodes, nb.nodes)) {
    return absl::InvalidArgumentError(
        fmt::format("both models have a node named '{}'{}", *name, hint));
  }
  for (const auto& key : nb.functions) {
    if (na.functions.contains(key)) {
      return absl::InvalidArgumentError(
          fmt::format("both models define the function '{}' of domain '{}'{}", std::get<1>(key),
                      std::get<0>(key), hint));
    }
  }
  return absl::OkStatus();
}

// Puts `prefix` in front of every value and node name of the model's scope, and of its
// functions' names and their calls.
Status ApplyPrefix(Model& model, const std::string& prefix) {
  if (prefix.empty()) return absl::OkStatus();
  std::vector<NamePair> values;
  std::vector<NamePair> nodes;
  absl::flat_hash_set<std::string> seen_values;
  absl::flat_hash_set<std::string> seen_nodes;
  for (Graph* graph : surgery::ScopeGraphs(model)) {
    for (const Value* v : graph->values()) {
      if (!v->name().empty() && seen_values.insert(v->name()).second) {
        values.emplace_back(v->name(), prefix + v->name());
      }
    }
    for (const Node* n : graph->nodes()) {
      if (!n->name.empty() && seen_nodes.insert(n->name).second) {
        nodes.emplace_back(n->name, prefix + n->name);
      }
    }
  }
  if (!values.empty()) ONNXKIT_RETURN_IF_ERROR(Rename(model, values, RenameTarget::kValues));
  if (!nodes.empty()) ONNXKIT_RETURN_IF_ERROR(Rename(model, nodes, RenameTarget::kNodes));
  absl::flat_hash_set<std::pair<std::string, std::string>> functions;
  for (auto& f : model.functions) {
    functions.insert({f->domain, f->name});
    f->name = prefix + f->name;
  }
  if (functions.empty()) return absl::OkStatus();
  ForEachGraph(model, [&](const Graph& g) {
    for (Node* n : g.nodes()) {
      if (functions.contains(std::pair{n->domain, n->op_type})) n->op_type = prefix + n->op_type;
    }
  });
  return absl::OkStatus();
}

// Gives every input, initializer and sparse initializer of `from` its counterpart in `into`
// (connected inputs: the first model's outputs).
void MapGraphEnds(const Graph& from, Graph& into, const std::vector<Connection>& connections,
                  ValueMap& map) {
  for (const Connection& c : connections) map.emplace(c.input, c.output);
  for (const Value* v : from.inputs()) {
    if (map.contains(v)) continue;
    Value* copy = into.AddInput(v->name(), v->info());
    if (v->initializer()) into.AttachInitializer(copy, *v->initializer());
    map.emplace(v, copy);
  }
  for (const Value* v : from.initializers()) {
    if (v->is_graph_input()) continue;
    Value* copy = into.AddInitializer(*v->initializer());
    copy->set_name(v->name());
    copy->mutable_info() = v->info();
    map.emplace(v, copy);
  }
  for (const Value* v : from.sparse_initializers()) {
    if (map.contains(v)) continue;
    Value* copy = into.AddSparseInitializer(v->name(), *v->sparse_initializer());
    copy->mutable_info() = v->info();
    map.emplace(v, copy);
  }
}

void AppendModelFields(Model& a, Model& b) {
  for (const OpsetImport& import : b.opset_import) {
    if (!a.OpsetVersion(NormalDomain(import.domain))) a.opset_import.push_back(import);
  }
  a.ir_version = std::max(a.ir_version, b.ir_version);
  for (const StringPair& kv : b.metadata_props) {
    auto same_key = [&](const StringPair& p) { return p.key == kv.key; };
    if (std::none_of(a.metadata_props.begin(), a.metadata_props.end(), same_key)) {
      a.metadata_props.push_back(kv);
    }
  }
  for (auto& f : b.functions) a.functions.push_back(std::move(f));
  b.functions.clear();
}

}  // namespace

StatusOr<std::pair<std::string, std::string>> ParseConnection(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return absl::InvalidArgumentError(fmt::format(
        "connection '{}' is not OUTPUT:INPUT (an output of the first model, an input of the "
        "second)",
        text));
  }
  return std::pair{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

StatusOr<MergeStats> Merge(Model& a, Model& b, const MergeSpec& spec) {
  ONNXKIT_RETURN_IF_ERROR(RequireMergeable(a, "first"));
  ONNXKIT_RETURN_IF_ERROR(RequireMergeable(b, "second"));
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<Connection> connections, ResolveConnections(a, b, spec));
  ONNXKIT_RETURN_IF_ERROR(RequireAgreeingOpsets(a, b));
  ONNXKIT_RETURN_IF_ERROR(RequireTopologicalOrder(b));
  ONNXKIT_RETURN_IF_ERROR(RequireDistinctNames(a, b, spec, connections));

  MergeStats stats;
  stats.nodes_from_a = static_cast<int64_t>(a.graph->node_count());
  stats.nodes_from_b = static_cast<int64_t>(b.graph->node_count());
  stats.connections = static_cast<int64_t>(connections.size());
  // Every name is prefixed, so a prefixed name never meets another one of its model: these
  // renames cannot fail on clashes. `b` goes first so that `a` stays whole if one fails.
  ONNXKIT_RETURN_IF_ERROR(ApplyPrefix(b, spec.prefix_b));
  ONNXKIT_RETURN_IF_ERROR(ApplyPrefix(a, spec.prefix_a));

  Graph& into = *a.graph;
  const Graph& from = *b.graph;
  ValueMap map;
  MapGraphEnds(from, into, connections, map);
  for (const Node* node : from.nodes()) CloneNode(*node, into, nullptr, map);

  absl::flat_hash_set<const Value*> connected_outputs;
  for (const Connection& c : connections) connected_outputs.insert(c.output);
  for (size_t i = into.outputs().size(); i-- > 0;) {
    if (connected_outputs.contains(into.outputs()[i])) (void)into.RemoveOutput(i);
  }
  auto mapped = [&](Value* v) {
    auto it = map.find(v);
    return it == map.end() ? v : it->second;
  };
  for (Value* v : from.outputs()) into.AddOutput(mapped(v));
  for (Value* v : from.value_info()) {
    if (map.contains(v)) into.AddValueInfo(map.at(v));
  }
  into.quantization_annotation.insert(into.quantization_annotation.end(),
                                      from.quantization_annotation.begin(),
                                      from.quantization_annotation.end());
  into.metadata_props.insert(into.metadata_props.end(), from.metadata_props.begin(),
                             from.metadata_props.end());
  AppendModelFields(a, b);
  return stats;
}

}  // namespace onnxkit
