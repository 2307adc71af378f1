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

void Value::ReplaceAllUsesWith(Value* other) {
  if (other == this) return;
  std::vector<Use> uses = uses_;
  for (const Use& u : uses) u.node->SetInput(static_cast<size_t>(u.input_index), other);
}

void Node::SetInput(size_t index, Value* value) {
  Value* old = inputs_[index];
  if (old == value) return;
  if (old) {
    auto& uses = old->uses_;
    uses.erase(std::find(uses.begin(), uses.end(), Use{this, static_cast<int>(index)}));
  }
  inputs_[index] = value;
  if (value) value->uses_.push_back({this, static_cast<int>(index)});
}

void Node::AddInput(Value* value) {
  inputs_.push_back(nullptr);
  SetInput(inputs_.size() - 1, value);
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

Graph::Graph(Graph* parent) : parent_(parent) {}
Graph::~Graph() = default;

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
  input->initializer_ = std::make_unique<Tensor>(std::move(tensor));
  initializers_.push_back(input);
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

void Graph::AddOutput(Value* value) { outputs_.push_back(value); }
void Graph::SetOutput(size_t index, Value* value) { outputs_[index] = value; }
void Graph::AddValueInfo(Value* value) { value_info_.push_back(value); }

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

Status Graph::RemoveNode(Node* node) {
  if (node->graph_ != this) return absl::InvalidArgumentError("node is not in this graph");
  for (const Value* out : node->outputs_) {
    if (out && out->has_uses()) {
      return absl::FailedPreconditionError(fmt::format(
          "cannot remove node '{}': its output '{}' is still used", node->name, out->name()));
    }
    if (out && std::find(outputs_.begin(), outputs_.end(), out) != outputs_.end()) {
      return absl::FailedPreconditionError(fmt::format(
          "cannot remove node '{}': its output '{}' is a graph output", node->name, out->name()));
    }
  }
  for (size_t i = 0; i < node->inputs_.size(); ++i) node->SetInput(i, nullptr);
  for (Value* out : node->outputs_) {
    if (!out) continue;
    out->producer_ = nullptr;
    out->kind_ = Value::Kind::kUndefined;
    std::erase(value_info_, out);
  }
  nodes_.erase(node->self_);
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

Status Graph::Verify() const {
  for (const auto& owned : nodes_) {
    const Node* n = owned.get();
    for (size_t i = 0; i < n->inputs_.size(); ++i) {
      const Value* v = n->inputs_[i];
      if (!v) continue;
      if (std::find(v->uses_.begin(), v->uses_.end(), Use{const_cast<Node*>(n), int(i)}) ==
          v->uses_.end()) {
        return absl::InternalError(fmt::format(
            "node '{}' input {} is missing from the uses of '{}'", n->name, i, v->name()));
      }
    }
    for (size_t i = 0; i < n->outputs_.size(); ++i) {
      const Value* v = n->outputs_[i];
      if (v && (v->producer_ != n || v->producer_index_ != int(i))) {
        return absl::InternalError(
            fmt::format("output {} of node '{}' does not name it as producer", i, n->name));
      }
    }
  }
  for (const auto& v : values_) {
    for (const Use& u : v->uses_) {
      if (u.node->input(static_cast<size_t>(u.input_index)) != v.get()) {
        return absl::InternalError(fmt::format("stale use of '{}'", v->name()));
      }
    }
  }
  return absl::OkStatus();
}

std::optional<int64_t> FindOpsetVersion(const std::vector<OpsetImport>& imports,
                                        std::string_view domain) {
  auto normal = [](std::string_view d) { return d == "ai.onnx" ? std::string_view() : d; };
  for (const OpsetImport& o : imports) {
    if (normal(o.domain) == normal(domain)) return o.version;
  }
  return std::nullopt;
}

std::optional<int64_t> Model::OpsetVersion(std::string_view wanted) const {
  return FindOpsetVersion(opset_import, wanted);
}

const Function* Model::FindFunction(std::string_view fn_domain, std::string_view fn_name) const {
  for (const auto& fn : functions) {
    if (fn->domain == fn_domain && fn->name == fn_name) return fn.get();
  }
  return nullptr;
}

}  // namespace onnxkit
