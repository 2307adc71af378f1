// The dump document (internal): everything `onnxkit dump` shows, as JSON values with a fixed
// key order. DumpJson prints it; DumpText renders it as text, so the two forms always carry
// the same information.
//
// The document is never built whole: a model of a million nodes would need gigabytes for
// it. The printers walk its shape and ask the builder for one piece at a time (the header,
// a graph's head, one node, one initializer), print it and let it go, so memory stays
// bounded by the largest piece. A node's expanded sub-graphs are not part of its piece: the
// printers stream them in its place (see NodeJson).
#pragma once

#include <absl/container/node_hash_map.h>

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

#include "dump/schema_names.h"
#include "dump/tensor_summary.h"
#include "onnxkit/dump.h"
#include "onnxkit/ir.h"

namespace onnxkit::dump_internal {

// A graph of the document: which graph, the opsets its nodes see, and how deep it is nested
// (0 for the main graph, function bodies and training graphs).
struct GraphRef {
  const Graph* graph;
  OpsetScope scope;
  int depth;
};

// What the dump shows of one node, gathered once for both forms: NodeJson turns it into the
// document's piece and the text form renders it directly, without the JSON in between (a
// large graph's node list is most of a dump's time). Values whose display rules live in
// the JSON helpers (constant summaries, attribute values) stay JSON here.
struct NodeFacts {
  struct Slot {
    std::string label;   // the formal parameter's name (SlotLabels)
    const Value* value;  // nullptr: an omitted optional slot
    Json constant;       // inputs: ConstantJson, null unless a known constant
  };
  struct AttributeFacts {
    const Attribute* attribute;
    Json value;         // AttributeValueJson; unused for a reference (ref_attr_name)
    std::string dtype;  // the type's name when the int holds a DataType, else ""
  };
  const Node* node;
  size_t index;                    // in its graph
  bool context;                    // listed only because it holds a matching node
  const OpResolution* resolution;  // owned by the builder, shared by nodes of the same op
  std::vector<Slot> inputs;
  std::vector<Slot> outputs;
  std::vector<AttributeFacts> attributes;
  // {[metadata_props], [device_configurations]}: rare, kept as JSON for both forms.
  Json extras;
};

class DocumentBuilder {
 public:
  DocumentBuilder(const Model& model, const DumpOptions& options);

  // {model, opset_import, options}.
  Json Header() const;
  const Model& model() const { return model_; }
  const DumpOptions& options() const { return options_; }

  // The main graph and each training graph (present ones only), at depth 0.
  GraphRef MainGraph() const;
  GraphRef TrainingGraph(const Graph& graph) const;

  // {name, [doc_string], inputs, outputs, value_info_count, node_count}.
  Json GraphHead(const Graph& graph) const;
  // How many of the graph's nodes the document lists (all, unless a filter is on).
  size_t ListedNodeCount(const GraphRef& g) const;
  // Calls `fn` for each listed node in order, with its index in the graph and whether it is
  // listed only as context (it holds a matching node). Remembers the listed nodes for the
  // initializer listings of a filtered dump.
  void ForEachListedNode(const GraphRef& g,
                         const std::function<void(const Node&, size_t, bool)>& fn);
  // {index, name, op_type, domain, resolution, [context], inputs, outputs, attributes,
  // [doc_string]}. The value of a graph or graphs attribute is null here: the printers
  // stream its graphs in its place (StreamsGraphs).
  Json NodeJson(const Node& node, size_t index, const GraphRef& g, bool context) {
    return NodeJson(Facts(node, index, g, context));
  }
  static Json NodeJson(NodeFacts facts);
  // What NodeJson shows, before it is JSON.
  NodeFacts Facts(const Node& node, size_t index, const GraphRef& g, bool context);
  // Whether a printer streams this attribute's graphs into its "value": a graph or graphs
  // attribute that holds them and is not a reference to a function's attribute.
  static bool StreamsGraphs(const Attribute& a);
  // A graph held by an attribute of a node of `parent`; expanded when Expands() says so,
  // otherwise CollapsedGraph() stands for it.
  GraphRef Subgraph(const Graph& graph, const GraphRef& parent) const;
  bool Expands(const GraphRef& g) const;
  static Json CollapsedGraph(const Graph& graph);

  // {initializer_count, initializer_bytes}.
  static Json InitializerTotals(const Graph& graph);
  // Whether graphs list their initializers (not with --initializers=none).
  bool ListsInitializers() const;
  // The initializers of `graph` that the listing shows (all of them unless filtered).
  std::vector<const Value*> ListedInitializers(const Graph& graph) const;
  // An initializer's entry without reading its data: {name, [graph_input], dtype, dims,
  // [bytes], [external]} (what the text form needs to align its table).
  Json InitializerHead(const Value& v);
  // The whole entry: the head's fields, then values and statistics as the options say.
  Json InitializerJson(const Value& v);
  // An entry's "values" is null when the printer lists them with ForEachValueChunk.
  static bool ValuesStreamed(const Json& entry) {
    return entry.contains("values") && entry["values"].is_null();
  }
  Status ForEachValueChunk(const Value& v, const std::function<void(Json)>& fn) const {
    return tensors_.ForEachValueChunk(*v.initializer(), fn);
  }
  // {sparse_initializer_count, [sparse_initializers]} when the graph has any, else null.
  Json SparseInitializers(const Graph& graph);

  // The functions the document lists: all, or with a filter those with a listed node.
  std::vector<const Function*> ListedFunctions() const;
  // {name, domain, [doc_string], inputs, outputs, attributes, attribute_defaults,
  // opset_import, node_count}; graph-valued defaults are streamed like node attributes.
  Json FunctionHead(const Function& fn);
  GraphRef FunctionBody(const Function& fn) const;

 private:
  bool Filtering() const;
  bool Matches(const Node& node) const;
  bool HoldsMatch(const Node& node, int depth) const;
  Json ConstantJson(const Value& v);
  Json AttributeValueJson(const Attribute& a);
  // ResolveOp, once per distinct op of a scope: a graph repeats a few ops many times, and
  // each resolution copies the schema's parameter names.
  const OpResolution& Resolve(const GraphRef& g, const Node& node);
  bool ListsInitializer(const Value& v) const;

  const Model& model_;
  const DumpOptions& options_;
  const util::FunctionIndex functions_;
  TensorSummarizer tensors_;
  // With a filter: the nodes that match, for the initializer listings.
  std::unordered_set<const Node*> shown_;
  // Resolve's cache: (the scope's function opsets, domain, op_type, overload), the strings
  // those of the first node seen (the model outlives the builder).
  using OpKey = std::tuple<const void*, std::string_view, std::string_view, std::string_view>;
  absl::node_hash_map<OpKey, OpResolution> resolutions_;
};

// Prints JSON values to a stream as the nlohmann library's dump(2) would print the whole
// document: two-space indent, `"key": value`, empty containers as `[]` / `{}`. Containers
// are opened and closed explicitly, so a document can be written piece by piece. Strings
// that are not valid UTF-8 are escaped (onnxkit/escape.h: ValidUtf8).
class JsonStream {
 public:
  explicit JsonStream(std::ostream& out) : out_(out) {}
  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // The key of the next member of the current object.
  void Key(std::string_view key);
  // A complete value: an array element, or the value of the last Key.
  void Value(Json value);
  void Member(std::string_view key, Json value) {
    Key(key);
    Value(std::move(value));
  }
  // Every member of `object` as members of the current object.
  void Members(Json object);

 private:
  void Open(char bracket);
  void Close(char bracket);
  // Before a key or an array element: the separator and the indentation.
  void NextItem();
  std::ostream& out_;
  std::vector<size_t> items_;  // per open container: items written so far
  bool after_key_ = false;
};

// [{key, value}].
Json PairsJson(const std::vector<StringPair>& pairs);
// Sets out["metadata_props"] to PairsJson(props) when there are any.
void AddMetadata(Json& out, const MetadataProps& props);

// Replaces every string of `value` (keys too) that is not valid UTF-8 by its ValidUtf8 form.
void MakeValidUtf8(Json& value);

// Prints a complete value as JSON (two-space indent, strings made valid UTF-8) and a newline.
std::string PrintJson(Json document);

}  // namespace onnxkit::dump_internal
