#include "onnxkit/clone.h"

namespace onnxkit {
namespace {

class Cloner {
 public:
  Cloner(ValueMap& map, NameTable* names) : map_(map), names_(names) {}

  std::string NameFor(const std::string& name) const { return names_ ? names_->Fresh(name) : name; }

  // The value a copy in `into` reads for `v`: its copy, a new copy of an undefined value of
  // `source` (when copying into another graph), or `v` itself (an outer value).
  Value* Map(Value* v, Graph& into, const Graph* source) {
    if (!v) return nullptr;
    if (auto it = map_.find(v); it != map_.end()) return it->second;
    if (v->graph() == source && &into != source && v->kind() == Value::Kind::kUndefined) {
      Value* copy = into.AddUndefined(v->name());
      copy->mutable_info() = v->info();
      map_.emplace(v, copy);
      return copy;
    }
    return v;
  }

  // A node with the source's fields and outputs, but no inputs or attributes yet.
  Node* Shell(const Node& node, Graph& into, Node* before) {
    std::vector<std::string> outputs;
    for (const Value* v : node.outputs()) outputs.push_back(v ? NameFor(v->name()) : "");
    Node* copy = before ? into.InsertNodeBefore(before, node.op_type, {}, outputs, node.domain)
                        : into.AppendNode(node.op_type, {}, outputs, node.domain);
    copy->name = node.name;
    copy->doc_string = node.doc_string;
    copy->overload = node.overload;
    copy->metadata_props = node.metadata_props;
    copy->device_configurations = node.device_configurations;
    copy->preserved = node.preserved;
    for (size_t i = 0; i < node.outputs().size(); ++i) {
      if (const Value* v = node.output(i)) {
        copy->output(i)->mutable_info() = v->info();
        map_.emplace(v, copy->output(i));
      }
    }
    return copy;
  }

  // Inputs and attributes, once every value the node may read has its copy.
  void Fill(const Node& node, Node& copy) {
    for (Value* v : node.inputs()) copy.AddInput(Map(v, *copy.graph(), node.graph()));
    for (const Attribute& a : node.attributes)
      copy.attributes.push_back(CopyAttribute(a, copy.graph()));
  }

  Attribute CopyAttribute(const Attribute& a, Graph* owner) {
    Attribute out;
    out.name = a.name;
    out.ref_attr_name = a.ref_attr_name;
    out.doc_string = a.doc_string;
    out.type = a.type;
    out.f = a.f;
    out.i = a.i;
    out.s = a.s;
    out.t = a.t;
    if (a.g) out.g = CopyGraph(*a.g, owner);
    out.sparse_tensor = a.sparse_tensor;
    out.tp = a.tp;
    out.floats = a.floats;
    out.ints = a.ints;
    out.strings = a.strings;
    out.tensors = a.tensors;
    for (const auto& g : a.graphs) out.graphs.push_back(CopyGraph(*g, owner));
    out.sparse_tensors = a.sparse_tensors;
    out.type_protos = a.type_protos;
    out.preserved = a.preserved;
    return out;
  }

  std::unique_ptr<Graph> CopyGraph(const Graph& source, Graph* parent) {
    auto g = std::make_unique<Graph>(parent);
    g->name = source.name;
    g->doc_string = source.doc_string;
    g->quantization_annotation = source.quantization_annotation;
    g->metadata_props = source.metadata_props;
    g->preserved = source.preserved;
    g->input_info_overrides = source.input_info_overrides;
    g->output_info_overrides = source.output_info_overrides;
    g->value_info_overrides = source.value_info_overrides;
    for (const Value* v : source.inputs()) {
      map_.emplace(v, g->AddInput(NameFor(v->name()), v->info()));
    }
    for (const Value* v : source.initializers()) {
      if (v->is_graph_input()) {
        g->AttachInitializer(map_.at(v), *v->initializer());
        continue;
      }
      Value* copy = g->AddInitializer(*v->initializer());
      copy->set_name(NameFor(v->name()));
      copy->mutable_info() = v->info();
      map_.emplace(v, copy);
    }
    for (const Value* v : source.sparse_initializers()) {
      Value* copy = g->AddSparseInitializer(NameFor(v->name()), *v->sparse_initializer());
      copy->mutable_info() = v->info();
      map_.emplace(v, copy);
    }
    // Names used but defined nowhere, before any sub-graph copy may read them.
    for (Value* v : source.values()) {
      if (v->kind() == Value::Kind::kUndefined && (v->has_uses() || v->is_graph_output())) {
        Map(v, *g, &source);
      }
    }
    // All definitions first, so that reads resolve whatever the node order.
    std::vector<std::pair<const Node*, Node*>> nodes;
    for (const Node* n : source.nodes()) nodes.emplace_back(n, Shell(*n, *g, nullptr));
    for (auto [n, copy] : nodes) Fill(*n, *copy);
    for (Value* v : source.outputs()) g->AddOutput(Map(v, *g, &source));
    for (Value* v : source.value_info()) g->AddValueInfo(Map(v, *g, &source));
    return g;
  }

 private:
  ValueMap& map_;
  NameTable* names_;
};

}  // namespace

Node* CloneNode(const Node& node, Graph& into, Node* before, ValueMap& map, NameTable* names) {
  Cloner cloner(map, names);
  Node* copy = cloner.Shell(node, into, before);
  cloner.Fill(node, *copy);
  return copy;
}

std::unique_ptr<Graph> CloneGraph(const Graph& graph, Graph* parent, ValueMap& map,
                                  NameTable* names) {
  return Cloner(map, names).CopyGraph(graph, parent);
}

Attribute CloneAttribute(const Attribute& attribute, Graph* owner, ValueMap& map,
                         NameTable* names) {
  return Cloner(map, names).CopyAttribute(attribute, owner);
}

}  // namespace onnxkit
