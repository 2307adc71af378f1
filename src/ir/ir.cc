#include "onnxkit/ir.h"

#include <fmt/format.h>

#include <algorithm>

namespace onnxkit {

Attribute::Attribute() = default;
Attribute::Attribute(Attribute&&) noexcept = default;
Attribute& Attribute::operator=(Attribute&&) noexcept = default;
Attribute::~Attribute() = default;

std::string_view AttributeTypeName(AttributeType type) {
  switch (type) {
    case AttributeType::kUndefined: return "undefined";
    case AttributeType::kFloat: return "float";
    case AttributeType::kInt: return "int";
    case AttributeType::kString: return "string";
    case AttributeType::kTensor: return "tensor";
    case AttributeType::kGraph: return "graph";
    case AttributeType::kFloats: return "floats";
    case AttributeType::kInts: return "ints";
    case AttributeType::kStrings: return "strings";
    case AttributeType::kTensors: return "tensors";
    case AttributeType::kGraphs: return "graphs";
    case AttributeType::kSparseTensor: return "sparse_tensor";
    case AttributeType::kSparseTensors: return "sparse_tensors";
    case AttributeType::kTypeProto: return "type_proto";
    case AttributeType::kTypeProtos: return "type_protos";
  }
  return "unknown";
}

Type Type::Tensor(DataType dtype, std::vector<Dim> dims) {
  Type t;
  t.kind = Kind::kTensor;
  t.elem_type = static_cast<int32_t>(dtype);
  t.shape.emplace();
  t.shape->dims = std::move(dims);
  return t;
}

namespace {
std::string ShapeToString(const std::optional<Shape>& shape) {
  if (!shape) return "[?]";  // rank unknown
  std::string out = "[";
  for (size_t i = 0; i < shape->dims.size(); ++i) {
    if (i) out += ',';
    const Dim& d = shape->dims[i];
    switch (d.kind) {
      case Dim::Kind::kValue: out += std::to_string(d.value); break;
      case Dim::Kind::kParam: out += d.param; break;
      case Dim::Kind::kUnknown: out += '?'; break;
    }
  }
  return out + "]";
}
}  // namespace

std::string TypeToString(const Type& type) {
  auto element = [&]() {
    const Type* el = type.element_type();
    return el ? TypeToString(*el) : std::string("?");
  };
  switch (type.kind) {
    case Type::Kind::kNone: return "?";
    case Type::Kind::kTensor: return DataTypeName(type.elem_type) + ShapeToString(type.shape);
    case Type::Kind::kSparseTensor:
      return "sparse " + DataTypeName(type.elem_type) + ShapeToString(type.shape);
    case Type::Kind::kSequence: return "seq(" + element() + ")";
    case Type::Kind::kOptional: return "optional(" + element() + ")";
    case Type::Kind::kMap: return "map(" + DataTypeName(type.elem_type) + "," + element() + ")";
    case Type::Kind::kOpaque: return "opaque(" + type.opaque_domain + "." + type.opaque_name + ")";
  }
  return "?";
}

std::string_view NormalDomain(std::string_view domain) {
  return domain == "ai.onnx" ? std::string_view() : domain;
}

bool SameDomain(std::string_view a, std::string_view b) {
  return NormalDomain(a) == NormalDomain(b);
}

void Value::AddUse(Node* node, int input_index) {
  node->use_positions_[static_cast<size_t>(input_index)] = uses_.size();
  uses_.push_back({node, input_index});
}

// O(1): the last use takes the removed one's place.
void Value::RemoveUse(Node* node, int input_index) {
  size_t pos = node->use_positions_[static_cast<size_t>(input_index)];
  Use last = uses_.back();
  uses_[pos] = last;
  last.node->use_positions_[static_cast<size_t>(last.input_index)] = pos;
  uses_.pop_back();
}

void Value::ReplaceAllUsesWith(Value* other) { ReplaceAllUsesWith(other, GraphOutputs::kKeep); }

void Value::ReplaceAllUsesWith(Value* other, GraphOutputs outputs) {
  if (other == this) return;
  for (const Use& u : uses()) u.node->SetInput(static_cast<size_t>(u.input_index), other);
  if (outputs == GraphOutputs::kKeep) return;
  std::vector<Graph*> graphs = output_of_;
  std::sort(graphs.begin(), graphs.end());
  graphs.erase(std::unique(graphs.begin(), graphs.end()), graphs.end());
  for (Graph* g : graphs) {
    for (size_t i = 0; i < g->outputs_.size(); ++i) {
      if (g->outputs_[i] == this) g->SetOutput(i, other);
    }
  }
}

void Node::SetInput(size_t index, Value* value) {
  Value* old = inputs_[index];
  if (old == value) return;
  if (old) old->RemoveUse(this, static_cast<int>(index));
  inputs_[index] = value;
  if (value) value->AddUse(this, static_cast<int>(index));
}

void Node::AddInput(Value* value) {
  inputs_.push_back(nullptr);
  use_positions_.push_back(0);
  SetInput(inputs_.size() - 1, value);
}

bool Node::Is(std::string_view op_domain, std::string_view op) const {
  return op_type == op && SameDomain(domain, op_domain);
}

const Attribute* Node::FindAttribute(std::string_view attr_name) const {
  for (const Attribute& a : attributes) {
    if (a.name == attr_name) return &a;
  }
  return nullptr;
}

Attribute* Node::FindAttribute(std::string_view attr_name) {
  for (Attribute& a : attributes) {
    if (a.name == attr_name) return &a;
  }
  return nullptr;
}

std::vector<Graph*> Node::subgraphs() const {
  std::vector<Graph*> out;
  for (const Attribute& a : attributes) {
    if (a.g) out.push_back(a.g.get());
    for (const auto& g : a.graphs) out.push_back(g.get());
  }
  return out;
}

Node* Node::next() const {
  auto it = std::next(self_);
  return it == graph_->nodes_.end() ? nullptr : it->get();
}

Node* Node::prev() const {
  return self_ == graph_->nodes_.begin() ? nullptr : std::prev(self_)->get();
}

void Node::MoveBefore(Node* other) {
  if (other == this) return;
  graph_->nodes_.splice(other->self_, graph_->nodes_, self_);
}

void Node::MoveAfter(Node* other) {
  if (other == this) return;
  graph_->nodes_.splice(std::next(other->self_), graph_->nodes_, self_);
}

Graph::Graph(Graph* parent) : parent_(parent) {}
Graph::~Graph() {
  dying_ = true;
  DetachFromOuterValues();
  // Nodes (and with them sub-graphs, which detach from this graph's values) go first.
  nodes_.clear();
}

void Graph::DetachFromOuterValues() {
  auto outlives = [this](const Value* v) { return v->graph_ != this && !v->graph_->dying_; };
  for (const auto& n : nodes_) {
    for (size_t i = 0; i < n->inputs_.size(); ++i) {
      Value* v = n->inputs_[i];
      if (v && outlives(v)) v->RemoveUse(n.get(), static_cast<int>(i));
    }
  }
  for (Value* v : outputs_) {
    if (v && outlives(v))
      v->output_of_.erase(std::find(v->output_of_.begin(), v->output_of_.end(), this));
  }
}

Value* Graph::NewValue(std::string value_name, Value::Kind kind) {
  auto v = std::make_unique<Value>();
  v->name_ = std::move(value_name);
  v->kind_ = kind;
  v->graph_ = this;
  values_.push_back(std::move(v));
  return values_.back().get();
}

Value* Graph::AddInput(std::string value_name, ValueInfo info) {
  Value* v = NewValue(std::move(value_name), Value::Kind::kGraphInput);
  v->is_graph_input_ = true;
  v->info_ = std::move(info);
  inputs_.push_back(v);
  return v;
}

Value* Graph::AddInitializer(Tensor tensor) {
  Value* v = NewValue(tensor.name, Value::Kind::kInitializer);
  v->initializer_ = std::make_unique<Tensor>(std::move(tensor));
  initializers_.push_back(v);
  return v;
}

void Graph::AttachInitializer(Value* input, Tensor tensor) {
  const bool attached = input->initializer_ != nullptr;
  input->initializer_ = std::make_unique<Tensor>(std::move(tensor));
  if (!attached) initializers_.push_back(input);
}

Value* Graph::AddSparseInitializer(std::string value_name, SparseTensor tensor) {
  Value* v = NewValue(std::move(value_name), Value::Kind::kInitializer);
  v->sparse_initializer_ = std::make_unique<SparseTensor>(std::move(tensor));
  sparse_initializers_.push_back(v);
  return v;
}

Value* Graph::AddUndefined(std::string value_name) {
  return NewValue(std::move(value_name), Value::Kind::kUndefined);
}

void Graph::AddOutput(Value* value) {
  outputs_.push_back(value);
  if (value) value->output_of_.push_back(this);
}

namespace {
// Keeps index-keyed declarations in step with a list whose entry `index` was removed.
void EraseOverride(std::vector<Graph::InfoOverride>& overrides, size_t index) {
  std::erase_if(overrides, [&](const Graph::InfoOverride& o) { return o.index == index; });
  for (Graph::InfoOverride& o : overrides) {
    if (o.index > index) --o.index;
  }
}

// Removes every entry of `list` that is `v`, with its override.
void EraseEntries(std::vector<Value*>& list, std::vector<Graph::InfoOverride>& overrides,
                  const Value* v) {
  for (size_t i = list.size(); i-- > 0;) {
    if (list[i] != v) continue;
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
    EraseOverride(overrides, i);
  }
}
}  // namespace

void Graph::SetOutput(size_t index, Value* value) {
  Value* old = outputs_[index];
  if (old == value) return;
  if (old) old->output_of_.erase(std::find(old->output_of_.begin(), old->output_of_.end(), this));
  outputs_[index] = value;
  if (value) value->output_of_.push_back(this);
  // The slot's extra declaration described the old value.
  std::erase_if(output_info_overrides, [&](const InfoOverride& o) { return o.index == index; });
}

void Graph::AddValueInfo(Value* value) {
  // A value listed again after its removal: its old entries go first, the new one stays.
  if (value && value->value_info_dropped_) CompactValueInfo();
  value_info_.push_back(value);
  if (value) ++value->value_info_entries_;
}

void Graph::EraseValueInfoEntries(Value* value) {
  if (value->value_info_entries_ == 0) return;
  value->value_info_entries_ = 0;
  value->value_info_dropped_ = true;
  ++value_info_drops_;
}

void Graph::CompactValueInfo() const {
  if (value_info_drops_ == 0) return;
  value_info_drops_ = 0;
  const bool has_overrides = !value_info_overrides.empty();
  constexpr size_t kGone = SIZE_MAX;
  std::vector<size_t> moved_to(has_overrides ? value_info_.size() : 0, kGone);
  size_t kept = 0;
  for (size_t i = 0; i < value_info_.size(); ++i) {
    Value* v = value_info_[i];
    // Only this graph's values: another graph's entry naming one stays, as it always has.
    if (v && v->value_info_dropped_ && v->graph_ == this) continue;
    if (has_overrides) moved_to[i] = kept;
    value_info_[kept++] = v;
  }
  value_info_.resize(kept);
  // Every mark is this graph's (a value is removed by its own graph), including marks on
  // values only another graph's value_info named: all are spent now. A mark left behind
  // would drop the value's next entry here, were it listed again.
  for (const auto& v : values_) v->value_info_dropped_ = false;
  if (!has_overrides) return;
  // An index past the end is already broken (Verify says so); it is left as it is.
  auto past_end = [&](const InfoOverride& o) { return o.index >= moved_to.size(); };
  std::erase_if(value_info_overrides,
                [&](const InfoOverride& o) { return !past_end(o) && moved_to[o.index] == kGone; });
  for (InfoOverride& o : value_info_overrides) {
    if (!past_end(o)) o.index = moved_to[o.index];
  }
}

Value* Graph::AddNodeOutput(Node* node, std::string value_name) {
  if (value_name.empty()) {
    node->outputs_.push_back(nullptr);
    return nullptr;
  }
  Value* v = NewValue(std::move(value_name), Value::Kind::kNodeOutput);
  v->producer_ = node;
  v->producer_index_ = static_cast<int>(node->outputs_.size());
  node->outputs_.push_back(v);
  return v;
}

Node* Graph::CreateNode(std::list<std::unique_ptr<Node>>::iterator pos, std::string op_type,
                        const std::vector<Value*>& inputs,
                        const std::vector<std::string>& output_names, std::string domain) {
  auto owned = std::make_unique<Node>();
  Node* n = owned.get();
  n->op_type = std::move(op_type);
  n->domain = std::move(domain);
  n->graph_ = this;
  n->self_ = nodes_.insert(pos, std::move(owned));
  for (Value* v : inputs) n->AddInput(v);
  for (const std::string& name : output_names) AddNodeOutput(n, name);
  return n;
}

Node* Graph::AppendNode(std::string op_type, const std::vector<Value*>& inputs,
                        const std::vector<std::string>& output_names, std::string domain) {
  return CreateNode(nodes_.end(), std::move(op_type), inputs, output_names, std::move(domain));
}

Node* Graph::InsertNodeBefore(Node* before, std::string op_type, const std::vector<Value*>& inputs,
                              const std::vector<std::string>& output_names, std::string domain) {
  return CreateNode(before->self_, std::move(op_type), inputs, output_names, std::move(domain));
}

Node* Graph::InsertNodeAfter(Node* after, std::string op_type, const std::vector<Value*>& inputs,
                             const std::vector<std::string>& output_names, std::string domain) {
  return CreateNode(std::next(after->self_), std::move(op_type), inputs, output_names,
                    std::move(domain));
}

namespace {
// Why `v` cannot stop being defined: it is read or returned. OK otherwise.
Status StillNeeded(const Value& v, std::string_view what) {
  if (v.has_uses()) {
    return absl::FailedPreconditionError(
        fmt::format("cannot remove {}: its output '{}' is still used", what, v.name()));
  }
  if (v.is_graph_output()) {
    return absl::FailedPreconditionError(
        fmt::format("cannot remove {}: its output '{}' is a graph output", what, v.name()));
  }
  return absl::OkStatus();
}
}  // namespace

Status Graph::RemoveNode(Node* node) {
  if (node->graph_ != this) return absl::InvalidArgumentError("node is not in this graph");
  for (const Value* out : node->outputs_) {
    if (out) ONNXKIT_RETURN_IF_ERROR(StillNeeded(*out, fmt::format("node '{}'", node->name)));
  }
  for (size_t i = 0; i < node->inputs_.size(); ++i) node->SetInput(i, nullptr);
  for (Value* out : node->outputs_) {
    if (!out) continue;
    out->producer_ = nullptr;
    out->producer_index_ = -1;
    out->kind_ = Value::Kind::kUndefined;
    EraseValueInfoEntries(out);
  }
  // Destroying the node destroys its sub-graphs, which detach from the outer values.
  nodes_.erase(node->self_);
  return absl::OkStatus();
}

Status Graph::RemoveInput(Value* input) {
  auto it = std::find(inputs_.begin(), inputs_.end(), input);
  if (it == inputs_.end()) return absl::InvalidArgumentError("not an input of this graph");
  if (!input->initializer_) {
    ONNXKIT_RETURN_IF_ERROR(StillNeeded(*input, fmt::format("input '{}'", input->name())));
    input->kind_ = Value::Kind::kUndefined;
  } else {
    input->kind_ = Value::Kind::kInitializer;
  }
  input->is_graph_input_ = false;
  EraseEntries(inputs_, input_info_overrides, input);
  return absl::OkStatus();
}

Status Graph::RemoveOutput(size_t index) {
  if (index >= outputs_.size()) {
    return absl::OutOfRangeError(
        fmt::format("no output {} (the graph has {})", index, outputs_.size()));
  }
  Value* v = outputs_[index];
  v->output_of_.erase(std::find(v->output_of_.begin(), v->output_of_.end(), this));
  outputs_.erase(outputs_.begin() + static_cast<std::ptrdiff_t>(index));
  EraseOverride(output_info_overrides, index);
  return absl::OkStatus();
}

namespace {
// Where `value` is in `list`, searched from the back: the initializers a pass removes are
// mostly the ones it (or folding) added last.
std::vector<Value*>::iterator FindFromBack(std::vector<Value*>& list, const Value* value) {
  auto it = std::find(list.rbegin(), list.rend(), value);
  return it == list.rend() ? list.end() : std::prev(it.base());
}
}  // namespace

Status Graph::RemoveInitializer(Value* value) {
  // AttachInitializer and the loader keep each value once in one of the two lists.
  std::vector<Value*>& list = value->sparse_initializer_ ? sparse_initializers_ : initializers_;
  auto entry = FindFromBack(list, value);
  if (entry == list.end()) return absl::InvalidArgumentError("not an initializer of this graph");
  if (!value->is_graph_input_) {
    ONNXKIT_RETURN_IF_ERROR(StillNeeded(*value, fmt::format("initializer '{}'", value->name())));
    value->kind_ = Value::Kind::kUndefined;
    EraseValueInfoEntries(value);
  }
  list.erase(entry);
  value->initializer_.reset();
  value->sparse_initializer_.reset();
  return absl::OkStatus();
}

Status Graph::RemoveValueInfo(size_t index) {
  CompactValueInfo();
  if (index >= value_info_.size()) {
    return absl::OutOfRangeError(
        fmt::format("no value_info entry {} (the graph has {})", index, value_info_.size()));
  }
  Value* value = value_info_[index];
  if (value && value->value_info_entries_ > 0) --value->value_info_entries_;
  value_info_.erase(value_info_.begin() + static_cast<std::ptrdiff_t>(index));
  EraseOverride(value_info_overrides, index);
  return absl::OkStatus();
}

Value* Graph::Lookup(std::string_view value_name) const {
  for (const Graph* g = this; g; g = g->parent_) {
    for (const auto& v : g->values_) {
      if (v->name_ == value_name && v->kind_ != Value::Kind::kUndefined) return v.get();
    }
  }
  return nullptr;
}

std::optional<int64_t> FindOpsetVersion(const std::vector<OpsetImport>& imports,
                                        std::string_view domain) {
  for (const OpsetImport& o : imports) {
    if (SameDomain(o.domain, domain)) return o.version;
  }
  return std::nullopt;
}

std::optional<int64_t> Model::OpsetVersion(std::string_view wanted) const {
  return FindOpsetVersion(opset_import, wanted);
}

const Function* Model::FunctionOfBody(const Graph* body) const {
  for (const auto& fn : functions) {
    if (fn->body.get() == body) return fn.get();
  }
  return nullptr;
}

std::optional<int64_t> Model::OpsetVersionOf(const Node& node) const {
  const Graph* root = node.graph();
  while (root->parent()) root = root->parent();
  // Function bodies have their own imports; training graphs hang under the main graph.
  const Function* fn = FunctionOfBody(root);
  return FindOpsetVersion(fn ? fn->opset_import : opset_import, node.domain);
}

const Function* Model::FindFunction(std::string_view fn_domain, std::string_view fn_name,
                                    std::string_view fn_overload) const {
  for (const auto& fn : functions) {
    if (fn->domain == fn_domain && fn->name == fn_name && fn->overload == fn_overload) {
      return fn.get();
    }
  }
  return nullptr;
}

const Function* Model::FindFunction(const Node& call) const {
  return FindFunction(call.domain, call.op_type, call.overload);
}

}  // namespace onnxkit
