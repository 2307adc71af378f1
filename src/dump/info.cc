// GetModelInfo / InfoText / InfoJson: the short summary of `onnxkit info`. Everything here
// comes from the graph structure and tensor dims; no tensor data is read.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "dump/document.h"
#include "dump/tensor_summary.h"
#include "onnxkit/dump.h"
#include "onnxkit/escape.h"

namespace onnxkit {
namespace {

using dump_internal::Json;

std::string OpKey(const Node& node) {
  if (NormalDomain(node.domain).empty()) return node.op_type;
  return node.domain + "." + node.op_type;
}

std::string TypeOf(const Value& v) { return v.type() ? TypeToString(*v.type()) : "?"; }

std::string ExternalLocation(const Tensor& t) {
  for (const StringPair& kv : t.external_data) {
    if (kv.key == "location") return kv.value;
  }
  return "";
}

void AddTensorBytes(const Tensor& t, ModelInfo& info, std::set<std::string>& files) {
  uint64_t bytes = 0;
  if (t.data_type == static_cast<int32_t>(DataType::kString)) {
    for (const std::string& s : t.string_data) bytes += s.size();
  } else if (StatusOr<uint64_t> size = t.RawByteSize(); size.ok()) {
    bytes = *size;
  }
  if (t.is_external()) {
    info.external_bytes += bytes;
    files.insert(ExternalLocation(t));
  } else {
    info.inline_bytes += bytes;
  }
}

// The main graph and its sub-graphs: nodes, ops and initializers.
void CountGraph(const Graph& graph, bool is_subgraph, ModelInfo& info,
                std::map<std::string, int64_t>& ops, std::set<std::string>& files) {
  for (const Node* node : graph.nodes()) {
    ++info.node_count;
    if (is_subgraph) ++info.subgraph_node_count;
    ++ops[OpKey(*node)];
    for (const Attribute& a : node->attributes) {
      if (a.g) CountGraph(*a.g, true, info, ops, files);
      for (const auto& g : a.graphs) CountGraph(*g, true, info, ops, files);
    }
  }
  for (const Value* v : graph.initializers()) {
    const Tensor& t = *v->initializer();
    ++info.initializer_count;
    if (StatusOr<int64_t> count = t.ElementCount(); count.ok()) info.parameter_count += *count;
    AddTensorBytes(t, info, files);
  }
  for (const Value* v : graph.sparse_initializers()) {
    const SparseTensor& st = *v->sparse_initializer();
    ++info.sparse_initializer_count;
    if (st.values) {
      if (StatusOr<int64_t> count = st.values->ElementCount(); count.ok()) {
        info.parameter_count += *count;
      }
      AddTensorBytes(*st.values, info, files);
    }
    if (st.indices) AddTensorBytes(*st.indices, info, files);
  }
}

std::string Opsets(const std::vector<ModelInfo::Opset>& opsets) {
  std::string out;
  for (const auto& o : opsets) {
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", o.domain.empty() ? "ai.onnx" : o.domain,
                       o.version);
  }
  return out.empty() ? "none" : out;
}

// "1,234,567": parameter counts are read at a glance.
std::string Grouped(int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

ModelInfo GetModelInfo(const Model& model) {
  ModelInfo info;
  info.ir_version = model.ir_version;
  info.producer_name = model.producer_name;
  info.producer_version = model.producer_version;
  for (const OpsetImport& o : model.opset_import) info.opsets.push_back({o.domain, o.version});
  std::map<std::string, int64_t> ops;
  std::set<std::string> files;
  if (model.graph) {
    for (const Value* v : model.graph->inputs()) {
      if (v->initializer() || v->sparse_initializer()) {
        ++info.initializer_inputs;
      } else {
        info.inputs.push_back({v->name(), TypeOf(*v)});
      }
    }
    for (const Value* v : model.graph->outputs()) info.outputs.push_back({v->name(), TypeOf(*v)});
    CountGraph(*model.graph, false, info, ops, files);
  }
  for (const auto& [op, count] : ops) info.op_histogram.push_back({op, count});
  std::stable_sort(info.op_histogram.begin(), info.op_histogram.end(),
                   [](const ModelInfo::OpCount& a, const ModelInfo::OpCount& b) {
                     return a.count > b.count;  // ties keep the map's name order
                   });
  info.function_count = static_cast<int64_t>(model.functions.size());
  for (const auto& fn : model.functions) {
    info.function_node_count += static_cast<int64_t>(fn->body->node_count());
  }
  info.training_info_count = static_cast<int64_t>(model.training_info.size());
  info.external_files.assign(files.begin(), files.end());
  return info;
}

std::string InfoText(const ModelInfo& info) {
  std::vector<std::pair<std::string, std::string>> rows;
  std::string producer = info.producer_name;
  if (!info.producer_version.empty()) producer += " " + info.producer_version;
  rows.push_back({"ir_version", std::to_string(info.ir_version)});
  rows.push_back({"producer", producer.empty() ? "-" : producer});
  rows.push_back({"opsets", Opsets(info.opsets)});
  auto ios = [&](const std::string& title, const std::vector<ModelInfo::Io>& list) {
    if (list.empty()) rows.push_back({title, "none"});
    size_t name_width = 0;
    for (const auto& io : list) name_width = std::max(name_width, io.name.size());
    for (size_t i = 0; i < list.size(); ++i) {
      rows.push_back(
          {i == 0 ? title : "", fmt::format("{:<{}}  {}", list[i].name, name_width, list[i].type)});
    }
  };
  ios("inputs", info.inputs);
  if (info.initializer_inputs > 0) {
    rows.push_back({"", fmt::format("(+{} inputs with an initializer)", info.initializer_inputs)});
  }
  ios("outputs", info.outputs);
  rows.push_back(
      {"nodes", info.subgraph_node_count == 0
                    ? fmt::format("{} (none in sub-graphs)", Grouped(info.node_count))
                    : fmt::format("{} (incl. {} in sub-graphs)", Grouped(info.node_count),
                                  Grouped(info.subgraph_node_count))});
  if (info.function_count > 0) {
    rows.push_back({"functions", fmt::format("{} ({} nodes in their bodies)", info.function_count,
                                             Grouped(info.function_node_count))});
  }
  if (info.training_info_count > 0) {
    rows.push_back({"training_info", std::to_string(info.training_info_count)});
  }
  std::string initializers = Grouped(info.initializer_count);
  if (info.sparse_initializer_count > 0) {
    initializers += fmt::format(" (+{} sparse)", info.sparse_initializer_count);
  }
  rows.push_back({"initializers", initializers});
  rows.push_back({"parameters", Grouped(info.parameter_count)});
  rows.push_back(
      {"weights", fmt::format("{} (inline {}, external {})",
                              dump_internal::FormatBytes(info.inline_bytes + info.external_bytes),
                              dump_internal::FormatBytes(info.inline_bytes),
                              dump_internal::FormatBytes(info.external_bytes))});
  for (size_t i = 0; i < info.external_files.size(); ++i) {
    rows.push_back({i == 0 ? "external" : "", info.external_files[i]});
  }
  size_t width = 0;
  for (const auto& [key, value] : rows) width = std::max(width, key.size());
  std::string out;
  // Names, types and the producer come from the model: escaped for the terminal.
  for (const auto& [key, value] : rows) {
    out += fmt::format("{:<{}}  {}\n", key, width, EscapeForDisplay(value));
  }
  out += fmt::format("ops ({} {})\n", info.op_histogram.size(),
                     info.op_histogram.size() == 1 ? "type" : "types");
  size_t op_width = 0;
  for (const auto& op : info.op_histogram) op_width = std::max(op_width, op.op.size());
  for (const auto& op : info.op_histogram) {
    out += fmt::format("  {:<{}}  {}\n", EscapeForDisplay(op.op), op_width, Grouped(op.count));
  }
  return out;
}

std::string InfoJson(const ModelInfo& info) {
  Json j;
  j["ir_version"] = info.ir_version;
  j["producer_name"] = info.producer_name;
  j["producer_version"] = info.producer_version;
  Json opsets = Json::array();
  for (const auto& o : info.opsets)
    opsets.push_back({{"domain", o.domain}, {"version", o.version}});
  j["opset_import"] = std::move(opsets);
  auto ios = [](const std::vector<ModelInfo::Io>& list) {
    Json out = Json::array();
    for (const auto& io : list) out.push_back({{"name", io.name}, {"type", io.type}});
    return out;
  };
  j["inputs"] = ios(info.inputs);
  j["outputs"] = ios(info.outputs);
  j["initializer_inputs"] = info.initializer_inputs;
  j["node_count"] = info.node_count;
  j["subgraph_node_count"] = info.subgraph_node_count;
  Json ops = Json::array();
  for (const auto& op : info.op_histogram) ops.push_back({{"op", op.op}, {"count", op.count}});
  j["op_histogram"] = std::move(ops);
  j["function_count"] = info.function_count;
  j["function_node_count"] = info.function_node_count;
  j["training_info_count"] = info.training_info_count;
  j["initializer_count"] = info.initializer_count;
  j["sparse_initializer_count"] = info.sparse_initializer_count;
  j["parameter_count"] = info.parameter_count;
  j["inline_bytes"] = info.inline_bytes;
  j["external_bytes"] = info.external_bytes;
  j["external_files"] = info.external_files;
  return dump_internal::PrintJson(std::move(j));
}

}  // namespace onnxkit
