// Rule group "types": strict type and shape inference, node by node, with libonnx's
// inference functions run over our IR.
//
// Cases:
//  1. declarations: a main-graph input without a type, an element type 0 (UNDEFINED), an
//     initializer whose graph-input declaration disagrees with its data;
//  2. inputs bound to one type variable with different types (Add of float and int32), and
//     inputs of the wrong kind (a sequence where a tensor is required);
//  3. an inference function that fails (e.g. MatMul of [2,3] x [4,5]), reported at its node;
//  4. an inferred output type that conflicts with its declaration (graph output or
//     value_info): element type, rank, or a known dimension — reported at the value;
//  5. an inferred output type that the schema's type constraint does not allow (e.g. an
//     int64 Constant before opset 9);
//  6. If branches that yield different element types.
// Nodes holding sub-graphs (If, Loop, Scan) are inferred through their bodies, which get the
// input types the op passes in; a node whose body outputs stay unknown keeps its declared
// output types.
#include <fmt/format.h>
#include <onnx/defs/data_type_utils.h>
#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>
#include <onnx/defs/tensor_proto_util.h>

#include <cstring>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "check/context.h"
#include "infer/bounded_types.h"
#include "infer/preconditions.h"
#include "schema/convert.h"
#include "schema/schemas.h"

namespace onnxkit::check_internal {
namespace {

using onnx::OpSchema;

// An onnx::InferenceContext over one node whose input types and data we supply.
class NodeInference : public onnx::InferenceContext {
 public:
  NodeInference(const onnx::NodeProto& node, std::vector<const onnx::TypeProto*> input_types,
                std::function<const onnx::TensorProto*(size_t)> input_data,
                std::function<const onnx::TensorShapeProto*(size_t)> symbolic_input,
                std::function<onnx::GraphInferencer*(const std::string&)> graph_inferencer)
      : input_types_(std::move(input_types)),
        input_data_(std::move(input_data)),
        symbolic_input_(std::move(symbolic_input)),
        graph_inferencer_(std::move(graph_inferencer)),
        outputs_(static_cast<size_t>(node.output_size())) {
    for (const auto& a : node.attribute()) attributes_.emplace(a.name(), &a);
  }

  const onnx::AttributeProto* getAttribute(const std::string& name) const override {
    auto it = attributes_.find(name);
    return it == attributes_.end() ? nullptr : it->second;
  }
  size_t getNumInputs() const override { return input_types_.size(); }
  const onnx::TypeProto* getInputType(size_t i) const override {
    return i < input_types_.size() ? input_types_[i] : nullptr;
  }
  const onnx::TensorProto* getInputData(size_t i) const override { return input_data_(i); }
  size_t getNumOutputs() const override { return outputs_.size(); }
  onnx::TypeProto* getOutputType(size_t i) override { return &outputs_.at(i); }
  onnx::GraphInferencer* getGraphAttributeInferencer(const std::string& name) override {
    return graph_inferencer_(name);
  }
  const onnx::SparseTensorProto* getInputSparseData(size_t) const override { return nullptr; }
  const onnx::TensorShapeProto* getSymbolicInput(size_t i) const override {
    return symbolic_input_(i);
  }

  const std::vector<onnx::TypeProto>& outputs() const { return outputs_; }
  const std::map<std::string, const onnx::AttributeProto*>& attributes() const {
    return attributes_;
  }

 private:
  std::vector<const onnx::TypeProto*> input_types_;
  std::function<const onnx::TensorProto*(size_t)> input_data_;
  std::function<const onnx::TensorShapeProto*(size_t)> symbolic_input_;
  std::function<onnx::GraphInferencer*(const std::string&)> graph_inferencer_;
  std::vector<onnx::TypeProto> outputs_;
  std::map<std::string, const onnx::AttributeProto*> attributes_;
};

// An onnx::DataPropagationContext over one inferred node: ONNX's partial evaluation of
// shape arithmetic (Shape -> Gather -> Concat -> Reshape), whose results later nodes'
// inference functions read as symbolic inputs.
class NodePropagation : public onnx::DataPropagationContext {
 public:
  NodePropagation(const NodeInference& inferred, std::vector<const onnx::TypeProto*> input_types,
                  std::function<const onnx::TensorShapeProto*(size_t)> input_data,
                  std::function<void(size_t, onnx::TensorShapeProto&&)> output_data)
      : inferred_(inferred),
        input_types_(std::move(input_types)),
        input_data_(std::move(input_data)),
        output_data_(std::move(output_data)) {}

  const onnx::AttributeProto* getAttribute(const std::string& name) const override {
    return inferred_.getAttribute(name);
  }
  size_t getNumInputs() const override { return input_types_.size(); }
  const onnx::TypeProto* getInputType(size_t i) const override {
    return i < input_types_.size() ? input_types_[i] : nullptr;
  }
  size_t getNumOutputs() const override { return inferred_.outputs().size(); }
  const onnx::TypeProto* getOutputType(size_t i) const override {
    return i < inferred_.outputs().size() ? &inferred_.outputs()[i] : nullptr;
  }
  const onnx::TensorShapeProto* getInputData(size_t i) override { return input_data_(i); }
  void addOutputData(size_t i, onnx::TensorShapeProto&& data) override {
    output_data_(i, std::move(data));
  }

 private:
  const NodeInference& inferred_;
  std::vector<const onnx::TypeProto*> input_types_;
  std::function<const onnx::TensorShapeProto*(size_t)> input_data_;
  std::function<void(size_t, onnx::TensorShapeProto&&)> output_data_;
};

// Tensors up to this size are handed to inference functions as constant input data.
constexpr uint64_t kMaxConstantBytes = 1 << 20;

std::string TypeString(const onnx::TypeProto& t) { return TypeToString(schema::FromOnnx(t)); }

// Thrown out of a sub-graph's inference when one of its outputs stays unknown: libonnx's
// control-flow inference functions need every output type, so the node is then left
// uninferred (its outputs keep their declarations) rather than reported.
struct SubgraphOutputsUnknown {};

const onnx::TensorShapeProto* ShapeOf(const onnx::TypeProto& t) {
  if (t.has_tensor_type() && t.tensor_type().has_shape()) return &t.tensor_type().shape();
  return nullptr;
}

class TypeRules {
 public:
  explicit TypeRules(Context& c) : c_(c) {}

  void Run() {
    for (const GraphScope& s : c_.graphs()) {
      if (s.kind == GraphScope::Kind::kFunction || s.function) continue;  // no types in bodies
      CheckDeclarations(s);
    }
    for (const GraphScope& s : c_.graphs()) {
      if (!s.function) InferGraph(s);
    }
    for (const GraphScope& s : c_.graphs()) {
      if (s.function) continue;
      for (const Node* n : s.graph->nodes()) {
        bool is_if = n->Is("", "If");
        if (is_if && !inferred_through_.contains(n)) CheckIfBranches(s, *n);
      }
    }
  }

  // Infers a graph's nodes in order, once: a sub-graph may be inferred early, through the
  // node that holds it, with the input types that node passes in.
  void InferGraph(const GraphScope& s) {
    if (!inferred_graphs_.insert(s.graph).second) return;
    for (const Node* n : s.graph->nodes()) InferNode(s, *n);
  }

  // libonnx's view of one sub-graph attribute: binds the input types the op passes in (where
  // the body declares none), infers the body, and returns its output types.
  class SubgraphInference : public onnx::GraphInferencer {
   public:
    SubgraphInference(TypeRules& rules, const GraphScope& scope) : rules_(rules), scope_(scope) {}

    std::vector<const onnx::TypeProto*> doInferencing(
        const std::vector<const onnx::TypeProto*>& input_types,
        const std::vector<const onnx::TensorProto*>&) override {
      const Graph& g = *scope_.graph;
      for (size_t i = 0; i < g.inputs().size() && i < input_types.size(); ++i) {
        const Value* v = g.inputs()[i];
        const onnx::TypeProto* t = input_types[i];
        if (!v->type() && t && t->value_case() != onnx::TypeProto::VALUE_NOT_SET) {
          rules_.types_[v] = *t;
        }
      }
      rules_.InferGraph(scope_);
      std::vector<const onnx::TypeProto*> out;
      for (const Value* v : g.outputs()) {
        const onnx::TypeProto* t = rules_.TypeOf(v);
        if (!t) throw SubgraphOutputsUnknown{};
        out.push_back(t);
      }
      return out;
    }

   private:
    TypeRules& rules_;
    const GraphScope& scope_;
  };

 private:
  void CheckDeclared(const GraphScope& s, const Value* v) {
    const Type* t = v->type();
    if (!t) return;
    if ((t->kind == Type::Kind::kTensor || t->kind == Type::Kind::kSparseTensor) &&
        t->elem_type == 0) {
      c_.Error("types.undefined-elem-type", c_.ValueLocation(s, v->name()),
               fmt::format("'{}' is declared with element type 0 (UNDEFINED)", v->name()));
    }
  }

  void CheckDeclarations(const GraphScope& s) {
    const Graph& g = *s.graph;
    for (const Value* v : g.inputs()) {
      if (!v->type() && s.kind == GraphScope::Kind::kMain) {
        c_.Error("types.missing-type", c_.ValueLocation(s, v->name()),
                 fmt::format("graph input '{}' has no type", v->name()));
      }
      CheckDeclared(s, v);
      if (v->type() && v->initializer()) CheckInitializerDeclaration(s, v);
    }
    for (const Value* v : g.value_info()) CheckDeclared(s, v);
    for (const Value* v : g.outputs()) CheckDeclared(s, v);
  }

  void CheckInitializerDeclaration(const GraphScope& s, const Value* v) {
    const Type& declared = *v->type();
    Type data = schema::TypeOfTensor(*v->initializer());
    bool conflict = declared.kind != Type::Kind::kTensor ||
                    (declared.elem_type != 0 && declared.elem_type != data.elem_type);
    if (!conflict && declared.shape) {
      const auto& dims = declared.shape->dims;
      conflict = dims.size() != data.shape->dims.size();
      for (size_t i = 0; !conflict && i < dims.size(); ++i) {
        conflict = dims[i].kind == Dim::Kind::kValue && dims[i].value != data.shape->dims[i].value;
      }
    }
    if (conflict) {
      c_.Error("types.initializer-mismatch", c_.ValueLocation(s, v->name()),
               fmt::format("graph input '{}' is declared {} but its initializer is {}", v->name(),
                           TypeToString(declared), TypeToString(data)));
    }
  }

  // The type known for a value: inferred or declared, or an initializer's.
  const onnx::TypeProto* TypeOf(const Value* v) {
    if (auto it = types_.find(v); it != types_.end()) return &it->second;
    std::optional<Type> t;
    if (v->type() && v->type()->kind != Type::Kind::kNone)
      t = *v->type();
    else if (v->initializer())
      t = schema::TypeOfTensor(*v->initializer());
    if (!t) return nullptr;
    return &types_.emplace(v, schema::ToOnnx(*t)).first->second;
  }

  const onnx::TensorProto* DataOf(const Value* v) {
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

  // Inputs bound to one homogeneous type variable must agree; inputs must be of a kind the
  // parameter allows.
  // Whether `allowed` (libonnx type strings) has a type of the same kind as `type`
  // ("tensor(", "seq(", …); an empty set allows everything.
  static bool KindAllowed(const onnx::DataTypeSet& allowed, std::string_view type) {
    if (allowed.empty()) return true;
    std::string_view kind = type.substr(0, type.find('('));
    for (const auto& t : allowed) {
      std::string_view candidate(*t);
      if (candidate.substr(0, candidate.find('(')) == kind) return true;
    }
    return false;
  }

  // Inputs bound to one homogeneous type variable must agree; inputs must be of a kind the
  // parameter allows.
  bool CheckInputBindings(const GraphScope& s, const Node& n, const OpSchema& schema,
                          const std::vector<const onnx::TypeProto*>& types) {
    // Type variable -> (type, input index) of its first binding.
    absl::flat_hash_map<std::string_view, std::pair<const std::string*, size_t>> bound;
    const auto& formals = schema.inputs();
    bool ok = true;
    auto at = [&](size_t i, const OpSchema::FormalParameter& formal) {
      Location loc = c_.NodeLocation(s, n);
      loc.slot = fmt::format("input {} ({})", i, formal.GetName());
      return loc;
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
        c_.Error("types.kind-mismatch", at(i, formal),
                 fmt::format("input '{}' is {}, but {} takes {}", n.input(i)->name(), *type,
                             n.op_type, formal.GetTypeStr()));
        ok = false;
        continue;
      }
      bool homogeneous = formal.GetOption() != OpSchema::Variadic || formal.GetIsHomogeneous();
      if (!homogeneous) continue;
      auto [it, first] = bound.emplace(formal.GetTypeStr(), std::make_pair(type, i));
      // libonnx interns type strings: equal types have equal pointers.
      if (!first && it->second.first != type) {
        c_.Error(
            "types.type-mismatch", at(i, formal),
            fmt::format("inputs {} ({}) and {} ({}) both bind type {} of {}", it->second.second,
                        *it->second.first, i, *type, formal.GetTypeStr(), n.op_type));
        ok = false;
      }
    }
    return ok;
  }

  void InferNode(const GraphScope& s, const Node& n) {
    if (c_.FindFunction(n.domain, n.op_type)) return;
    if (!schema::IsStandardDomain(n.domain)) return;
    auto version = c_.OpsetVersion(s, n.domain);
    auto known = schema::KnownMaxVersion(n.domain);
    if (!version || !known || *version > *known) return;
    const OpSchema* schema = schema::Find(n.op_type, *version, n.domain);
    if (!schema) return;
    std::vector<const onnx::TypeProto*> types;
    bool complete = true;
    for (const Value* v : n.inputs()) {
      types.push_back(v ? TypeOf(v) : nullptr);
      complete = complete && (!v || types.back());
    }
    if (!CheckInputBindings(s, n, *schema, types) || !complete) return;
    if (!schema->has_type_and_shape_inference_function()) return;
    onnx::NodeProto proto = schema::ToOnnx(n);
    // libonnx's inference functions assume a node its schema accepts (they dereference
    // required attributes unchecked): a node with schema problems is the "schema" group's
    // to report and is not inferred.
    try {
      schema->Verify(proto);
    } catch (const std::exception&) {
      return;
    }
    infer::BoundedInputTypes bounded(types);
    if (!PreconditionsHold(s, n, *schema, proto, bounded.types())) return;
    std::vector<std::unique_ptr<SubgraphInference>> subgraphs;
    NodeInference ctx(
        proto, bounded.types(), [&](size_t i) { return DataOf(n.input(i)); },
        [&](size_t i) -> const onnx::TensorShapeProto* {
          auto it = symbolic_.find(n.input(i));
          return it == symbolic_.end() ? nullptr : &it->second;
        },
        [&](const std::string& name) -> onnx::GraphInferencer* {
          const Attribute* a = n.FindAttribute(name);
          const GraphScope* scope = a && a->g ? c_.ScopeOf(a->g.get()) : nullptr;
          if (!scope) return nullptr;
          subgraphs.push_back(std::make_unique<SubgraphInference>(*this, *scope));
          return subgraphs.back().get();
        });
    try {
      schema->GetTypeAndShapeInferenceFunction()(ctx);
    } catch (const SubgraphOutputsUnknown&) {
      return;
    } catch (const std::exception& e) {
      c_.Error("types.inference", c_.NodeLocation(s, n), CleanMessage(e.what()));
      return;
    }
    if (!subgraphs.empty()) inferred_through_.insert(&n);
    if (schema->has_data_propagation_function()) Propagate(n, *schema, ctx, bounded.types());
    for (size_t i = 0; i < n.outputs().size(); ++i) {
      const Value* out = n.output(i);
      if (!out || ctx.outputs()[i].value_case() == onnx::TypeProto::VALUE_NOT_SET) continue;
      CheckOutputConstraint(s, n, *schema, i, ctx.outputs()[i]);
      Merge(s, out, ctx.outputs()[i]);
    }
  }

  // What the inference function assumes but does not check (infer/preconditions.h): each
  // violation is reported at the node, which is then not inferred.
  bool PreconditionsHold(const GraphScope& s, const Node& n, const OpSchema& schema,
                         const onnx::NodeProto& proto,
                         const std::vector<const onnx::TypeProto*>& types) {
    auto violations = infer::CheckPreconditions(schema, proto, types,
                                                [&](size_t i) { return DataOf(n.input(i)); });
    for (const infer::Violation& v : violations) {
      if (v.reported_by_schema_rules) continue;
      Location at = c_.NodeLocation(s, n);
      at.slot = v.slot;
      c_.Error(PreconditionCode(v.kind), at, v.message);
    }
    return violations.empty();
  }

  static std::string PreconditionCode(infer::Violation::Kind kind) {
    switch (kind) {
      case infer::Violation::Kind::kInputRank: return "types.input-rank";
      case infer::Violation::Kind::kAttributeValue: return "types.attr-range";
      case infer::Violation::Kind::kAttributeLength: return "types.attr-length";
      case infer::Violation::Kind::kInputValue: return "types.input-value";
      case infer::Violation::Kind::kNegativeDim: return "types.negative-dim";
      case infer::Violation::Kind::kTooLarge: return "types.too-large";
    }
    return "types.inference";
  }

  void CheckOutputConstraint(const GraphScope& s, const Node& n, const OpSchema& schema,
                             size_t index, const onnx::TypeProto& type) {
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
    Location at = c_.NodeLocation(s, n);
    at.slot = fmt::format("output {} ({})", index, formal.GetName());
    c_.Error(
        "types.output-type", at,
        fmt::format("output '{}' would be {}, which {}-{} does not allow for {}", formal.GetName(),
                    *dt, n.op_type, schema.since_version(), formal.GetTypeStr()));
  }

  // The known values of an input for data propagation: propagated earlier, or a small
  // integer constant.
  const onnx::TensorShapeProto* ShapeDataOf(const Value* v) {
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

  void Propagate(const Node& n, const OpSchema& schema, const NodeInference& inferred,
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

  static std::string CleanMessage(std::string message) {
    // libonnx prefixes "[ShapeInferenceError] " and appends node context we already give.
    for (const char* prefix : {"[ShapeInferenceError] ", "[TypeInferenceError] "}) {
      if (message.rfind(prefix, 0) == 0) message.erase(0, std::strlen(prefix));
    }
    return message;
  }

  // Compares an inferred type with the value's declaration and records what is known.
  void Merge(const GraphScope& s, const Value* v, const onnx::TypeProto& inferred) {
    const onnx::TypeProto* declared = v->type() ? TypeOf(v) : nullptr;
    if (!declared) {
      types_[v] = inferred;
      return;
    }
    const GraphScope* owner = c_.ScopeOf(v->graph());
    Location at = c_.ValueLocation(owner ? *owner : s, v->name());
    auto conflict = [&](const char* code, const std::string& what) {
      c_.Error(
          code, at,
          fmt::format("'{}' is declared {} but {} produces {}: {}", v->name(),
                      TypeString(*declared), NodeLabel(*v->producer(), c_.IndexOf(*v->producer())),
                      TypeString(inferred), what));
    };
    if (declared->value_case() != inferred.value_case()) {
      conflict("types.kind-mismatch", "different kinds of type");
      return;
    }
    if (!declared->has_tensor_type() || !inferred.has_tensor_type()) return;
    int de = declared->tensor_type().elem_type(), ie = inferred.tensor_type().elem_type();
    if (de != 0 && ie != 0 && de != ie) {
      conflict("types.elem-type-mismatch", "the element types differ");
      return;
    }
    const auto* ds = ShapeOf(*declared);
    const auto* is = ShapeOf(inferred);
    if (!ds || !is) return;
    if (ds->dim_size() != is->dim_size()) {
      conflict("types.rank-mismatch",
               fmt::format("rank {} against rank {}", ds->dim_size(), is->dim_size()));
      return;
    }
    for (int i = 0; i < ds->dim_size(); ++i) {
      const auto& a = ds->dim(i);
      const auto& b = is->dim(i);
      if (a.has_dim_value() && b.has_dim_value() && a.dim_value() != b.dim_value()) {
        conflict("types.dim-mismatch",
                 fmt::format("dimension {} is {} against {}", i, a.dim_value(), b.dim_value()));
        return;
      }
    }
  }

  void CheckIfBranches(const GraphScope& s, const Node& n) {
    const Attribute* then_branch = n.FindAttribute("then_branch");
    const Attribute* else_branch = n.FindAttribute("else_branch");
    if (!then_branch || !else_branch || !then_branch->g || !else_branch->g) return;
    const auto& a = then_branch->g->outputs();
    const auto& b = else_branch->g->outputs();
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      const onnx::TypeProto* ta = TypeOf(a[i]);
      const onnx::TypeProto* tb = TypeOf(b[i]);
      if (!ta || !tb || !ta->has_tensor_type() || !tb->has_tensor_type()) continue;
      int ea = ta->tensor_type().elem_type(), eb = tb->tensor_type().elem_type();
      // Since opset 11 the branches may differ in shape; the element type must agree.
      if (ea != 0 && eb != 0 && ea != eb) {
        Location at = c_.NodeLocation(s, n);
        at.slot = fmt::format("output {}", i);
        c_.Error("types.branch-mismatch", at,
                 fmt::format("then_branch yields {} but else_branch yields {} for output {}",
                             TypeString(*ta), TypeString(*tb), i));
      }
    }
  }

 public:
  // Every type known after Run(): declared, initializer-derived or inferred.
  const absl::node_hash_map<const Value*, onnx::TypeProto>& types() const { return types_; }

 private:
  Context& c_;
  // Node-based: inference contexts hold pointers to these while more are added.
  absl::node_hash_map<const Value*, onnx::TypeProto> types_;
  absl::node_hash_map<const Value*, onnx::TensorProto> data_;
  absl::flat_hash_set<const Graph*> inferred_graphs_;
  // Nodes whose sub-graphs libonnx's inference function checked (If branches included).
  absl::flat_hash_set<const Node*> inferred_through_;
  // Values known by data propagation (shapes and small integer tensors), as ONNX keeps them.
  absl::node_hash_map<const Value*, onnx::TensorShapeProto> symbolic_;
};

}  // namespace

void CheckTypeRules(Context& c) { TypeRules(c).Run(); }

std::vector<std::pair<const Value*, Type>> InferTypes(Context& c) {
  TypeRules rules(c);
  rules.Run();
  std::vector<std::pair<const Value*, Type>> out;
  for (const auto& [value, type] : rules.types()) out.emplace_back(value, schema::FromOnnx(type));
  return out;
}

}  // namespace onnxkit::check_internal
