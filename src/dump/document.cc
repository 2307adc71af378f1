#include "dump/document.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "dump/schema_names.h"

namespace onnxkit::dump_internal {
namespace {

bool IsConstantOp(const Node& node) {
  return node.op_type == "Constant" && (node.domain.empty() || node.domain == "ai.onnx");
}

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

Json PairsJson(const std::vector<StringPair>& pairs) {
  Json out = Json::array();
  for (const StringPair& kv : pairs) out.push_back({{"key", kv.key}, {"value", kv.value}});
  return out;
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

class DocumentBuilder {
 public:
  DocumentBuilder(const Model& model, const DumpOptions& options)
      : model_(model), options_(options), tensors_(options) {}

  Json Build() {
    Json doc;
    doc["model"] = ModelJson();
    doc["opset_import"] = OpsetsJson(model_.opset_import);
    doc["options"] = OptionsJson();
    const OpsetScope scope{&model_, nullptr};
    doc["graph"] = model_.graph ? GraphJson(*model_.graph, scope, 0) : Json(nullptr);
    Json functions = Json::array();
    for (const auto& fn : model_.functions) {
      Json f = FunctionJson(*fn);
      if (!Filtering() || !f["nodes"].empty()) functions.push_back(std::move(f));
    }
    doc["functions"] = std::move(functions);
    Json training = Json::array();
    for (const TrainingInfo& t : model_.training_info) training.push_back(TrainingJson(t, scope));
    doc["training_info"] = std::move(training);
    return doc;
  }

 private:
  Json ModelJson() const {
    Json m;
    m["ir_version"] = model_.ir_version;
    m["producer_name"] = model_.producer_name;
    m["producer_version"] = model_.producer_version;
    m["domain"] = model_.domain;
    m["model_version"] = model_.model_version;
    m["doc_string"] = model_.doc_string;
    m["metadata_props"] = PairsJson(model_.metadata_props);
    return m;
  }

  // The options that shaped the document, so that a reader knows what was left out.
  Json OptionsJson() const {
    static constexpr const char* kModes[] = {"none", "summary", "full"};
    Json o;
    o["initializers"] = kModes[static_cast<int>(options_.initializers)];
    o["stats_limit"] = options_.stats_limit;
    o["stats_budget"] = options_.stats_budget;
    o["max_depth"] = options_.max_depth;
    o["node"] = options_.node_names;
    o["op"] = options_.op_types;
    return o;
  }

  bool Filtering() const { return !options_.node_names.empty() || !options_.op_types.empty(); }

  bool Matches(const Node& node) const {
    auto listed = [](const std::vector<std::string>& list, const std::string& s) {
      return list.empty() || std::find(list.begin(), list.end(), s) != list.end();
    };
    return listed(options_.node_names, node.name) && listed(options_.op_types, node.op_type);
  }

  // Sub-graphs at `depth` are expanded when the depth limit allows.
  bool Expands(int depth) const { return options_.max_depth < 0 || depth <= options_.max_depth; }

  // Whether a sub-graph of `node` (in a graph at `depth`) that the dump expands holds a
  // matching node.
  bool HoldsMatch(const Node& node, int depth) const {
    if (!Expands(depth + 1)) return false;
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

  Json ValueDeclJson(const Value* v) const {
    Json out;
    out["name"] = v->name();
    out["type"] = v->type() ? Json(TypeToString(*v->type())) : Json(nullptr);
    if (v->initializer() || v->sparse_initializer()) out["initializer"] = true;
    if (!v->info().doc_string.empty()) out["doc_string"] = v->info().doc_string;
    return out;
  }

  Json DeclsJson(const std::vector<Value*>& values) const {
    Json out = Json::array();
    for (const Value* v : values) out.push_back(v ? ValueDeclJson(v) : Json(nullptr));
    return out;
  }

  Json GraphJson(const Graph& graph, const OpsetScope& scope, int depth) {
    Json g;
    g["name"] = graph.name;
    if (!graph.doc_string.empty()) g["doc_string"] = graph.doc_string;
    g["inputs"] = DeclsJson(graph.inputs());
    g["outputs"] = DeclsJson(graph.outputs());
    g["value_info_count"] = graph.value_info().size();
    g["node_count"] = graph.node_count();
    g["nodes"] = NodesJson(graph, scope, depth);
    g["initializer_count"] = graph.initializers().size();
    g["initializer_bytes"] = InitializerBytes(graph);
    if (options_.initializers != DumpOptions::Initializers::kNone) {
      g["initializers"] = InitializersJson(graph);
    }
    if (!graph.sparse_initializers().empty()) {
      g["sparse_initializer_count"] = graph.sparse_initializers().size();
      if (options_.initializers != DumpOptions::Initializers::kNone) {
        g["sparse_initializers"] = SparseInitializersJson(graph);
      }
    }
    return g;
  }

  Json NodesJson(const Graph& graph, const OpsetScope& scope, int depth) {
    Json nodes = Json::array();
    size_t index = 0;
    for (const Node* node : graph.nodes()) {
      const bool matches = Matches(*node);
      if (matches || HoldsMatch(*node, depth)) {
        if (matches) shown_.insert(node);
        nodes.push_back(NodeJson(*node, index, scope, depth, /*context=*/!matches));
      }
      ++index;
    }
    return nodes;
  }

  Json NodeJson(const Node& node, size_t index, const OpsetScope& scope, int depth, bool context) {
    const OpResolution resolution = ResolveOp(scope, node);
    Json n;
    n["index"] = index;
    n["name"] = node.name;
    n["op_type"] = node.op_type;
    n["domain"] = node.domain;
    n["resolution"] = ResolutionJson(resolution);
    if (context) n["context"] = true;
    n["inputs"] = InputsJson(node, resolution);
    n["outputs"] = OutputsJson(node, resolution);
    Json attributes = Json::array();
    for (const Attribute& a : node.attributes) {
      attributes.push_back(AttributeJson(node, a, resolution, scope, depth));
    }
    n["attributes"] = std::move(attributes);
    if (!node.doc_string.empty()) n["doc_string"] = node.doc_string;
    return n;
  }

  Json InputsJson(const Node& node, const OpResolution& resolution) {
    std::vector<std::string> labels = SlotLabels(resolution.inputs, node.inputs().size(), "input");
    Json out = Json::array();
    for (size_t i = 0; i < node.inputs().size(); ++i) {
      const Value* v = node.inputs()[i];
      Json slot;
      slot["label"] = labels[i];
      slot["name"] = v ? Json(v->name()) : Json(nullptr);
      if (v) {
        Json constant = ConstantJson(*v);
        if (!constant.is_null()) slot["constant"] = std::move(constant);
      }
      out.push_back(std::move(slot));
    }
    return out;
  }

  // What is known of a constant input: an initializer (a "default" when it is also a graph
  // input, which a caller may override), a sparse initializer, or a Constant node's output.
  Json ConstantJson(const Value& v) {
    if (const Tensor* t = v.initializer()) {
      Json c = {{"source", v.is_graph_input() ? "default" : "initializer"}};
      c.update(tensors_.SummarizeConstant(*t));
      return c;
    }
    if (const SparseTensor* st = v.sparse_initializer()) {
      Json c = {{"source", "sparse initializer"}};
      c["dims"] = st->dims;
      return c;
    }
    if (v.producer() && IsConstantOp(*v.producer())) {
      if (std::optional<Tensor> t = ConstantNodeTensor(*v.producer())) {
        Json c = {{"source", "Constant"}};
        c.update(tensors_.SummarizeConstant(*t));
        return c;
      }
    }
    return nullptr;
  }

  Json OutputsJson(const Node& node, const OpResolution& resolution) {
    std::vector<std::string> labels =
        SlotLabels(resolution.outputs, node.outputs().size(), "output");
    Json out = Json::array();
    for (size_t i = 0; i < node.outputs().size(); ++i) {
      const Value* v = node.outputs()[i];
      Json slot;
      slot["label"] = labels[i];
      slot["name"] = v ? Json(v->name()) : Json(nullptr);
      if (v) slot["type"] = v->type() ? Json(TypeToString(*v->type())) : Json(nullptr);
      out.push_back(std::move(slot));
    }
    return out;
  }

  Json SubgraphJson(const Graph& graph, const OpsetScope& scope, int depth) {
    if (!Expands(depth)) {
      return {{"name", graph.name}, {"node_count", graph.node_count()}, {"expanded", false}};
    }
    return GraphJson(graph, scope, depth);
  }

  Json AttributeValueJson(const Attribute& a, const OpsetScope& scope, int depth) {
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
      case AttributeType::kGraph: return a.g ? SubgraphJson(*a.g, scope, depth) : Json(nullptr);
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
      case AttributeType::kGraphs: {
        Json out = Json::array();
        for (const auto& g : a.graphs) out.push_back(SubgraphJson(*g, scope, depth));
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

  Json AttributeJson(const Node& node, const Attribute& a, const OpResolution& resolution,
                     const OpsetScope& scope, int depth) {
    Json out;
    out["name"] = a.name;
    out["type"] = AttributeTypeName(a.type);
    if (!a.ref_attr_name.empty()) {
      // Inside a function body: the value is the caller's attribute of that name.
      out["ref"] = a.ref_attr_name;
    } else {
      out["value"] = AttributeValueJson(a, scope, depth + 1);
      if (HoldsDataType(node, resolution, a))
        out["dtype"] = DataTypeName(static_cast<int32_t>(a.i));
    }
    if (!a.doc_string.empty()) out["doc_string"] = a.doc_string;
    return out;
  }

  // Whether the listing of `graph` shows initializer `v`: always, unless a filter is on;
  // then only those that a shown node reads.
  bool ListsInitializer(const Value& v) const {
    if (!Filtering()) return true;
    std::vector<Use> uses = v.uses();
    return std::any_of(uses.begin(), uses.end(),
                       [&](const Use& u) { return shown_.contains(u.node); });
  }

  Json InitializersJson(const Graph& graph) {
    Json out = Json::array();
    for (const Value* v : graph.initializers()) {
      if (!ListsInitializer(*v)) continue;
      const Tensor& t = *v->initializer();
      Json entry = {{"name", v->name()}};
      if (v->is_graph_input()) entry["graph_input"] = true;
      entry.update(tensors_.SummarizeInitializer(t));
      if (!t.doc_string.empty()) entry["doc_string"] = t.doc_string;
      out.push_back(std::move(entry));
    }
    return out;
  }

  Json SparseInitializersJson(const Graph& graph) {
    const bool full = options_.initializers == DumpOptions::Initializers::kFull;
    Json out = Json::array();
    for (const Value* v : graph.sparse_initializers()) {
      if (!ListsInitializer(*v)) continue;
      Json entry = {{"name", v->name()}};
      entry.update(tensors_.SummarizeSparse(*v->sparse_initializer(), full));
      out.push_back(std::move(entry));
    }
    return out;
  }

  Json FunctionJson(const Function& fn) {
    Json f;
    f["name"] = fn.name;
    f["domain"] = fn.domain;
    if (!fn.doc_string.empty()) f["doc_string"] = fn.doc_string;
    Json inputs = Json::array(), outputs = Json::array();
    for (const Value* v : fn.body->inputs()) inputs.push_back(v ? v->name() : "");
    for (const Value* v : fn.body->outputs()) outputs.push_back(v ? v->name() : "");
    f["inputs"] = std::move(inputs);
    f["outputs"] = std::move(outputs);
    const OpsetScope scope{&model_, &fn.opset_import};
    f["attributes"] = fn.attributes;
    // IR 9: formal attributes with a default value, used when a call site omits them.
    Json defaults = Json::array();
    for (const Attribute& a : fn.attribute_defaults) {
      defaults.push_back({{"name", a.name},
                          {"type", AttributeTypeName(a.type)},
                          {"value", AttributeValueJson(a, scope, 1)}});
    }
    f["attribute_defaults"] = std::move(defaults);
    f["opset_import"] = OpsetsJson(fn.opset_import);
    f["node_count"] = fn.body->node_count();
    f["nodes"] = NodesJson(*fn.body, scope, 0);
    return f;
  }

  Json TrainingJson(const TrainingInfo& t, const OpsetScope& scope) {
    Json out;
    out["initialization"] =
        t.initialization ? GraphJson(*t.initialization, scope, 0) : Json(nullptr);
    out["initialization_binding"] = PairsJson(t.initialization_binding);
    out["algorithm"] = t.algorithm ? GraphJson(*t.algorithm, scope, 0) : Json(nullptr);
    out["update_binding"] = PairsJson(t.update_binding);
    return out;
  }

  const Model& model_;
  const DumpOptions& options_;
  TensorSummarizer tensors_;
  // Nodes that match the filters (all nodes without filters), for the initializer listings.
  std::unordered_set<const Node*> shown_;
};

}  // namespace

Json BuildDocument(const Model& model, const DumpOptions& options) {
  return DocumentBuilder(model, options).Build();
}

std::string PrintJson(const Json& document) {
  return document.dump(2, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace) + "\n";
}

}  // namespace onnxkit::dump_internal
