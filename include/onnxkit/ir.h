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
//
// Mutation. Every change goes through the API so that the invariants hold after each call
// (`Graph::Verify()` checks them): a use is added and removed in one place (Node::SetInput),
// a removed node takes the uses of its sub-graphs with it, a graph that dies detaches the
// uses its nodes made of outer values, and `Value::uses()` hands out a copy, so a loop over
// it may rewrite those very uses. Removals are all-or-nothing: a refused removal changes
// nothing. Values are never freed while their graph lives (a removed node's outputs become
// undefined values), so a pointer a pass holds stays valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/preserved.h"
#include "onnxkit/tensor.h"

namespace onnxkit {

class Graph;
class Node;

// The one spelling of a domain: "ai.onnx" is another name of the default domain "".
std::string_view NormalDomain(std::string_view domain);
// Whether two domain names name the same domain ("" and "ai.onnx" do).
bool SameDomain(std::string_view a, std::string_view b);

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

// Named metadata (`metadata_props`, IR 10 on nodes, graphs, values, tensors and functions;
// the model has had it since IR 3): key/value pairs in file order, duplicates kept.
using MetadataProps = std::vector<StringPair>;

// The declaration of a value: a graph input or output, or a value_info entry.
struct ValueInfo {
  bool has_type = false;
  Type type;
  std::string doc_string;
  MetadataProps metadata_props;
  Preserved preserved;
};

// Multi-device execution (IR 10): the model's device configurations and, per node, how it
// runs on them. Modelled field for field (ModelProto.configuration,
// NodeProto.device_configurations) so that passes can keep, copy or drop them; nothing in
// onnxkit interprets them beyond checking and showing.
struct DeviceConfiguration {  // DeviceConfigurationProto
  std::string name;
  int32_t num_devices = 0;
  std::vector<std::string> devices;  // `device`: names, num_devices of them when given
  Preserved preserved;
};

// SimpleShardedDimProto: `dim` (a number, a symbol, or neither) split into num_shards.
struct SimpleShardedDim {
  Dim dim;  // value or param only; its denotation and preserved are unused
  int64_t num_shards = 0;
  Preserved preserved;
};

struct ShardedDim {  // ShardedDimProto
  int64_t axis = 0;
  std::vector<SimpleShardedDim> simple_sharding;
  Preserved preserved;
};

struct DeviceGroup {  // IntIntListEntryProto: device index -> the devices of its group
  int64_t key = 0;
  std::vector<int64_t> devices;  // `value`
  Preserved preserved;
};

struct ShardingSpec {  // ShardingSpecProto, for one input or output of the node
  std::string tensor_name;
  std::vector<int64_t> devices;  // `device`
  std::vector<DeviceGroup> index_to_device_group_map;
  std::vector<ShardedDim> sharded_dim;
  Preserved preserved;
};

struct NodeDeviceConfiguration {  // NodeDeviceConfigurationProto
  std::string configuration_id;   // names a DeviceConfiguration of the model
  std::vector<ShardingSpec> sharding_spec;
  int32_t pipeline_stage = 0;
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

  // Builders: an attribute of that type holding `value`, as a program would create it.
  static Attribute Float(std::string name, float value);
  static Attribute Int(std::string name, int64_t value);
  static Attribute String(std::string name, std::string value);
  static Attribute Floats(std::string name, std::vector<float> values);
  static Attribute Ints(std::string name, std::vector<int64_t> values);
  static Attribute Strings(std::string name, std::vector<std::string> values);
  static Attribute OfTensor(std::string name, onnxkit::Tensor value);
  static Attribute OfGraph(std::string name, std::unique_ptr<Graph> value);

  // Whether the field of type `field` carries a value. For the scalar fields f, i and s:
  // when the file had the field, or when `type` names it and was set by a program (then 0
  // and "" are values; a reference, `ref_attr_name`, holds none). For a type read from a
  // file, the file says which fields exist, so a file giving its value in the wrong field
  // can be reported. The other fields carry a value when set or non-empty. A program sets
  // `type` and the value; it never touches the presence bits. Check, inference and the
  // writer all ask this.
  bool HasField(AttributeType field) const;
  // Typed getters: the value when the attribute holds one of that type (its `type`, or the
  // only field a typeless attribute from an old file carries); nullopt otherwise, and for a
  // reference to a function's attribute (`ref_attr_name`).
  std::optional<float> AsFloat() const;
  std::optional<int64_t> AsInt() const;
  std::optional<std::string_view> AsString() const;
  std::optional<std::span<const float>> AsFloats() const;
  std::optional<std::span<const int64_t>> AsInts() const;
  std::optional<std::span<const std::string>> AsStrings() const;
  // The tensor or graph value, or nullptr.
  const onnxkit::Tensor* AsTensor() const;
  Graph* AsGraph() const;
  // Every sub-graph this attribute owns (`g` and `graphs`).
  std::vector<Graph*> subgraphs() const;

 private:
  bool TypeSelectsValue() const;
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
  // A snapshot of the uses (node, input index), so a loop over it may change those very
  // uses. In order of insertion, except that removing a use moves the last one into its
  // place (O(1) removal). Uses by nodes of sub-graphs (reading an outer value) are included.
  std::vector<Use> uses() const { return uses_; }
  // The number of uses, without a copy.
  size_t use_count() const { return uses_.size(); }
  // Whether any node reads this value.
  bool has_uses() const { return !uses_.empty(); }
  // Whether exactly one node input reads this value.
  bool has_one_use() const { return uses_.size() == 1; }
  bool is_graph_input() const { return is_graph_input_; }
  // Whether some graph lists this value among its outputs (its own graph, or a sub-graph
  // that returns an outer value).
  bool is_graph_output() const { return !output_of_.empty(); }
  // The constant data of an initializer (nullptr otherwise).
  const Tensor* initializer() const { return initializer_.get(); }
  Tensor* mutable_initializer() { return initializer_.get(); }
  const SparseTensor* sparse_initializer() const { return sparse_initializer_.get(); }
  // The declared type and doc string (from a graph input, a value_info or output entry).
  const ValueInfo& info() const { return info_; }
  ValueInfo& mutable_info() { return info_; }
  const Type* type() const { return info_.has_type ? &info_.type : nullptr; }

  // What ReplaceAllUsesWith does with graph outputs that are this value.
  enum class GraphOutputs {
    kKeep,      // they stay this value
    kRedirect,  // they become `other` (and so are saved under `other`'s name)
  };
  // Makes every use of this value a use of `other`. O(number of uses).
  void ReplaceAllUsesWith(Value* other);
  // The same, and with kRedirect also every graph output slot that is this value.
  void ReplaceAllUsesWith(Value* other, GraphOutputs outputs);

 private:
  friend class Graph;
  friend class Node;
  void AddUse(Node* node, int input_index);
  void RemoveUse(Node* node, int input_index);
  std::string name_;
  Kind kind_ = Kind::kUndefined;
  Graph* graph_ = nullptr;
  Node* producer_ = nullptr;
  int producer_index_ = -1;
  bool is_graph_input_ = false;
  // How many value_info entries name this value, so that removing a value that has none
  // costs nothing. It can only overcount (entries of a sub-graph that dies are not
  // subtracted), which costs one needless mark, never a missed entry.
  uint32_t value_info_entries_ = 0;
  // Removed while its graph's value_info still names it: those entries go at the graph's
  // next CompactValueInfo.
  bool value_info_dropped_ = false;
  std::vector<Use> uses_;
  std::vector<Graph*> output_of_;  // one entry per graph output slot holding this value
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
  // With domain and op_type, which model-local function a call means (IR 10; "" for the
  // function without an overload).
  std::string overload;
  std::vector<Attribute> attributes;
  MetadataProps metadata_props;
  std::vector<NodeDeviceConfiguration> device_configurations;
  Preserved preserved;

  Graph* graph() const { return graph_; }
  // Inputs in order; nullptr stands for an omitted optional input (an empty name).
  const std::vector<Value*>& inputs() const { return inputs_; }
  // Outputs in order; nullptr stands for an omitted optional output.
  const std::vector<Value*>& outputs() const { return outputs_; }
  Value* input(size_t i) const { return i < inputs_.size() ? inputs_[i] : nullptr; }
  Value* output(size_t i) const { return i < outputs_.size() ? outputs_[i] : nullptr; }

  // Makes input `index` read `value` (nullptr: omitted); the one place a use is recorded.
  void SetInput(size_t index, Value* value);
  // Appends an input reading `value` (nullptr: omitted).
  void AddInput(Value* value);

  // Whether this node is `op_type` of `domain` ("" and "ai.onnx" are the same domain).
  bool Is(std::string_view op_domain, std::string_view op) const;

  // The attribute of that name, or nullptr.
  const Attribute* FindAttribute(std::string_view attr_name) const;
  Attribute* FindAttribute(std::string_view attr_name);
  // Typed attribute getters: nullopt (nullptr) when the attribute is absent or of another
  // type; see Attribute::AsInt.
  std::optional<float> GetFloat(std::string_view attr_name) const;
  std::optional<int64_t> GetInt(std::string_view attr_name) const;
  std::optional<std::string_view> GetString(std::string_view attr_name) const;
  std::optional<std::span<const float>> GetFloats(std::string_view attr_name) const;
  std::optional<std::span<const int64_t>> GetInts(std::string_view attr_name) const;
  std::optional<std::span<const std::string>> GetStrings(std::string_view attr_name) const;
  const Tensor* GetTensor(std::string_view attr_name) const;
  Graph* GetGraph(std::string_view attr_name) const;
  // Sets `attribute`, replacing the one of the same name in place or appending it. Its
  // sub-graphs become children of this node's graph; a replaced attribute's sub-graphs are
  // freed with the uses they made.
  void SetAttribute(Attribute attribute);
  // Removes the attribute of that name (and the uses its sub-graphs made); false if absent.
  bool RemoveAttribute(std::string_view attr_name);
  // Every sub-graph of this node's attributes, in attribute order.
  std::vector<Graph*> subgraphs() const;

  // The next and previous node of its graph, or nullptr at either end.
  Node* next() const;
  Node* prev() const;
  // Moves this node right before / right after `other`, a node of the same graph.
  void MoveBefore(Node* other);
  void MoveAfter(Node* other);

 private:
  friend class Graph;
  friend class Value;
  Graph* graph_ = nullptr;
  std::list<std::unique_ptr<Node>>::iterator self_;
  std::vector<Value*> inputs_;
  // For input i, the position of its Use in inputs_[i]->uses_ (O(1) removal).
  std::vector<size_t> use_positions_;
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
  MetadataProps metadata_props;
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

  // The nodes in order, as Node*. Removing a node while iterating this range is not allowed;
  // use EraseSafeNodes() or a snapshot.
  NodeRange nodes() const { return {nodes_.begin(), nodes_.end()}; }

  // The nodes in order, stepping to the next node before the loop body runs, so that the
  // body may remove (or move) the node it was given. Removing any other node is not
  // allowed; nodes inserted after the current one are visited.
  class EraseSafeRange {
   public:
    class iterator {
     public:
      using iterator_category = std::input_iterator_tag;
      using value_type = Node*;
      using difference_type = std::ptrdiff_t;
      using pointer = Node**;
      using reference = Node*;
      iterator() = default;
      explicit iterator(Node* node) : node_(node), next_(node ? node->next() : nullptr) {}
      Node* operator*() const { return node_; }
      iterator& operator++() {
        node_ = next_;
        next_ = node_ ? node_->next() : nullptr;
        return *this;
      }
      bool operator==(const iterator& other) const { return node_ == other.node_; }
      bool operator!=(const iterator& other) const { return node_ != other.node_; }

     private:
      Node* node_ = nullptr;
      Node* next_ = nullptr;
    };
    explicit EraseSafeRange(Node* first) : first_(first) {}
    iterator begin() const { return iterator(first_); }
    iterator end() const { return iterator(); }

   private:
    Node* first_;
  };
  // The nodes in order, safe against removing the current node (see EraseSafeRange).
  EraseSafeRange EraseSafeNodes() const {
    return EraseSafeRange(nodes_.empty() ? nullptr : nodes_.front().get());
  }
  // The first and last node, or nullptr.
  Node* first_node() const { return nodes_.empty() ? nullptr : nodes_.front().get(); }
  Node* last_node() const { return nodes_.empty() ? nullptr : nodes_.back().get(); }
  size_t node_count() const { return nodes_.size(); }
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  const std::vector<Value*>& initializers() const { return initializers_; }
  const std::vector<Value*>& sparse_initializers() const { return sparse_initializers_; }
  // Entries of removed values leave this list in one sweep, the next time it is read: a
  // pass that removes most of a graph's nodes would otherwise erase from the middle of a
  // list of thousands once per node. Reading it is therefore not thread-safe while another
  // thread reads the same graph.
  const std::vector<Value*>& value_info() const {
    CompactValueInfo();
    return value_info_;
  }
  // Every value this graph owns, in creation order.
  ValueRange values() const { return {values_.begin(), values_.end()}; }

  // Construction and mutation. Each keeps producers and use lists consistent.
  Value* AddInput(std::string value_name, ValueInfo info = {});
  Value* AddInitializer(Tensor tensor);
  // Makes an existing graph input also carry an initializer (an overridable default); a
  // second attach replaces the tensor, so the initializer list names each value once.
  void AttachInitializer(Value* input, Tensor tensor);
  Value* AddSparseInitializer(std::string value_name, SparseTensor tensor);
  // A value for a name used but defined nowhere (kept so that such models still round-trip).
  Value* AddUndefined(std::string value_name);
  void AddOutput(Value* value);
  // Makes output slot `index` the value `value` (its declaration is then `value`'s own).
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
  Node* InsertNodeAfter(Node* after, std::string op_type, const std::vector<Value*>& inputs,
                        const std::vector<std::string>& output_names, std::string domain = "");
  // Removes a node whose outputs have no uses and are no graph output; an error otherwise
  // (the graph is unchanged). Its sub-graphs go with it, and with them the uses their nodes
  // made of outer values. Its outputs stay owned by the graph as undefined values.
  Status RemoveNode(Node* node);
  // Removes graph input `input`. An input with an initializer (an overridable default)
  // becomes a plain initializer; any other must be unused and no graph output (an error
  // otherwise, and the graph is unchanged).
  Status RemoveInput(Value* input);
  // Removes output slot `index` (the value itself stays).
  Status RemoveOutput(size_t index);
  // Removes the initializer (dense or sparse) of `value`. A graph input keeps being an
  // input without a default; any other value must be unused and no graph output.
  Status RemoveInitializer(Value* value);
  // Removes value_info entry `index` (the value and its type stay).
  Status RemoveValueInfo(size_t index);

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
  // Indices into value_info(): read that first (it may drop removed values' entries, and
  // moves these indices with them).
  mutable std::vector<InfoOverride> value_info_overrides;

  // Checks every invariant a mutation can break, in this graph and its sub-graphs at any
  // depth: use lists and node inputs agree both ways, producers and graph back-pointers,
  // values read are in scope, names defined once per graph, nodes in topological order
  // (reads by sub-graphs count), sub-graph parents, graph-output bookkeeping and override
  // indices. The first violation is the error. O(size of the graphs).
  Status Verify() const;

 private:
  friend class Node;
  friend class Value;
  Value* NewValue(std::string value_name, Value::Kind kind);
  Node* CreateNode(std::list<std::unique_ptr<Node>>::iterator pos, std::string op_type,
                   const std::vector<Value*>& inputs, const std::vector<std::string>& output_names,
                   std::string domain);
  // Detaches the uses and graph-output slots this graph holds of values of graphs that
  // outlive it (called when it dies).
  void DetachFromOuterValues();
  // Marks the value_info entries naming `value` for removal (none when it has none).
  void EraseValueInfoEntries(Value* value);
  // Removes the marked entries of this graph's values, moving value_info_overrides along.
  void CompactValueInfo() const;
  // Set while this graph is being destroyed: a dying sub-graph skips detaching from it.
  bool dying_ = false;
  Graph* parent_ = nullptr;
  std::list<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Value>> values_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::vector<Value*> initializers_;
  std::vector<Value*> sparse_initializers_;
  mutable std::vector<Value*> value_info_;
  // Values of this graph marked by EraseValueInfoEntries since the last compaction.
  mutable size_t value_info_drops_ = 0;
};

struct OpsetImport {
  std::string domain;
  int64_t version = 0;
  Preserved preserved;
};

// A model-local function, identified by (domain, name, overload): IR 10 lets one name have
// several overloads, and a call (a Node) picks one by its own `overload`. Its body is a
// Graph whose inputs are the function's formal inputs and whose outputs are its outputs;
// FunctionProto.value_info (IR 10) is the body's value_info(), so declared types sit on the
// body's values like a graph's.
struct Function {
  std::string name;
  std::string domain;
  std::string overload;
  std::string doc_string;
  MetadataProps metadata_props;
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
  std::vector<DeviceConfiguration> configuration;  // IR 10 multi-device configurations
  Preserved preserved;

  // The folder external-data locations are relative to ("" for a model read from bytes).
  std::string base_dir;
  // The file the model was read from (a regular file, also through stdin), so that SaveFile
  // can refuse to write over it. Set by the loader.
  std::optional<FileId> source_file;

  // The version imported for `domain` ("" and "ai.onnx" are the same domain); nullopt if none.
  std::optional<int64_t> OpsetVersion(std::string_view domain) const;
  // The model-local function (domain, name, overload), or nullptr. Domains compare exactly,
  // as calls name them.
  const Function* FindFunction(std::string_view domain, std::string_view name,
                               std::string_view overload = {}) const;
  // The model-local function `call` calls (its domain, op_type and overload), or nullptr.
  const Function* FindFunction(const Node& call) const;
  // The opset version that governs `node`: its domain's version in the imports of the
  // function whose body holds it (at any depth), else in the model's; nullopt if none.
  std::optional<int64_t> OpsetVersionOf(const Node& node) const;
  // The function whose body is `body`, or nullptr.
  const Function* FunctionOfBody(const Graph* body) const;
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
