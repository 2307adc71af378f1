// strip: doc strings, metadata and stale value_info out of a model.
#include <functional>

#include "onnxkit/edit.h"
#include "surgery/scope.h"

namespace onnxkit {
namespace {

void AddWithSubgraphs(Graph* graph, std::vector<Graph*>& graphs) {
  graphs.push_back(graph);
  for (Node* node : graph->nodes()) {
    for (Graph* sub : node->subgraphs()) AddWithSubgraphs(sub, graphs);
  }
}

// The model's scope and every function body, with their sub-graphs.
std::vector<Graph*> AllGraphs(Model& model) {
  std::vector<Graph*> graphs = surgery::ScopeGraphs(model);
  for (auto& function : model.functions) AddWithSubgraphs(function->body.get(), graphs);
  return graphs;
}

class Stripper {
 public:
  Stripper(const StripOptions& options, StripReport& report) : options_(options), report_(report) {}

  void Doc(std::string& doc) {
    if (!options_.doc_strings || doc.empty()) return;
    doc.clear();
    ++report_.doc_strings;
  }
  template <typename Pairs>
  void Metadata(Pairs& props) {
    if (!options_.metadata || props.empty()) return;
    report_.metadata_props += props.size();
    props.clear();
  }
  void Info(ValueInfo& info) {
    Doc(info.doc_string);
    Metadata(info.metadata_props);
  }
  void TensorFields(Tensor& tensor) {
    Doc(tensor.doc_string);
    Metadata(tensor.metadata_props);
  }
  void Node(onnxkit::Node& node) {
    Doc(node.doc_string);
    Metadata(node.metadata_props);
    for (Attribute& attribute : node.attributes) {
      Doc(attribute.doc_string);
      if (attribute.t) TensorFields(*attribute.t);
      for (Tensor& t : attribute.tensors) TensorFields(t);
    }
  }
  void Graph(onnxkit::Graph& graph) {
    Doc(graph.doc_string);
    Metadata(graph.metadata_props);
    for (Value* v : graph.values()) {
      Info(v->mutable_info());
      if (Tensor* t = v->mutable_initializer()) TensorFields(*t);
    }
    for (auto* overrides :
         {&graph.input_info_overrides, &graph.output_info_overrides, &graph.value_info_overrides}) {
      for (onnxkit::Graph::InfoOverride& o : *overrides) Info(o.info);
    }
    for (onnxkit::Node* node : graph.nodes()) Node(*node);
    ValueInfoEntries(graph);
  }

 private:
  static bool Unused(const Value& v) {
    return v.kind() == Value::Kind::kUndefined || (!v.has_uses() && !v.is_graph_output());
  }
  void ValueInfoEntries(onnxkit::Graph& graph) {
    if (!options_.unused_value_info && !options_.all_value_info) return;
    for (size_t i = graph.value_info().size(); i-- > 0;) {
      if (!options_.all_value_info && !Unused(*graph.value_info()[i])) continue;
      if (graph.RemoveValueInfo(i).ok()) ++report_.value_info;
    }
  }

  const StripOptions& options_;
  StripReport& report_;
};

}  // namespace

StripReport Strip(Model& model, const StripOptions& options) {
  StripReport report;
  Stripper strip(options, report);
  strip.Doc(model.doc_string);
  strip.Metadata(model.metadata_props);
  for (auto& function : model.functions) {
    strip.Doc(function->doc_string);
    strip.Metadata(function->metadata_props);
    for (Attribute& attribute : function->attribute_defaults) strip.Doc(attribute.doc_string);
  }
  for (Graph* graph : AllGraphs(model)) strip.Graph(*graph);
  return report;
}

}  // namespace onnxkit
