// The inference engine: what it checks before handing a node to libonnx, what it records.
//
// Per node, in order:
//  1. nodes of model-local functions, custom domains, opsets the linked library does not
//     know, ops without a schema, and nodes of function bodies are skipped;
//  2. inputs bound to one homogeneous type variable must agree, and each input must be of a
//     kind its parameter allows (kInputTypes, kInputKind); a node with an input of unknown
//     type is not inferred;
//  3. a node its schema rejects is not inferred (libonnx's inference functions dereference
//     required attributes unchecked; schema validation reports the node);
//  4. what the inference function assumes but does not check (preconditions.h): each
//     violation is a finding, and the node is not inferred;
//  5. the inference function runs — sub-graphs (If, Loop, Scan bodies) through the
//     node, with the input types it passes in; a body whose outputs stay unknown leaves
//     the node uninferred — and a failure is kInferenceFailed;
//  6. data propagation (Shape -> Gather -> Concat -> Reshape) records what it can;
//  7. each output type must be one the schema allows (kOutputType) and agree with the
//     value's declaration (kDeclared*); an undeclared value takes the inferred type.
#include "infer/engine.h"

#include <fmt/format.h>
#include <onnx/defs/data_type_utils.h>
#include <onnx/defs/tensor_proto_util.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "infer/bounded_types.h"
#include "infer/node_inference.h"
#include "infer/preconditions.h"
#include "schema/convert.h"
#include "schema/schemas.h"

namespace onnxkit::infer {

using onnx::OpSchema;

namespace {

// Tensors up to this size are handed to inference functions as constant input data.
constexpr uint64_t kMaxConstantBytes = 1 << 20;

// Thrown out of a sub-graph's inference when one of its outputs stays unknown: libonnx's
// control-flow inference functions need every output type, so the node is then left
// uninferred (its outputs keep their declarations) rather than reported.
struct SubgraphOutputsUnknown {};

std::string TypeString(const onnx::TypeProto& t) { return TypeToString(schema::FromOnnx(t)); }

const onnx::TensorShapeProto* ShapeOf(const onnx::TypeProto& t) {
  if (t.has_tensor_type() && t.tensor_type().has_shape()) return &t.tensor_type().shape();
  return nullptr;
}

// Whether `allowed` (libonnx type strings) has a type of the same kind as `type`
// ("tensor(", "seq(", …); an empty set allows everything.
bool KindAllowed(const onnx::DataTypeSet& allowed, std::string_view type) {
  if (allowed.empty()) return true;
  std::string_view kind = type.substr(0, type.find('('));
  for (const auto& t : allowed) {
    std::string_view candidate(*t);
    if (candidate.substr(0, candidate.find('(')) == kind) return true;
  }
  return false;
}

std::string CleanMessage(std::string message) {
  // libonnx prefixes "[ShapeInferenceError] " and appends node context we already give.
  for (const char* prefix : {"[ShapeInferenceError] ", "[TypeInferenceError] "}) {
    if (message.rfind(prefix, 0) == 0) message.erase(0, std::strlen(prefix));
  }
  return message;
}

InferFinding::Kind FindingKind(Violation::Kind kind) {
  switch (kind) {
    case Violation::Kind::kInputRank: return InferFinding::Kind::kInputRank;
    case Violation::Kind::kAttributeValue: return InferFinding::Kind::kAttributeValue;
    case Violation::Kind::kAttributeLength: return InferFinding::Kind::kAttributeLength;
    case Violation::Kind::kInputValue: return InferFinding::Kind::kInputValue;
    case Violation::Kind::kNegativeDim: return InferFinding::Kind::kNegativeDim;
    case Violation::Kind::kTooLarge: return InferFinding::Kind::kTooLarge;
  }
  return InferFinding::Kind::kInferenceFailed;
}

// The node's position in its graph (a scan: only for messages about unnamed nodes).
int64_t PositionOf(const Node& node) {
  int64_t i = 0;
  for (const Node* n : node.graph()->nodes()) {
    if (n == &node) return i;
    ++i;
  }
  return -1;
}

}  // namespace

std::string NodeLabel(const Node& node, int64_t index) {
  return node.name.empty() ? fmt::format("#{}", index) : node.name;
}

// libonnx's view of one sub-graph attribute: binds the input types the op passes in (where
// the body declares none), infers the body, and returns its output types.
class Engine::SubgraphInference : public onnx::GraphInferencer {
 public:
  SubgraphInference(Engine& engine, const Graph& graph) : engine_(engine), graph_(graph) {}

  std::vector<const onnx::TypeProto*> doInferencing(
      const std::vector<const onnx::TypeProto*>& input_types,
      const std::vector<const onnx::TensorProto*>&) override {
    for (size_t i = 0; i < graph_.inputs().size() && i < input_types.size(); ++i) {
      const Value* v = graph_.inputs()[i];
      const onnx::TypeProto* t = input_types[i];
      if (!v->type() && t && t->value_case() != onnx::TypeProto::VALUE_NOT_SET) {
        auto* copy = google::protobuf::Arena::CreateMessage<onnx::TypeProto>(&engine_.arena_);
        copy->CopyFrom(*t);
        engine_.Found(v, copy);
      }
    }
    engine_.InferGraph(graph_);
    std::vector<const onnx::TypeProto*> out;
    for (const Value* v : graph_.outputs()) {
      const onnx::TypeProto* t = engine_.TypeOf(v);
      if (!t) throw SubgraphOutputsUnknown{};
      out.push_back(t);
    }
    return out;
  }

 private:
  Engine& engine_;
  const Graph& graph_;
};

Engine::Engine(const Model& model) : model_(model), functions_(model) {
  for (const auto& fn : model.functions) function_bodies_.insert(fn->body.get());
}

Engine::~Engine() = default;

const Engine::Scope& Engine::ScopeOf(const Graph* graph) {
  if (graph == last_graph_) return *last_scope_;
  auto [it, added] = scopes_.try_emplace(graph);
  if (added) {
    const Graph* root = graph;
    while (root->parent()) root = root->parent();
    const Function* fn = nullptr;
    if (function_bodies_.contains(root)) fn = model_.FunctionOfBody(root);
    it->second = {fn ? &fn->opset_import : &model_.opset_import, fn != nullptr};
  }
  last_graph_ = graph;
  last_scope_ = &it->second;
  return it->second;
}

void Engine::InferModel() {
  if (model_.graph) InferGraphTree(*model_.graph);
  for (const TrainingInfo& t : model_.training_info) {
    if (t.initialization) InferGraphTree(*t.initialization);
    if (t.algorithm) InferGraphTree(*t.algorithm);
  }
}

void Engine::InferGraphTree(const Graph& graph) {
  InferGraph(graph);
  for (const Node* n : graph.nodes()) {
    for (const Attribute& a : n->attributes) {
      if (a.g) InferGraphTree(*a.g);
      for (const auto& g : a.graphs) InferGraphTree(*g);
    }
  }
}

void Engine::InferGraph(const Graph& graph) {
  if (!inferred_graphs_.insert(&graph).second) return;
  if (ScopeOf(&graph).in_function) return;  // function bodies declare no types
  int64_t index = 0;
  for (const Node* n : graph.nodes()) InferNodeIn(ScopeOf(&graph), *n, index++);
}

void Engine::InferNode(const Node& node, int64_t index) {
  const Scope& scope = ScopeOf(node.graph());
  if (!scope.in_function) InferNodeIn(scope, node, index);
}

const onnx::TypeProto* Engine::TypeOf(const Value* v) {
  if (auto it = types_.find(v); it != types_.end()) return it->second;
  const bool declared = v->type() && v->type()->kind != Type::Kind::kNone;
  if (!declared && !v->initializer()) return nullptr;
  auto* proto = google::protobuf::Arena::CreateMessage<onnx::TypeProto>(&arena_);
  *proto = schema::ToOnnx(declared ? *v->type() : schema::TypeOfTensor(*v->initializer()));
  if (!declared) {
    Found(v, proto);  // an initializer without a declaration: its type is news
    return proto;
  }
  return types_.emplace(v, proto).first->second;
}

const onnx::TensorProto* Engine::DataOf(const Value* v) {
  if (!v) return nullptr;
  if (auto it = data_.find(v); it != data_.end()) return &it->second;
  const Tensor* t = v->initializer();
  if (!t && v->producer() && v->producer()->op_type == "Constant") {
    const Attribute* value = v->producer()->FindAttribute("value");
    if (value && value->t) t = &*value->t;
  }
  if (!t || t->is_external()) return nullptr;
  auto size = t->RawByteSize();
  if (!size.ok() || *size > kMaxConstantBytes) return nullptr;
  return &data_.emplace(v, schema::ToOnnx(*t)).first->second;
}

void Engine::Report(InferFinding::Kind kind, const Node& n, std::string slot, std::string message,
                    const Value* value, bool breaks_schema) {
  findings_.push_back({kind, &n, value, std::move(slot), std::move(message), breaks_schema});
}

bool Engine::InputsBind(const Node& n, const OpSchema& schema,
                        const std::vector<const onnx::TypeProto*>& types) {
  // Type variable -> (type, input index) of its first binding; an op has few variables.
  absl::InlinedVector<std::tuple<std::string_view, const std::string*, size_t>, 4> bound;
  const auto& formals = schema.inputs();
  bool ok = true;
  auto slot = [&](size_t i, const OpSchema::FormalParameter& formal) {
    return fmt::format("input {} ({})", i, formal.GetName());
  };
  for (size_t i = 0; i < types.size() && !formals.empty(); ++i) {
    if (!types[i]) continue;
    const auto& formal = i < formals.size() ? formals[i] : formals.back();
    if (i >= formals.size() && formal.GetOption() != OpSchema::Variadic) break;
    const std::string* type;
    try {
      type = schema::TypeId(*types[i]);
    } catch (const std::exception&) {
      continue;
    }
    if (!KindAllowed(formal.GetTypes(), *type)) {
      Report(InferFinding::Kind::kInputKind, n, slot(i, formal),
             fmt::format("input '{}' is {}, but {} takes {}", n.input(i)->name(), *type, n.op_type,
                         formal.GetTypeStr()));
      ok = false;
      continue;
    }
    bool homogeneous = formal.GetOption() != OpSchema::Variadic || formal.GetIsHomogeneous();
    if (!homogeneous) continue;
    std::string_view variable = formal.GetTypeStr();
    auto first = std::find_if(bound.begin(), bound.end(),
                              [&](const auto& b) { return std::get<0>(b) == variable; });
    if (first == bound.end()) {
      bound.emplace_back(variable, type, i);
    } else if (std::get<1>(*first) != type) {
      // libonnx interns type strings: equal types have equal pointers.
      Report(InferFinding::Kind::kInputTypes, n, slot(i, formal),
             fmt::format("inputs {} ({}) and {} ({}) both bind type {} of {}", std::get<2>(*first),
                         *std::get<1>(*first), i, *type, formal.GetTypeStr(), n.op_type));
      ok = false;
    }
  }
  return ok;
}

void Engine::InferNodeIn(const Scope& scope, const Node& n, int64_t index) {
  if (functions_.FindAnyOverload(n.domain, n.op_type)) return;
  if (!schema::IsStandardDomain(n.domain)) return;
  auto version = FindOpsetVersion(*scope.opsets, n.domain);
  auto known = schema::KnownMaxVersion(n.domain);
  if (!version || !known || *version > *known) return;
  const OpSchema* schema = schema::Find(n.op_type, *version, n.domain);
  if (!schema) return;
  // This nesting level's scratch: a sub-graph's nodes are inferred inside this call.
  const size_t level = depth_;
  if (input_types_.size() <= level) input_types_.emplace_back();
  if (protos_.size() <= level) protos_.push_back(std::make_unique<onnx::NodeProto>());
  std::vector<const onnx::TypeProto*>& types = input_types_[level];
  types.clear();
  bool complete = true;
  for (const Value* v : n.inputs()) {
    types.push_back(v ? TypeOf(v) : nullptr);
    complete = complete && (!v || types.back());
  }
  if (!InputsBind(n, *schema, types) || !complete) return;
  if (!schema->has_type_and_shape_inference_function()) return;
  onnx::NodeProto& proto = *protos_[level];
  schema::ToOnnx(n, proto);
  // libonnx's inference functions assume a node its schema accepts (they dereference
  // required attributes unchecked): a node with schema problems is not inferred.
  try {
    schema->Verify(proto);
  } catch (const std::exception&) {
    return;
  }
  BoundedInputTypes bounded(types);
  if (!PreconditionsHold(n, *schema, proto, bounded.types())) return;
  std::vector<std::unique_ptr<SubgraphInference>> subgraphs;
  NodeInference ctx(
      proto, bounded.types(), &arena_, [&](size_t i) { return DataOf(n.input(i)); },
      [&](size_t i) -> const onnx::TensorShapeProto* {
        auto it = symbolic_.find(n.input(i));
        return it == symbolic_.end() ? nullptr : &it->second;
      },
      [&](const std::string& name) -> onnx::GraphInferencer* {
        const Attribute* a = n.FindAttribute(name);
        if (!a || !a->g) return nullptr;
        subgraphs.push_back(std::make_unique<SubgraphInference>(*this, *a->g));
        return subgraphs.back().get();
      });
  ++depth_;
  try {
    schema->GetTypeAndShapeInferenceFunction()(ctx);
  } catch (const SubgraphOutputsUnknown&) {
    --depth_;
    return;
  } catch (const std::exception& e) {
    --depth_;
    Report(InferFinding::Kind::kInferenceFailed, n, "", CleanMessage(e.what()));
    return;
  }
  --depth_;
  if (!subgraphs.empty()) inferred_through_.insert(&n);
  if (schema->has_data_propagation_function()) Propagate(n, *schema, ctx, bounded.types());
  for (size_t i = 0; i < n.outputs().size(); ++i) {
    const Value* out = n.output(i);
    onnx::TypeProto* inferred = ctx.outputs()[i];
    if (!out || inferred->value_case() == onnx::TypeProto::VALUE_NOT_SET) continue;
    CheckOutputConstraint(n, *schema, i, *inferred);
    Merge(n, index, out, inferred);
  }
}

bool Engine::PreconditionsHold(const Node& n, const OpSchema& schema, const onnx::NodeProto& proto,
                               const std::vector<const onnx::TypeProto*>& types) {
  auto violations =
      CheckPreconditions(schema, proto, types, [&](size_t i) { return DataOf(n.input(i)); });
  for (Violation& v : violations) {
    Report(FindingKind(v.kind), n, std::move(v.slot), std::move(v.message), nullptr,
           v.reported_by_schema_rules);
  }
  return violations.empty();
}

void Engine::CheckOutputConstraint(const Node& n, const OpSchema& schema, size_t index,
                                   const onnx::TypeProto& type) {
  const auto& formals = schema.outputs();
  if (formals.empty()) return;
  const auto& formal = index < formals.size() ? formals[index] : formals.back();
  const auto& allowed = formal.GetTypes();
  onnx::DataType dt;
  try {
    dt = schema::TypeId(type);
  } catch (const std::exception&) {
    return;
  }
  if (allowed.empty() || allowed.contains(dt)) return;
  Report(InferFinding::Kind::kOutputType, n, fmt::format("output {} ({})", index, formal.GetName()),
         fmt::format("output '{}' would be {}, which {}-{} does not allow for {}", formal.GetName(),
                     *dt, n.op_type, schema.since_version(), formal.GetTypeStr()));
}

const onnx::TensorShapeProto* Engine::ShapeDataOf(const Value* v) {
  if (!v) return nullptr;
  if (auto it = symbolic_.find(v); it != symbolic_.end()) return &it->second;
  const onnx::TensorProto* t = DataOf(v);
  if (!t || t->dims_size() > 1) return nullptr;
  onnx::TensorShapeProto values;
  if (t->data_type() == onnx::TensorProto::INT64) {
    for (int64_t x : onnx::ParseData<int64_t>(t)) values.add_dim()->set_dim_value(x);
  } else if (t->data_type() == onnx::TensorProto::INT32) {
    for (int32_t x : onnx::ParseData<int32_t>(t)) values.add_dim()->set_dim_value(x);
  } else {
    return nullptr;
  }
  return &symbolic_.emplace(v, std::move(values)).first->second;
}

void Engine::Propagate(const Node& n, const OpSchema& schema, const NodeInference& inferred,
                       const std::vector<const onnx::TypeProto*>& types) {
  NodePropagation ctx(
      inferred, types, [&](size_t i) { return ShapeDataOf(n.input(i)); },
      [&](size_t i, onnx::TensorShapeProto&& data) {
        if (const Value* out = n.output(i)) symbolic_[out] = std::move(data);
      });
  try {
    schema.GetDataPropagationFunction()(ctx);
  } catch (const std::exception&) {
    // Propagation is an aid to inference; a failure only means less is known.
  }
}

void Engine::Merge(const Node& n, int64_t index, const Value* v, onnx::TypeProto* inferred) {
  const onnx::TypeProto* declared = v->type() ? TypeOf(v) : nullptr;
  if (!declared) {
    Found(v, inferred);  // arena-owned: the value's type from now on, no copy
    return;
  }
  auto conflict = [&](InferFinding::Kind kind, const std::string& what) {
    if (index < 0) index = PositionOf(n);
    Report(kind, n, "",
           fmt::format("'{}' is declared {} but {} produces {}: {}", v->name(),
                       TypeString(*declared), NodeLabel(n, index), TypeString(*inferred), what),
           v);
  };
  if (declared->value_case() != inferred->value_case()) {
    conflict(InferFinding::Kind::kDeclaredKind, "different kinds of type");
    return;
  }
  if (!declared->has_tensor_type() || !inferred->has_tensor_type()) return;
  int de = declared->tensor_type().elem_type(), ie = inferred->tensor_type().elem_type();
  if (de != 0 && ie != 0 && de != ie) {
    conflict(InferFinding::Kind::kDeclaredElemType, "the element types differ");
    return;
  }
  const auto* ds = ShapeOf(*declared);
  const auto* is = ShapeOf(*inferred);
  if (!ds || !is) return;
  if (ds->dim_size() != is->dim_size()) {
    conflict(InferFinding::Kind::kDeclaredRank,
             fmt::format("rank {} against rank {}", ds->dim_size(), is->dim_size()));
    return;
  }
  for (int i = 0; i < ds->dim_size(); ++i) {
    const auto& a = ds->dim(i);
    const auto& b = is->dim(i);
    if (a.has_dim_value() && b.has_dim_value() && a.dim_value() != b.dim_value()) {
      conflict(InferFinding::Kind::kDeclaredDim,
               fmt::format("dimension {} is {} against {}", i, a.dim_value(), b.dim_value()));
      return;
    }
  }
}

namespace {

// Whether `inner` is `outer` or nested in it at any depth.
bool IsWithin(const Graph* inner, const Graph* outer) {
  for (; inner; inner = inner->parent()) {
    if (inner == outer) return true;
  }
  return false;
}

// Whether `v` is an output of `node` or a value of one of its sub-graphs (at any depth).
bool BelongsTo(const Value* v, const Node& node) {
  if (v->producer() == &node) return true;
  const Graph* g = v->graph();
  while (g && g->parent() != node.graph()) g = g->parent();
  if (!g) return false;
  for (const Graph* sub : node.subgraphs()) {
    if (sub == g) return true;
  }
  return false;
}

// Whether a value is among its graph's outputs or value_info entries, so that typing it
// needs no entry of its own. The few values a node's inference types are looked for one by
// one (a graph of thousands lists them all: a set of it per node would cost more than the
// inference); many are looked up in one set per graph, taken before any entry is added.
class ListedValues {
 public:
  explicit ListedValues(size_t lookups) : few_(lookups <= kFew) {}

  bool Contains(const Value& v) {
    const Graph& g = *v.graph();
    if (few_) {
      return std::find(g.outputs().begin(), g.outputs().end(), &v) != g.outputs().end() ||
             std::find(g.value_info().begin(), g.value_info().end(), &v) != g.value_info().end();
    }
    auto [it, added] = by_graph_.try_emplace(&g);
    if (added) {
      it->second.insert(g.outputs().begin(), g.outputs().end());
      it->second.insert(g.value_info().begin(), g.value_info().end());
    }
    return it->second.contains(&v);
  }

 private:
  static constexpr size_t kFew = 16;
  bool few_;
  absl::flat_hash_map<const Graph*, absl::flat_hash_set<const Value*>> by_graph_;
};

}  // namespace

void Engine::Found(const Value* v, onnx::TypeProto* type) {
  auto [it, added] = types_.try_emplace(v, type);
  if (added) {
    found_.emplace_back(v, type);
  } else if (it->second != type) {
    it->second->CopyFrom(*type);  // found again (a body inferred twice): the entry stays
  }
}

void Engine::ForEachFound(const std::function<void(const Value*, Type)>& fn) const {
  for (const auto& [found, type] : found_) {
    if (found->type() || found->kind() == Value::Kind::kUndefined) continue;
    Type t = schema::FromOnnx(*type);
    if (t.kind != Type::Kind::kNone) fn(found, std::move(t));
  }
}

size_t Engine::WriteFound(const std::function<bool(const Value*)>& wanted) {
  // A node's inference finds its outputs (and undeclared initializers it read): few.
  ListedValues listed(found_.size());
  size_t typed = 0;
  // In the order found, which is node order within each graph: new value_info entries come
  // in node order, and no value is looked up again.
  for (const auto& [found, type] : found_) {
    if (found->type() || found->kind() == Value::Kind::kUndefined || !wanted(found)) continue;
    Type t = schema::FromOnnx(*type);
    if (t.kind == Type::Kind::kNone) continue;
    // The engine reads the model as const; the caller, who owns it, asked for the write.
    auto* v = const_cast<Value*>(found);
    const bool declared = v->kind() != Value::Kind::kNodeOutput || listed.Contains(*v);
    ValueInfo& info = v->mutable_info();
    info.has_type = true;
    info.type = std::move(t);
    ++typed;
    if (!declared) v->graph()->AddValueInfo(v);
  }
  return typed;
}

size_t Engine::WriteTypes(Model& model) {
  if (&model != &model_) return 0;
  return WriteFound([](const Value*) { return true; });
}

size_t Engine::WriteTypes(Graph& graph) {
  return WriteFound([&](const Value* v) { return IsWithin(v->graph(), &graph); });
}

size_t Engine::WriteTypes(Node& node) {
  return WriteFound([&](const Value* v) { return BelongsTo(v, node); });
}

}  // namespace onnxkit::infer
