// The in-memory model: a graph of Values and Nodes, not of names.
//
// A Value has one producer (a node output, a graph input, an initializer, or nothing when a
// name is used but never defined) and a use list of (node, input index) that every mutation
// keeps up to date. Names are labels: renaming a value is one assignment and every reference
// follows. Sub-graphs (If/Loop/Scan bodies) are Graphs owned by a node's attribute; a name a
// sub-graph does not define resolves in the enclosing graphs, as the ONNX spec says, so a
// node inside a sub-graph can use a Value of an outer graph.
//
// Everything the file had is kept: fields the IR does not model travel as `Preserved` bytes
// on the element they came with and are written back in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/preserved.h"
#include "onnxkit/tensor.h"

namespace onnxkit {

class Graph;
class Node;

// A view of a container of std::unique_ptr<T> that yields T*: how a Graph hands out the
// nodes and values it owns. (Not std::views::transform: clang 14 cannot compile
// libstdc++ 12's ranges, and consumers of this header may use either compiler.)
template <typename T, typename Iterator>
class PointerRange {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T*;
    using difference_type = std::ptrdiff_t;
    using pointer = T**;
    using reference = T*;
    iterator() = default;
    explicit iterator(Iterator it) : it_(it) {}
    T* operator*() const { return it_->get(); }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++it_;
      return old;
    }
    bool operator==(const iterator& other) const { return it_ == other.it_; }
    bool operator!=(const iterator& other) const { return it_ != other.it_; }

   private:
    Iterator it_{};
  };
  PointerRange(Iterator begin, Iterator end) : begin_(begin), end_(end) {}
  iterator begin() const { return iterator(begin_); }
  iterator end() const { return iterator(end_); }

 private:
  Iterator begin_, end_;
};

// TensorShapeProto.Dimension: a number, a symbol, or unknown.
struct Dim {
  enum class Kind { kUnknown, kValue, kParam };
  Kind kind = Kind::kUnknown;
  int64_t value = 0;
  std::string param;
  std::string denotation;
  Preserved preserved;

  static Dim Value(int64_t v) { return {Kind::kValue, v, {}, {}, {}}; }
  static Dim Param(std::string p) { return {Kind::kParam, 0, std::move(p), {}, {}}; }
};

struct Shape {
  std::vector<Dim> dims;
  Preserved preserved;
};

// TypeProto. `element` holds the one nested type of a sequence, optional or map value.
struct Type {
  enum class Kind { kNone, kTensor, kSequence, kMap, kOptional, kSparseTensor, kOpaque };
  Kind kind = Kind::kNone;
  int32_t elem_type = 0;       // tensor / sparse tensor element type; map key type
  std::optional<Shape> shape;  // tensor / sparse tensor; absent = rank unknown
  std::vector<Type> element;   // sequence / optional element, map value (0 or 1 entries)
  std::string opaque_domain;   // opaque
  std::string opaque_name;     // opaque
  std::string denotation;
  Preserved preserved;        // of the TypeProto
  Preserved inner_preserved;  // of TypeProto.Tensor / .Sequence / .Map / …

  static Type Tensor(DataType dtype, std::vector<Dim> dims);
  const Type* element_type() const { return element.empty() ? nullptr : &element.front(); }
};

// "float32[1,3,N,?]", "seq(float32[?])", "map(int64,float32[])", "?" for no type.
std::string TypeToString(const Type& type);

// The declaration of a value: a graph input or output, or a value_info entry.
struct ValueInfo {
  bool has_type = false;
  Type type;
  std::string doc_string;
  Preserved preserved;
};

enum class AttributeType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kInt = 2,
  kString = 3,
  kTensor = 4,
  kGraph = 5,
  kFloats = 6,
  kInts = 7,
  kStrings = 8,
  kTensors = 9,
  kGraphs = 10,
  kSparseTensor = 11,
  kSparseTensors = 12,
  kTypeProto = 13,
  kTypeProtos = 14,
};
std::string_view AttributeTypeName(AttributeType type);

// AttributeProto. Move-only: graph attributes own their sub-graphs.
struct Attribute {
  std::string name;
  std::string ref_attr_name;
  std::string doc_string;
  AttributeType type = AttributeType::kUndefined;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::optional<Tensor> t;
  std::unique_ptr<Graph> g;
  std::optional<SparseTensor> sparse_tensor;
  std::optional<Type> tp;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<Tensor> tensors;
  std::vector<std::unique_ptr<Graph>> graphs;
  std::vector<SparseTensor> sparse_tensors;
  std::vector<Type> type_protos;
  Preserved preserved;

  Attribute();
  Attribute(Attribute&&) noexcept;
  Attribute& operator=(Attribute&&) noexcept;
  ~Attribute();
};

struct Use {
  Node* node;
  int input_index;
  bool operator==(const Use&) const = default;
};

class Value {
 public:
  enum class Kind { kGraphInput, kInitializer, kNodeOutput, kUndefined };

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  Kind kind() const { return kind_; }
  Graph* graph() const { return graph_; }
  // The node that produces this value (kNodeOutput only) and which of its outputs it is.
  Node* producer() const { return producer_; }
  int producer_index() const { return producer_index_; }
  // Uses in input order of insertion; a snapshot is safe to iterate while mutating.
  const std::vector<Use>& uses() const { return uses_; }
  bool has_uses() const { return !uses_.empty(); }
  bool is_graph_input() const { return is_graph_input_; }
  // The constant data of an initializer (nullptr otherwise).
  const Tensor* initializer() const { return initializer_.get(); }
  Tensor* mutable_initializer() { return initializer_.get(); }
  const SparseTensor* sparse_initializer() const { return sparse_initializer_.get(); }
  // The declared type and doc string (from a graph input, a value_info or output entry).
  const ValueInfo& info() const { return info_; }
  ValueInfo& mutable_info() { return info_; }
  const Type* type() const { return info_.has_type ? &info_.type : nullptr; }

  // Makes every use of this value a use of `other`. O(number of uses).
  void ReplaceAllUsesWith(Value* other);

 private:
  friend class Graph;
  friend class Node;
  std::string name_;
  Kind kind_ = Kind::kUndefined;
  Graph* graph_ = nullptr;
  Node* producer_ = nullptr;
  int producer_index_ = -1;
  bool is_graph_input_ = false;
  std::vector<Use> uses_;
  std::unique_ptr<Tensor> initializer_;
  std::unique_ptr<SparseTensor> sparse_initializer_;
  ValueInfo info_;
};

class Node {
 public:
  std::string op_type;
  std::string domain;
  std::string name;
  std::string doc_string;
  std::vector<Attribute> attributes;
  Preserved preserved;

  Graph* graph() const { return graph_; }
  // Inputs in order; nullptr stands for an omitted optional input (an empty name).
  const std::vector<Value*>& inputs() const { return inputs_; }
  // Outputs in order; nullptr stands for an omitted optional output.
  const std::vector<Value*>& outputs() const { return outputs_; }
  Value* input(size_t i) const { return i < inputs_.size() ? inputs_[i] : nullptr; }
  Value* output(size_t i) const { return i < outputs_.size() ? outputs_[i] : nullptr; }

  void SetInput(size_t index, Value* value);
  void AddInput(Value* value);
  // The attribute of that name, or nullptr.
  const Attribute* FindAttribute(std::string_view attr_name) const;
  Attribute* FindAttribute(std::string_view attr_name);

 private:
  friend class Graph;
  Graph* graph_ = nullptr;
  std::list<std::unique_ptr<Node>>::iterator self_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
};

struct TensorAnnotation {
  std::string tensor_name;
  std::vector<StringPair> quant_parameter_tensor_names;
  Preserved preserved;
};

class Graph {
 public:
  std::string name;
  std::string doc_string;
  std::vector<TensorAnnotation> quantization_annotation;
  Preserved preserved;

  explicit Graph(Graph* parent = nullptr);
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // The graph this one is nested in (through a node attribute), or nullptr.
  Graph* parent() const { return parent_; }
  void set_parent(Graph* parent) { parent_ = parent; }

  using NodeRange = PointerRange<Node, std::list<std::unique_ptr<Node>>::const_iterator>;
  using ValueRange = PointerRange<Value, std::vector<std::unique_ptr<Value>>::const_iterator>;

  // The nodes in order, as Node*.
  NodeRange nodes() const { return {nodes_.begin(), nodes_.end()}; }
  size_t node_count() const { return nodes_.size(); }
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  const std::vector<Value*>& initializers() const { return initializers_; }
  const std::vector<Value*>& sparse_initializers() const { return sparse_initializers_; }
  const std::vector<Value*>& value_info() const { return value_info_; }
  // Every value this graph owns, in creation order.
  ValueRange values() const { return {values_.begin(), values_.end()}; }

  // Construction and mutation. Each keeps producers and use lists consistent.
  Value* AddInput(std::string value_name, ValueInfo info = {});
  Value* AddInitializer(Tensor tensor);
  // Makes an existing graph input also carry an initializer (an overridable default).
  void AttachInitializer(Value* input, Tensor tensor);
  Value* AddSparseInitializer(std::string value_name, SparseTensor tensor);
  // A value for a name used but defined nowhere (kept so that such models still round-trip).
  Value* AddUndefined(std::string value_name);
  void AddOutput(Value* value);
  void SetOutput(size_t index, Value* value);
  void AddValueInfo(Value* value);
  // Adds an output slot to `node` for a new value named `value_name` ("" = omitted output,
  // returns nullptr).
  Value* AddNodeOutput(Node* node, std::string value_name);
  // Appends a node with `output_count` outputs named by `output_names` ("" = omitted).
  Node* AppendNode(std::string op_type, const std::vector<Value*>& inputs,
                   const std::vector<std::string>& output_names, std::string domain = "");
  Node* InsertNodeBefore(Node* before, std::string op_type, const std::vector<Value*>& inputs,
                         const std::vector<std::string>& output_names, std::string domain = "");
  // Removes a node whose outputs have no uses; an error otherwise (the graph is unchanged).
  Status RemoveNode(Node* node);

  // Looks `value_name` up in this graph and then in the enclosing ones (nullptr if none).
  Value* Lookup(std::string_view value_name) const;

  // Declarations whose ValueInfo differs from the value's own info (a value declared twice,
  // e.g. as a graph input and again in value_info); kept only so that such a model
  // round-trips. `index` is the position in inputs(), outputs() or value_info().
  struct InfoOverride {
    size_t index;
    ValueInfo info;
  };
  std::vector<InfoOverride> input_info_overrides;
  std::vector<InfoOverride> output_info_overrides;
  std::vector<InfoOverride> value_info_overrides;

  // Asserts the invariants (uses match inputs, producers match outputs); for tests.
  Status Verify() const;

 private:
  Value* NewValue(std::string value_name, Value::Kind kind);
  Node* CreateNode(std::list<std::unique_ptr<Node>>::iterator pos, std::string op_type,
                   const std::vector<Value*>& inputs, const std::vector<std::string>& output_names,
                   std::string domain);
  Graph* parent_ = nullptr;
  std::list<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Value>> values_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::vector<Value*> initializers_;
  std::vector<Value*> sparse_initializers_;
  std::vector<Value*> value_info_;
};

struct OpsetImport {
  std::string domain;
  int64_t version = 0;
  Preserved preserved;
};

// A model-local function. Its body is a Graph whose inputs are the function's formal
// inputs (names only: FunctionProto declares no types) and whose outputs are its outputs.
struct Function {
  std::string name;
  std::string domain;
  std::string doc_string;
  std::vector<std::string> attributes;  // formal attribute names (no default)
  // Formal attributes with a default value (FunctionProto.attribute_proto, IR 9).
  std::vector<Attribute> attribute_defaults;
  std::vector<OpsetImport> opset_import;
  std::unique_ptr<Graph> body = std::make_unique<Graph>();
  Preserved preserved;
};

struct TrainingInfo {
  std::unique_ptr<Graph> initialization;
  std::unique_ptr<Graph> algorithm;
  std::vector<StringPair> initialization_binding;
  std::vector<StringPair> update_binding;
  Preserved preserved;
};

// The version `imports` give `domain` ("" and "ai.onnx" are the same domain), or nullopt.
std::optional<int64_t> FindOpsetVersion(const std::vector<OpsetImport>& imports,
                                        std::string_view domain);

class Model {
 public:
  int64_t ir_version = 0;
  std::vector<OpsetImport> opset_import;
  std::string producer_name;
  std::string producer_version;
  std::string domain;
  int64_t model_version = 0;
  std::string doc_string;
  std::unique_ptr<Graph> graph;  // nullptr when the file has none
  std::vector<StringPair> metadata_props;
  std::vector<TrainingInfo> training_info;
  std::vector<std::unique_ptr<Function>> functions;
  Preserved preserved;

  // The folder external-data locations are relative to ("" for a model read from bytes).
  std::string base_dir;
  // The file the model was read from (a regular file, also through stdin), so that SaveFile
  // can refuse to write over it. Set by the loader.
  std::optional<FileId> source_file;

  // The version imported for `domain` ("" and "ai.onnx" are the same domain); nullopt if none.
  std::optional<int64_t> OpsetVersion(std::string_view domain) const;
  // The model-local function (domain, name), or nullptr.
  const Function* FindFunction(std::string_view domain, std::string_view name) const;
};

// Where a tensor sits, for messages: "graph.initializer 'W'", "node 'c0' attribute 'value'".
struct TensorSite {
  const Graph* graph;  // the graph that holds it (nullptr for none)
  std::string description;
};

// Visits every graph of the model: the main graph, sub-graphs at any depth, function
// bodies and training graphs, parents before children.
void ForEachGraph(const Model& model, const std::function<void(const Graph&)>& fn);
// Visits every tensor of the model: dense and sparse initializers and attribute tensors,
// in every graph that ForEachGraph visits.
void ForEachTensor(const Model& model,
                   const std::function<void(const Tensor&, const TensorSite&)>& fn);

}  // namespace onnxkit
