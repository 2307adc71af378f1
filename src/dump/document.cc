#include "dump/document.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "dump/schema_names.h"
#include "onnxkit/escape.h"

namespace onnxkit::dump_internal {
namespace {

// The tensor a Constant node produces, when its attribute says it directly.
std::optional<Tensor> ConstantNodeTensor(const Node& node) {
  if (node.attributes.size() != 1) return std::nullopt;
  const Attribute& a = node.attributes.front();
  if (!a.ref_attr_name.empty()) return std::nullopt;
  if (a.name == "value" && a.t) return *a.t;
  Tensor t;
  if (a.name == "value_float") {
    t.data_type = static_cast<int32_t>(DataType::kFloat);
    t.float_data = {a.f};
  } else if (a.name == "value_floats") {
    t.data_type = static_cast<int32_t>(DataType::kFloat);
    t.float_data = a.floats;
    t.dims = {static_cast<int64_t>(a.floats.size())};
  } else if (a.name == "value_int") {
    t.data_type = static_cast<int32_t>(DataType::kInt64);
    t.int64_data = {a.i};
  } else if (a.name == "value_ints") {
    t.data_type = static_cast<int32_t>(DataType::kInt64);
    t.int64_data = a.ints;
    t.dims = {static_cast<int64_t>(a.ints.size())};
  } else if (a.name == "value_string") {
    t.data_type = static_cast<int32_t>(DataType::kString);
    t.string_data = {a.s};
  } else if (a.name == "value_strings") {
    t.data_type = static_cast<int32_t>(DataType::kString);
    t.string_data = a.strings;
    t.dims = {static_cast<int64_t>(a.strings.size())};
  } else {
    return std::nullopt;
  }
  return t;
}

Json OpsetsJson(const std::vector<OpsetImport>& opsets) {
  Json out = Json::array();
  for (const OpsetImport& o : opsets) out.push_back({{"domain", o.domain}, {"version", o.version}});
  return out;
}

Json ResolutionJson(const OpResolution& r) {
  Json out;
  switch (r.kind) {
    case OpResolution::Kind::kSchema:
      out["kind"] = "schema";
      out["since_version"] = r.since_version;
      if (r.deprecated) out["deprecated"] = true;
      break;
    case OpResolution::Kind::kLocalFunction: out["kind"] = "local function"; break;
    case OpResolution::Kind::kNoSchema:
      out["kind"] = "none";
      out["reason"] = r.reason;
      break;
  }
  return out;
}

uint64_t InitializerBytes(const Graph& graph) {
  uint64_t total = 0;
  for (const Value* v : graph.initializers()) {
    StatusOr<uint64_t> bytes = v->initializer()->RawByteSize();
    if (bytes.ok()) total += *bytes;
  }
  return total;
}

}  // namespace

namespace {
// {"source": source, ...summary}: the summary's members moved, not copied.
Json Sourced(const char* source, Json summary) {
  Json out = {{"source", source}};
  for (auto it = summary.begin(); it != summary.end(); ++it) {
    out[it.key()] = std::move(it.value());
  }
  return out;
}
}  // namespace

Json PairsJson(const std::vector<StringPair>& pairs) {
  Json out = Json::array();
  for (const StringPair& kv : pairs) out.push_back({{"key", kv.key}, {"value", kv.value}});
  return out;
}

void AddMetadata(Json& out, const MetadataProps& props) {
  if (!props.empty()) out["metadata_props"] = PairsJson(props);
}

namespace {

Json DeviceConfigurationsJson(const std::vector<DeviceConfiguration>& configs) {
  Json out = Json::array();
  for (const DeviceConfiguration& c : configs) {
    out.push_back({{"name", c.name}, {"num_devices", c.num_devices}, {"devices", c.devices}});
  }
  return out;
}

Json SimpleShardingJson(const SimpleShardedDim& s) {
  Json out;
  if (s.dim.kind == Dim::Kind::kValue) out["dim_value"] = s.dim.value;
  if (s.dim.kind == Dim::Kind::kParam) out["dim_param"] = s.dim.param;
  out["num_shards"] = s.num_shards;
  return out;
}

Json ShardingSpecJson(const ShardingSpec& spec) {
  Json groups = Json::array();
  for (const DeviceGroup& g : spec.index_to_device_group_map) {
    groups.push_back({{"key", g.key}, {"devices", g.devices}});
  }
  Json dims = Json::array();
  for (const ShardedDim& d : spec.sharded_dim) {
    Json simple = Json::array();
    for (const SimpleShardedDim& s : d.simple_sharding) simple.push_back(SimpleShardingJson(s));
    dims.push_back({{"axis", d.axis}, {"simple_sharding", std::move(simple)}});
  }
  return {{"tensor_name", spec.tensor_name},
          {"devices", spec.devices},
          {"index_to_device_group_map", std::move(groups)},
          {"sharded_dim", std::move(dims)}};
}

Json NodeDeviceConfigurationsJson(const std::vector<NodeDeviceConfiguration>& configs) {
  Json out = Json::array();
  for (const NodeDeviceConfiguration& c : configs) {
    Json specs = Json::array();
    for (const ShardingSpec& spec : c.sharding_spec) specs.push_back(ShardingSpecJson(spec));
    out.push_back({{"configuration_id", c.configuration_id},
                   {"pipeline_stage", c.pipeline_stage},
                   {"sharding_spec", std::move(specs)}});
  }
  return out;
}

}  // namespace

DocumentBuilder::DocumentBuilder(const Model& model, const DumpOptions& options)
    : model_(model), options_(options), functions_(model), tensors_(options) {}

Json DocumentBuilder::Header() const {
  Json m;
  m["ir_version"] = model_.ir_version;
  m["producer_name"] = model_.producer_name;
  m["producer_version"] = model_.producer_version;
  m["domain"] = model_.domain;
  m["model_version"] = model_.model_version;
  m["doc_string"] = model_.doc_string;
  m["metadata_props"] = PairsJson(model_.metadata_props);
  if (!model_.configuration.empty()) {
    m["configuration"] = DeviceConfigurationsJson(model_.configuration);
  }
  // The options that shaped the document, so that a reader knows what was left out.
  static constexpr const char* kModes[] = {"none", "summary", "full"};
  Json o;
  o["initializers"] = kModes[static_cast<int>(options_.initializers)];
  o["stats_limit"] = options_.stats_limit;
  o["stats_budget"] = options_.stats_budget;
  o["max_depth"] = options_.max_depth;
  o["node"] = options_.node_names;
  o["op"] = options_.op_types;
  Json header;
  header["model"] = std::move(m);
  header["opset_import"] = OpsetsJson(model_.opset_import);
  header["options"] = std::move(o);
  return header;
}

GraphRef DocumentBuilder::MainGraph() const {
  return {model_.graph.get(), OpsetScope{&model_, nullptr, &functions_}, 0};
}

GraphRef DocumentBuilder::TrainingGraph(const Graph& graph) const {
  return {&graph, OpsetScope{&model_, nullptr, &functions_}, 0};
}

bool DocumentBuilder::Filtering() const {
  return !options_.node_names.empty() || !options_.op_types.empty();
}

bool DocumentBuilder::Matches(const Node& node) const {
  auto listed = [](const std::vector<std::string>& list, const std::string& s) {
    return list.empty() || std::find(list.begin(), list.end(), s) != list.end();
  };
  return listed(options_.node_names, node.name) && listed(options_.op_types, node.op_type);
}

// Sub-graphs at `depth` are expanded when the depth limit allows.
bool DocumentBuilder::Expands(const GraphRef& g) const {
  return options_.max_depth < 0 || g.depth <= options_.max_depth;
}

// Whether a sub-graph of `node` (in a graph at `depth`) that the dump expands holds a
// matching node.
bool DocumentBuilder::HoldsMatch(const Node& node, int depth) const {
  if (!Filtering() || !Expands({nullptr, {}, depth + 1})) return false;
  auto graph_holds = [&](const Graph& g) {
    return std::any_of(g.nodes().begin(), g.nodes().end(),
                       [&](const Node* n) { return Matches(*n) || HoldsMatch(*n, depth + 1); });
  };
  for (const Attribute& a : node.attributes) {
    if (a.g && graph_holds(*a.g)) return true;
    for (const auto& g : a.graphs) {
      if (graph_holds(*g)) return true;
    }
  }
  return false;
}

Json DocumentBuilder::GraphHead(const Graph& graph) const {
  auto decls = [](const std::vector<Value*>& values) {
    Json out = Json::array();
    for (const Value* v : values) {
      if (!v) {
        out.push_back(nullptr);
        continue;
      }
      Json d;
      d["name"] = v->name();
      d["type"] = v->type() ? Json(TypeToString(*v->type())) : Json(nullptr);
      if (v->initializer() || v->sparse_initializer()) d["initializer"] = true;
      if (!v->info().doc_string.empty()) d["doc_string"] = v->info().doc_string;
      AddMetadata(d, v->info().metadata_props);
      out.push_back(std::move(d));
    }
    return out;
  };
  Json g;
  g["name"] = graph.name;
  if (!graph.doc_string.empty()) g["doc_string"] = graph.doc_string;
  AddMetadata(g, graph.metadata_props);
  g["inputs"] = decls(graph.inputs());
  g["outputs"] = decls(graph.outputs());
  g["value_info_count"] = graph.value_info().size();
  g["node_count"] = graph.node_count();
  return g;
}

size_t DocumentBuilder::ListedNodeCount(const GraphRef& g) const {
  if (!Filtering()) return g.graph->node_count();
  return static_cast<size_t>(
      std::count_if(g.graph->nodes().begin(), g.graph->nodes().end(),
                    [&](const Node* n) { return Matches(*n) || HoldsMatch(*n, g.depth); }));
}

void DocumentBuilder::ForEachListedNode(const GraphRef& g,
                                        const std::function<void(const Node&, size_t, bool)>& fn) {
  size_t index = 0;
  for (const Node* node : g.graph->nodes()) {
    const bool matches = Matches(*node);
    if (matches || HoldsMatch(*node, g.depth)) {
      if (matches && Filtering()) shown_.insert(node);
      fn(*node, index, /*context=*/!matches);
    }
    ++index;
  }
}

const OpResolution& DocumentBuilder::Resolve(const GraphRef& g, const Node& node) {
  const OpKey key{g.scope.function_opsets, node.domain, node.op_type, node.overload};
  auto it = resolutions_.find(key);
  if (it == resolutions_.end()) it = resolutions_.emplace(key, ResolveOp(g.scope, node)).first;
  return it->second;
}

NodeFacts DocumentBuilder::Facts(const Node& node, size_t index, const GraphRef& g, bool context) {
  NodeFacts f{&node, index, context, &Resolve(g, node), {}, {}, {}, Json()};
  std::vector<std::string> in_labels =
      SlotLabels(f.resolution->inputs, node.inputs().size(), "input");
  f.inputs.reserve(node.inputs().size());
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    const Value* v = node.inputs()[i];
    f.inputs.push_back({std::move(in_labels[i]), v, v ? ConstantJson(*v) : Json()});
  }
  std::vector<std::string> out_labels =
      SlotLabels(f.resolution->outputs, node.outputs().size(), "output");
  f.outputs.reserve(node.outputs().size());
  for (size_t i = 0; i < node.outputs().size(); ++i) {
    f.outputs.push_back({std::move(out_labels[i]), node.outputs()[i], Json()});
  }
  f.attributes.reserve(node.attributes.size());
  for (const Attribute& a : node.attributes) {
    NodeFacts::AttributeFacts facts{&a, Json(), ""};
    if (a.ref_attr_name.empty()) {
      facts.value = AttributeValueJson(a);
      if (HoldsDataType(node, *f.resolution, a))
        facts.dtype = DataTypeName(static_cast<int32_t>(a.i));
    }
    f.attributes.push_back(std::move(facts));
  }
  AddMetadata(f.extras, node.metadata_props);
  if (!node.device_configurations.empty()) {
    f.extras["device_configurations"] = NodeDeviceConfigurationsJson(node.device_configurations);
  }
  return f;
}

Json DocumentBuilder::NodeJson(NodeFacts f) {
  const Node& node = *f.node;
  Json n;
  n["index"] = f.index;
  n["name"] = node.name;
  n["op_type"] = node.op_type;
  n["domain"] = node.domain;
  if (!node.overload.empty()) n["overload"] = node.overload;
  n["resolution"] = ResolutionJson(*f.resolution);
  if (f.context) n["context"] = true;
  Json inputs = Json::array();
  for (NodeFacts::Slot& in : f.inputs) {
    Json slot;
    slot["label"] = in.label;
    slot["name"] = in.value ? Json(in.value->name()) : Json(nullptr);
    if (!in.constant.is_null()) slot["constant"] = std::move(in.constant);
    inputs.push_back(std::move(slot));
  }
  n["inputs"] = std::move(inputs);
  Json outputs = Json::array();
  for (const NodeFacts::Slot& out : f.outputs) {
    const Value* v = out.value;
    Json slot;
    slot["label"] = out.label;
    slot["name"] = v ? Json(v->name()) : Json(nullptr);
    if (v) slot["type"] = v->type() ? Json(TypeToString(*v->type())) : Json(nullptr);
    outputs.push_back(std::move(slot));
  }
  n["outputs"] = std::move(outputs);
  Json attributes = Json::array();
  for (NodeFacts::AttributeFacts& facts : f.attributes) {
    const Attribute& a = *facts.attribute;
    Json out;
    out["name"] = a.name;
    out["type"] = AttributeTypeName(a.type);
    if (!a.ref_attr_name.empty()) {
      // Inside a function body: the value is the caller's attribute of that name.
      out["ref"] = a.ref_attr_name;
    } else {
      out["value"] = std::move(facts.value);
      if (!facts.dtype.empty()) out["dtype"] = facts.dtype;
    }
    if (!a.doc_string.empty()) out["doc_string"] = a.doc_string;
    attributes.push_back(std::move(out));
  }
  n["attributes"] = std::move(attributes);
  if (!node.doc_string.empty()) n["doc_string"] = node.doc_string;
  if (f.extras.is_object()) n.update(std::move(f.extras));
  return n;
}

// What is known of a constant input: an initializer (a "default" when it is also a graph
// input, which a caller may override), a sparse initializer, or a Constant node's output.
Json DocumentBuilder::ConstantJson(const Value& v) {
  if (const Tensor* t = v.initializer()) {
    return Sourced(v.is_graph_input() ? "default" : "initializer", tensors_.SummarizeConstant(*t));
  }
  if (const SparseTensor* st = v.sparse_initializer()) {
    Json c = {{"source", "sparse initializer"}};
    c["dims"] = st->dims;
    return c;
  }
  if (v.producer() && v.producer()->Is("", "Constant")) {
    if (std::optional<Tensor> t = ConstantNodeTensor(*v.producer())) {
      return Sourced("Constant", tensors_.SummarizeConstant(*t));
    }
  }
  return nullptr;
}

bool DocumentBuilder::StreamsGraphs(const Attribute& a) {
  if (!a.ref_attr_name.empty()) return false;
  return (a.type == AttributeType::kGraph && a.g) || a.type == AttributeType::kGraphs;
}

GraphRef DocumentBuilder::Subgraph(const Graph& graph, const GraphRef& parent) const {
  return {&graph, parent.scope, parent.depth + 1};
}

Json DocumentBuilder::CollapsedGraph(const Graph& graph) {
  return {{"name", graph.name}, {"node_count", graph.node_count()}, {"expanded", false}};
}

// The value of an attribute; null for graphs, which the printers stream in its place.
Json DocumentBuilder::AttributeValueJson(const Attribute& a) {
  auto floats = [](const std::vector<float>& fs) {
    Json out = Json::array();
    for (float f : fs) out.push_back(FloatJson(f));
    return out;
  };
  auto tensor = [&](const Tensor& t) {
    Json out;
    if (!t.name.empty()) out["name"] = t.name;
    out.update(tensors_.SummarizeAttribute(t));
    return out;
  };
  switch (a.type) {
    case AttributeType::kFloat: return FloatJson(a.f);
    case AttributeType::kInt: return a.i;
    case AttributeType::kString: return a.s;
    case AttributeType::kTensor: return a.t ? tensor(*a.t) : Json(nullptr);
    case AttributeType::kGraph:
    case AttributeType::kGraphs: return nullptr;  // the printers stream them (StreamsGraphs)
    case AttributeType::kFloats: return floats(a.floats);
    case AttributeType::kInts: return a.ints;
    case AttributeType::kStrings: return a.strings;
    case AttributeType::kSparseTensor:
      return a.sparse_tensor ? tensors_.SummarizeSparse(*a.sparse_tensor) : Json(nullptr);
    case AttributeType::kTypeProto: return a.tp ? Json(TypeToString(*a.tp)) : Json(nullptr);
    case AttributeType::kTensors: {
      Json out = Json::array();
      for (const Tensor& t : a.tensors) out.push_back(tensor(t));
      return out;
    }
    case AttributeType::kSparseTensors: {
      Json out = Json::array();
      for (const SparseTensor& st : a.sparse_tensors) out.push_back(tensors_.SummarizeSparse(st));
      return out;
    }
    case AttributeType::kTypeProtos: {
      Json out = Json::array();
      for (const Type& t : a.type_protos) out.push_back(TypeToString(t));
      return out;
    }
    case AttributeType::kUndefined: break;
  }
  return nullptr;
}

Json DocumentBuilder::InitializerTotals(const Graph& graph) {
  Json totals;
  totals["initializer_count"] = graph.initializers().size();
  totals["initializer_bytes"] = InitializerBytes(graph);
  return totals;
}

bool DocumentBuilder::ListsInitializers() const {
  return options_.initializers != DumpOptions::Initializers::kNone;
}

// Whether the listing of `graph` shows initializer `v`: always, unless a filter is on;
// then only those that a shown node reads.
bool DocumentBuilder::ListsInitializer(const Value& v) const {
  if (!Filtering()) return true;
  const std::vector<Use> uses = v.uses();
  return std::any_of(uses.begin(), uses.end(),
                     [&](const Use& u) { return shown_.contains(u.node); });
}

std::vector<const Value*> DocumentBuilder::ListedInitializers(const Graph& graph) const {
  std::vector<const Value*> out;
  for (const Value* v : graph.initializers()) {
    if (ListsInitializer(*v)) out.push_back(v);
  }
  return out;
}

Json DocumentBuilder::InitializerHead(const Value& v) {
  Json entry = {{"name", v.name()}};
  if (v.is_graph_input()) entry["graph_input"] = true;
  entry.update(tensors_.Summarize(*v.initializer(), 0, false));
  return entry;
}

Json DocumentBuilder::InitializerJson(const Value& v) {
  const Tensor& t = *v.initializer();
  Json entry = {{"name", v.name()}};
  if (v.is_graph_input()) entry["graph_input"] = true;
  entry.update(tensors_.SummarizeInitializer(t));
  if (!t.doc_string.empty()) entry["doc_string"] = t.doc_string;
  AddMetadata(entry, t.metadata_props);
  return entry;
}

Json DocumentBuilder::SparseInitializers(const Graph& graph) {
  if (graph.sparse_initializers().empty()) return nullptr;
  Json out;
  out["sparse_initializer_count"] = graph.sparse_initializers().size();
  if (!ListsInitializers()) return out;
  const bool full = options_.initializers == DumpOptions::Initializers::kFull;
  Json list = Json::array();
  for (const Value* v : graph.sparse_initializers()) {
    if (!ListsInitializer(*v)) continue;
    Json entry = {{"name", v->name()}};
    entry.update(tensors_.SummarizeSparse(*v->sparse_initializer(), full));
    list.push_back(std::move(entry));
  }
  out["sparse_initializers"] = std::move(list);
  return out;
}

std::vector<const Function*> DocumentBuilder::ListedFunctions() const {
  std::vector<const Function*> out;
  for (const auto& fn : model_.functions) {
    if (!Filtering() || ListedNodeCount(FunctionBody(*fn)) > 0) out.push_back(fn.get());
  }
  return out;
}

GraphRef DocumentBuilder::FunctionBody(const Function& fn) const {
  return {fn.body.get(), OpsetScope{&model_, &fn.opset_import, &functions_}, 0};
}

Json DocumentBuilder::FunctionHead(const Function& fn) {
  Json f;
  f["name"] = fn.name;
  f["domain"] = fn.domain;
  if (!fn.overload.empty()) f["overload"] = fn.overload;
  if (!fn.doc_string.empty()) f["doc_string"] = fn.doc_string;
  AddMetadata(f, fn.metadata_props);
  Json inputs = Json::array(), outputs = Json::array();
  for (const Value* v : fn.body->inputs()) inputs.push_back(v ? v->name() : "");
  for (const Value* v : fn.body->outputs()) outputs.push_back(v ? v->name() : "");
  f["inputs"] = std::move(inputs);
  f["outputs"] = std::move(outputs);
  f["attributes"] = fn.attributes;
  // IR 9: formal attributes with a default value, used when a call site omits them.
  Json defaults = Json::array();
  for (const Attribute& a : fn.attribute_defaults) {
    defaults.push_back(
        {{"name", a.name}, {"type", AttributeTypeName(a.type)}, {"value", AttributeValueJson(a)}});
  }
  f["attribute_defaults"] = std::move(defaults);
  f["opset_import"] = OpsetsJson(fn.opset_import);
  f["node_count"] = fn.body->node_count();
  return f;
}

void JsonStream::NextItem() {
  if (items_.empty()) return;
  out_ << (items_.back()++ == 0 ? "\n" : ",\n");
  out_ << std::string(2 * items_.size(), ' ');
}

void JsonStream::Open(char bracket) {
  if (!after_key_) NextItem();
  after_key_ = false;
  out_ << bracket;
  items_.push_back(0);
}

void JsonStream::Close(char bracket) {
  const size_t items = items_.back();
  items_.pop_back();
  if (items > 0) out_ << '\n' << std::string(2 * items_.size(), ' ');
  out_ << bracket;
}

void JsonStream::Key(std::string_view key) {
  NextItem();
  out_ << Json(ValidUtf8(key)).dump() << ": ";
  after_key_ = true;
}

void JsonStream::Value(Json value) {
  if (!after_key_) NextItem();
  after_key_ = false;
  MakeValidUtf8(value);
  // A nested value is printed on its own and indented to where it sits; its strings hold no
  // raw newlines (JSON escapes them), so every newline is a line break of the layout.
  const std::string text = value.dump(2);
  const std::string indent(2 * items_.size(), ' ');
  size_t line = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', line)) {
    out_.write(text.data() + line, static_cast<std::streamsize>(nl + 1 - line));
    out_ << indent;
    line = nl + 1;
  }
  out_.write(text.data() + line, static_cast<std::streamsize>(text.size() - line));
}

void JsonStream::Members(Json object) {
  for (auto it = object.begin(); it != object.end(); ++it) Member(it.key(), std::move(it.value()));
}

void MakeValidUtf8(Json& value) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    std::string valid = ValidUtf8(s);
    if (valid.size() != s.size()) value = std::move(valid);
    return;
  }
  if (value.is_array()) {
    for (Json& element : value) MakeValidUtf8(element);
    return;
  }
  if (!value.is_object()) return;
  bool keys_valid = true;
  for (auto it = value.begin(); it != value.end(); ++it) {
    MakeValidUtf8(it.value());
    keys_valid &= ValidUtf8(it.key()).size() == it.key().size();
  }
  if (keys_valid) return;
  Json fixed = Json::object();
  for (auto it = value.begin(); it != value.end(); ++it) {
    fixed[ValidUtf8(it.key())] = std::move(it.value());
  }
  value = std::move(fixed);
}

std::string PrintJson(Json document) {
  MakeValidUtf8(document);
  return document.dump(2) + "\n";
}

}  // namespace onnxkit::dump_internal
