// rename: values (tensors) or nodes of the model's scope, every reference kept consistent.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "onnxkit/edit.h"
#include "surgery/scope.h"

namespace onnxkit {
namespace {

using surgery::DidYouMean;

// Every value and node of the model's scope, by name.
struct ScopeIndex {
  absl::flat_hash_map<std::string, std::vector<Value*>> values;
  absl::flat_hash_map<std::string, std::vector<Node*>> nodes;
};

ScopeIndex IndexScope(Model& model) {
  ScopeIndex index;
  for (Graph* graph : surgery::ScopeGraphs(model)) {
    for (Value* v : graph->values()) {
      if (!v->name().empty()) index.values[v->name()].push_back(v);
    }
    for (Node* n : graph->nodes()) {
      if (!n->name.empty()) index.nodes[n->name].push_back(n);
    }
  }
  return index;
}

template <typename T>
std::vector<std::string> Keys(const absl::flat_hash_map<std::string, T>& map) {
  std::vector<std::string> keys;
  for (const auto& [key, _] : map) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::string_view KindName(RenameTarget target) {
  return target == RenameTarget::kNodes ? "node" : "value";
}

// Which of values or nodes `old_name` is renamed in, or the error.
StatusOr<RenameTarget> TargetOf(const ScopeIndex& index, const std::string& old_name,
                                RenameTarget requested) {
  const bool is_value = index.values.contains(old_name);
  const bool is_node = index.nodes.contains(old_name);
  switch (requested) {
    case RenameTarget::kValues:
      if (is_value) return RenameTarget::kValues;
      return absl::NotFoundError(fmt::format("rename: no value named '{}'{}", old_name,
                                             DidYouMean(old_name, Keys(index.values))));
    case RenameTarget::kNodes:
      if (is_node) return RenameTarget::kNodes;
      return absl::NotFoundError(fmt::format("rename: no node named '{}'{}", old_name,
                                             DidYouMean(old_name, Keys(index.nodes))));
    case RenameTarget::kAuto: break;
  }
  if (is_value && is_node) {
    return absl::InvalidArgumentError(fmt::format(
        "rename: '{}' names both a value and a node; say which (--values or --nodes)", old_name));
  }
  if (is_value) return RenameTarget::kValues;
  if (is_node) return RenameTarget::kNodes;
  std::vector<std::string> names = Keys(index.values);
  std::vector<std::string> node_names = Keys(index.nodes);
  names.insert(names.end(), node_names.begin(), node_names.end());
  return absl::NotFoundError(
      fmt::format("rename: no value or node named '{}'{}", old_name, DidYouMean(old_name, names)));
}

// Checks that after renaming `renames` (old -> new) in a namespace whose names are `existing`,
// every name is still unique.
template <typename T>
Status CheckNoClash(RenameTarget target, const absl::flat_hash_map<std::string, T>& existing,
                    const std::vector<NamePair>& renames) {
  absl::flat_hash_set<std::string> renamed_away;
  for (const auto& [old_name, _] : renames) renamed_away.insert(old_name);
  absl::flat_hash_map<std::string, std::string> new_to_old;
  for (const auto& [old_name, new_name] : renames) {
    if (existing.contains(new_name) && !renamed_away.contains(new_name)) {
      return absl::AlreadyExistsError(
          fmt::format("rename: cannot rename {} '{}' to '{}': a {} named '{}' already exists",
                      KindName(target), old_name, new_name, KindName(target), new_name));
    }
    auto [it, inserted] = new_to_old.emplace(new_name, old_name);
    if (!inserted) {
      return absl::AlreadyExistsError(
          fmt::format("rename: {}s '{}' and '{}' would both be named '{}'", KindName(target),
                      it->second, old_name, new_name));
    }
  }
  return absl::OkStatus();
}

void RenameString(std::string& name, const absl::flat_hash_map<std::string, std::string>& map) {
  auto it = map.find(name);
  if (it != map.end()) name = it->second;
}

// The places that name values by string rather than by Value.
void RenameValueReferences(Model& model, const absl::flat_hash_map<std::string, std::string>& map) {
  for (Graph* graph : surgery::ScopeGraphs(model)) {
    for (TensorAnnotation& annotation : graph->quantization_annotation) {
      RenameString(annotation.tensor_name, map);
      for (StringPair& pair : annotation.quant_parameter_tensor_names) {
        RenameString(pair.value, map);
      }
    }
    for (Node* node : graph->nodes()) {
      for (NodeDeviceConfiguration& config : node->device_configurations) {
        for (ShardingSpec& spec : config.sharding_spec) RenameString(spec.tensor_name, map);
      }
    }
  }
  for (TrainingInfo& info : model.training_info) {
    for (StringPair& pair : info.initialization_binding) {
      RenameString(pair.key, map);
      RenameString(pair.value, map);
    }
    for (StringPair& pair : info.update_binding) {
      RenameString(pair.key, map);
      RenameString(pair.value, map);
    }
  }
}

StatusOr<NamePair> ParsePair(std::string_view text, std::string_view where) {
  size_t eq = text.rfind('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    return absl::InvalidArgumentError(
        fmt::format("{}'{}' is not OLD=NEW (two non-empty names)", where, text));
  }
  return NamePair{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

StatusOr<NamePair> ParseRenamePair(std::string_view text) { return ParsePair(text, ""); }

StatusOr<std::vector<NamePair>> ParseRenameMap(std::string_view text, std::string_view source) {
  std::vector<NamePair> pairs;
  std::string_view body = Trim(text);
  if (!body.empty() && body.front() == '{') {
    nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: not a JSON object of names (\"old\": \"new\")", source));
    }
    for (const auto& [key, value] : json.items()) {
      if (!value.is_string() || key.empty() || value.get<std::string>().empty()) {
        return absl::InvalidArgumentError(
            fmt::format("{}: entry '{}': the new name must be a non-empty string", source, key));
      }
      pairs.emplace_back(key, value.get<std::string>());
    }
    return pairs;
  }
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    ONNXKIT_ASSIGN_OR_RETURN(NamePair pair,
                             ParsePair(line, fmt::format("{}:{}: ", source, line_number)));
    // Spaces around '=' are layout, not part of a name.
    pairs.emplace_back(std::string(Trim(pair.first)), std::string(Trim(pair.second)));
  }
  return pairs;
}

Status Rename(Model& model, std::span<const NamePair> renames, RenameTarget target) {
  ScopeIndex index = IndexScope(model);
  std::vector<NamePair> value_renames;
  std::vector<NamePair> node_renames;
  absl::flat_hash_set<std::string> seen;
  for (const auto& [old_name, new_name] : renames) {
    if (new_name.empty()) {
      return absl::InvalidArgumentError(
          fmt::format("rename: the new name of '{}' is empty", old_name));
    }
    if (!seen.insert(old_name).second) {
      return absl::InvalidArgumentError(
          fmt::format("rename: '{}' is renamed more than once", old_name));
    }
    ONNXKIT_ASSIGN_OR_RETURN(RenameTarget kind, TargetOf(index, old_name, target));
    if (old_name == new_name) continue;
    (kind == RenameTarget::kNodes ? node_renames : value_renames).emplace_back(old_name, new_name);
  }
  ONNXKIT_RETURN_IF_ERROR(CheckNoClash(RenameTarget::kValues, index.values, value_renames));
  ONNXKIT_RETURN_IF_ERROR(CheckNoClash(RenameTarget::kNodes, index.nodes, node_renames));

  absl::flat_hash_map<std::string, std::string> value_map(value_renames.begin(),
                                                          value_renames.end());
  for (const auto& [old_name, new_name] : value_renames) {
    for (Value* v : index.values[old_name]) v->set_name(new_name);
  }
  RenameValueReferences(model, value_map);
  for (const auto& [old_name, new_name] : node_renames) {
    for (Node* n : index.nodes[old_name]) n->name = new_name;
  }
  return absl::OkStatus();
}

}  // namespace onnxkit
