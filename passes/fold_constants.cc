#include "passes/fold_constants.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/clone.h"
#include "onnxkit/constant.h"
#include "onnxkit/eval.h"
#include "onnxkit/infer.h"
#include "onnxkit/name_table.h"
#include "onnxkit/topological_sort.h"
#include "passes/graph_sites.h"
#include "passes/infer_shapes.h"

namespace onnxkit::passes {
namespace {

using Settings = FoldConstantsPass::Settings;

constexpr std::string_view kRandomOps[] = {"RandomNormal",      "RandomUniform", "RandomNormalLike",
                                           "RandomUniformLike", "Multinomial",   "Bernoulli"};
constexpr std::string_view kQuantizationOps[] = {
    "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "ConvInteger", "MatMulInteger"};

bool InDefaultDomain(const Node& n) { return NormalDomain(n.domain).empty(); }

bool IsQuantization(const Node& n) {
  return std::find(std::begin(kQuantizationOps), std::end(kQuantizationOps), n.op_type) !=
             std::end(kQuantizationOps) ||
         n.op_type.starts_with("QLinear");
}

bool Given(const Value* v) { return v != nullptr && !v->name().empty(); }

// Why `n` gives different outputs from run to run, or nullopt when it does not.
std::optional<std::string> Randomness(const Node& n) {
  if (!InDefaultDomain(n)) return std::nullopt;
  if (std::find(std::begin(kRandomOps), std::end(kRandomOps), n.op_type) != std::end(kRandomOps)) {
    return fmt::format("{} draws random numbers", n.op_type);
  }
  if (n.op_type == "Dropout" && Given(n.input(2))) {
    // Dropout-12 and later: training_mode decides; without it (or false) Dropout is the
    // identity.
    StatusOr<Tensor> mode = ConstantTensor(n.input(2));
    if (!mode.ok()) return "Dropout's training_mode is computed at run time";
    StatusOr<TypedView<bool>> flag = View<bool>(*mode);
    if (!flag.ok() || flag->size() != 1 || (*flag)[0]) return "Dropout in training mode is random";
  }
  return std::nullopt;
}

// The dims of a tensor value as far as they are known: its constant's dims, else its type's
// shape; nullopt when even the rank is unknown. Reads no data.
std::optional<std::vector<Dim>> KnownDims(const Value& v) {
  auto from = [](const std::vector<int64_t>& dims) {
    std::vector<Dim> out;
    for (int64_t d : dims) out.push_back(Dim::Value(d));
    return out;
  };
  if (!v.is_graph_input()) {
    if (const Tensor* t = v.initializer()) return from(t->dims);
    if (const SparseTensor* s = v.sparse_initializer()) return from(s->dims);
  }
  const Type* type = v.type();
  if (type == nullptr || type->kind != Type::Kind::kTensor || !type->shape) return std::nullopt;
  return type->shape->dims;
}

// Whether inference may yet find dims of `v` it does not know (a symbolic dim stays so).
bool MayBecomeKnown(const Value& v) {
  std::optional<std::vector<Dim>> dims = KnownDims(v);
  return !dims || std::any_of(dims->begin(), dims->end(),
                              [](const Dim& d) { return d.kind == Dim::Kind::kUnknown; });
}

// Whether every dim of `info`'s tensor type is a number: inference can learn nothing more.
bool AllDimsNumbers(const ValueInfo& info) {
  if (!info.has_type || info.type.kind != Type::Kind::kTensor || !info.type.shape) return false;
  return std::all_of(info.type.shape->dims.begin(), info.type.shape->dims.end(),
                     [](const Dim& d) { return d.kind == Dim::Kind::kValue; });
}

// How much a dim says: a number more than a symbol, a symbol more than nothing.
int Knowledge(const Dim& d) {
  switch (d.kind) {
    case Dim::Kind::kValue: return 2;
    case Dim::Kind::kParam: return 1;
    case Dim::Kind::kUnknown: return 0;
  }
  return 0;
}

// Whether `now` tells more than `before` and contradicts nothing in it: a type where there
// was none, a shape where the rank was unknown, or dims that became symbols or numbers.
bool Refines(const ValueInfo& now, const ValueInfo& before) {
  if (!now.has_type) return false;
  if (!before.has_type) return true;
  const Type& a = now.type;
  const Type& b = before.type;
  if (a.kind != Type::Kind::kTensor || b.kind != a.kind || a.elem_type != b.elem_type || !a.shape) {
    return false;
  }
  if (!b.shape) return true;
  if (a.shape->dims.size() != b.shape->dims.size()) return false;
  bool more = false;
  for (size_t i = 0; i < a.shape->dims.size(); ++i) {
    const Dim& x = a.shape->dims[i];
    const Dim& y = b.shape->dims[i];
    if (Knowledge(x) < Knowledge(y)) return false;
    if (Knowledge(x) == Knowledge(y)) {
      if (x.kind == Dim::Kind::kValue && x.value != y.value) return false;
      if (x.kind == Dim::Kind::kParam && x.param != y.param) return false;
    } else {
      more = true;
    }
  }
  return more;
}

std::string DimText(const Dim& d) {
  return d.kind == Dim::Kind::kParam ? fmt::format("symbolic ({})", d.param) : "unknown";
}

// The value of a Shape or Size node computed from the dims of its input, or why it cannot
// be (a dim that is not a number). Reads no data.
StatusOr<Tensor> ShapeOrSize(const Node& n) {
  const Value* x = n.input(0);
  if (!Given(x)) return absl::InvalidArgumentError("it has no input");
  std::optional<std::vector<Dim>> dims = KnownDims(*x);
  if (!dims)
    return absl::InvalidArgumentError(fmt::format("the rank of '{}' is unknown", x->name()));
  const auto rank = static_cast<int64_t>(dims->size());
  int64_t start = 0;
  int64_t end = rank;
  if (n.op_type == "Shape") {
    // Shape-15: negative bounds count from the end; both are clamped to [0, rank].
    auto clamp = [&](int64_t i) { return std::clamp(i < 0 ? i + rank : i, int64_t{0}, rank); };
    start = clamp(n.GetInt("start").value_or(0));
    end = std::max(start, clamp(n.GetInt("end").value_or(rank)));
  }
  std::vector<int64_t> values;
  for (int64_t i = start; i < end; ++i) {
    const Dim& d = (*dims)[static_cast<size_t>(i)];
    if (d.kind != Dim::Kind::kValue) {
      return absl::InvalidArgumentError(
          fmt::format("dim {} of '{}' is {}", i, x->name(), DimText(d)));
    }
    values.push_back(d.value);
  }
  Tensor t;
  if (n.op_type == "Shape") {
    ONNXKIT_ASSIGN_OR_RETURN(
        t, Tensor::FromValues<int64_t>({static_cast<int64_t>(values.size())}, values));
  } else {
    int64_t size = 1;
    for (int64_t v : values) {
      if (v < 0 || (v != 0 && size > INT64_MAX / v)) {
        return absl::InvalidArgumentError(fmt::format("the size of '{}' overflows", x->name()));
      }
      size *= v;
    }
    t = Tensor::Scalar<int64_t>(size);
  }
  return t;
}

// Bytes a tensor of `type` with `count` elements takes; strings count as unknown (nullopt).
std::optional<uint64_t> BytesOf(int32_t type, int64_t count) {
  if (type == static_cast<int32_t>(DataType::kString)) return std::nullopt;
  StatusOr<uint64_t> bytes = RawByteSizeOf(type, count);
  if (!bytes.ok()) return std::nullopt;
  return *bytes;
}

// The bytes of a computed tensor (strings: their lengths).
uint64_t TensorBytes(const Tensor& t) {
  if (t.data_type == static_cast<int32_t>(DataType::kString)) {
    uint64_t total = 0;
    for (const std::string& s : t.string_data) total += s.size();
    return total;
  }
  StatusOr<uint64_t> bytes = t.RawByteSize();
  return bytes.ok() ? *bytes : UINT64_MAX;
}

// The bytes an output of a declared static type will take, or nullopt when not known.
std::optional<uint64_t> DeclaredBytes(const Value& v) {
  const Type* type = v.type();
  if (type == nullptr || type->kind != Type::Kind::kTensor || !type->shape) return std::nullopt;
  int64_t count = 1;
  for (const Dim& d : type->shape->dims) {
    if (d.kind != Dim::Kind::kValue || d.value < 0) return std::nullopt;
    if (d.value != 0 && count > INT64_MAX / d.value) return UINT64_MAX;
    count *= d.value;
  }
  return BytesOf(type->elem_type, count);
}

// Calls `fn` on `graph` and on its sub-graphs at any depth.
void ForEachGraphUnder(Graph& graph, const std::function<void(Graph&)>& fn) {
  fn(graph);
  for (Node* n : graph.nodes()) {
    for (Graph* sub : n->subgraphs()) ForEachGraphUnder(*sub, fn);
  }
}

// Every graph of the model, training graphs included (type inference visits those too).
std::vector<Graph*> AllGraphs(Model& model) {
  std::vector<Graph*> graphs;
  auto add = [&](Graph& g) { graphs.push_back(&g); };
  if (model.graph) ForEachGraphUnder(*model.graph, add);
  for (auto& fn : model.functions) ForEachGraphUnder(*fn->body, add);
  for (TrainingInfo& t : model.training_info) {
    if (t.initialization) ForEachGraphUnder(*t.initialization, add);
    if (t.algorithm) ForEachGraphUnder(*t.algorithm, add);
  }
  return graphs;
}

bool IsWithin(const Graph* g, const Graph* ancestor) {
  for (; g != nullptr; g = g->parent()) {
    if (g == ancestor) return true;
  }
  return false;
}

// The types the pass's own inference adds, so that they can be taken back: which values
// had no type and which value_info entries each graph had before.
class TypeSnapshot {
 public:
  explicit TypeSnapshot(Model& model) {
    for (Graph* g : AllGraphs(model)) {
      for (Value* v : g->values()) {
        if (!v->info().has_type) untyped_.insert(v);
      }
      for (Value* v : g->value_info()) declared_.insert(v);
    }
  }

  // Takes the partial types of intermediate values away before an inference (so that it
  // refines them), keeping the declarations they had when the pass started.
  void ForgetPartial(Model& model) {
    std::vector<std::pair<Value*, ValueInfo>> forgotten = ForgetPartialTypes(model);
    original_.reserve(original_.size() + forgotten.size());
    for (auto& [v, info] : forgotten) original_.try_emplace(v, std::move(info));
  }

  // Takes the type of `v` away before `v` is inferred again, keeping the declaration it had
  // when the pass started.
  void ForgetOne(Value& v) {
    original_.try_emplace(&v, v.info());
    v.mutable_info().has_type = false;
    v.mutable_info().type = Type();
  }

  // Forgets the values of `graph` (about to be destroyed: its addresses may be reused).
  void Forget(Graph& graph) {
    ForEachGraphUnder(graph, [&](Graph& g) {
      for (Value* v : g.values()) {
        untyped_.erase(v);
        declared_.erase(v);
        original_.erase(v);
      }
    });
  }

  // Gives back the declarations partial types had, removes the types of values that had
  // none and the value_info entries added since.
  void Restore(Model& model) {
    for (auto& [v, info] : original_) {
      if (v->kind() != Value::Kind::kUndefined) v->mutable_info() = info;
    }
    for (Graph* g : AllGraphs(model)) {
      for (Value* v : g->values()) {
        if (untyped_.contains(v) && v->kind() != Value::Kind::kInitializer) {
          v->mutable_info().has_type = false;
          v->mutable_info().type = Type();
        }
      }
      for (size_t i = g->value_info().size(); i-- > 0;) {
        if (!declared_.contains(g->value_info()[i])) (void)g->RemoveValueInfo(i);
      }
    }
  }

 private:
  absl::flat_hash_set<const Value*> untyped_;
  absl::flat_hash_set<const Value*> declared_;
  absl::flat_hash_map<Value*, ValueInfo> original_;
};

// The names in use outside `excluded` (and its sub-graphs), so that what moves out of it
// keeps its names where they are free.
void ReserveNamesOutside(Model& model, const Graph* excluded, NameTable& values, NameTable& nodes) {
  for (Graph* g : AllGraphs(model)) {
    if (IsWithin(g, excluded)) continue;
    for (const Value* v : g->values()) values.Reserve(v->name());
    for (const Node* n : g->nodes()) {
      if (!n->name.empty()) nodes.Reserve(n->name);
    }
  }
}

class Folder {
 public:
  Folder(Model& model, const Settings& settings, PassResult& result)
      : model_(model),
        settings_(settings),
        result_(result),
        types_(model),
        bound_(TrainingBoundNames(model)) {}

  // Infers the whole model's types, then sweeps; again while a sweep folded something and
  // left a Shape or Size waiting for an unknown dim: whole-model inference propagates data
  // through values no fold made constant, and may make that dim known. Within a sweep, a
  // node that reads what the sweep folded (or what that refined) and is not folded itself
  // is inferred again (Refine): in topological order, the dims a fold makes known reach the
  // Shape nodes after it in the same sweep, so a chain of shape arithmetic folds in one.
  Status Run() {
    while (true) {
      const int64_t before = Progress();
      types_.ForgetPartial(model_);
      (void)InferModel(model_);  // what it cannot infer stays unknown: no fold needs it
      result_.Count("model-inferences");
      refined_.clear();
      bool restart = true;
      while (restart) {
        skipped_.clear();
        shapes_pending_ = false;
        ONNXKIT_ASSIGN_OR_RETURN(restart, Sweep());
      }
      if (!shapes_pending_ || Progress() == before) break;
    }
    for (SkippedCandidate& s : skipped_) result_.Skip(std::move(s.where), std::move(s.reason));
    ONNXKIT_RETURN_IF_ERROR(RemoveOrphans());
    types_.Restore(model_);
    return absl::OkStatus();
  }

 private:
  int64_t Progress() const {
    return result_.Stat("nodes-folded") + result_.Stat("shapes-folded") +
           result_.Stat("ifs-inlined");
  }

  // One walk over every graph, parents first. True when an If was replaced by its branch:
  // the walk then starts again (the graphs changed under it).
  StatusOr<bool> Sweep() {
    for (const GraphSite& site : RewritableGraphs(model_)) {
      if (!settings_.subgraphs && site.graph->parent() != nullptr) continue;
      std::optional<std::string> not_here = WhyNotHere(site);
      Node* next = nullptr;
      index_ = 0;
      for (Node* n = site.graph->first_node(); n != nullptr; n = next) {
        next = n->next();
        const size_t count = site.graph->node_count();
        if (not_here) {
          if (AllInputsConstant(*n) && !n->Is("", "Constant")) Skip(site, *n, *not_here);
        } else {
          ONNXKIT_ASSIGN_OR_RETURN(bool restart, Visit(site, *n));
          if (restart) return true;
          // Not folded: the nodes after it may learn dims from it.
          if (site.graph->node_count() == count) Refine(*n);
        }
        if (site.graph->node_count() == count) ++index_;  // else the fold removed `n`
      }
    }
    return false;
  }

  std::optional<std::string> WhyNotHere(const GraphSite& site) const {
    if (site.function) {
      return "a function body has no initializers to fold into (run inline-functions first)";
    }
    if (site.graph == model_.graph.get() && model_.ir_version > 0 && model_.ir_version < 4) {
      return fmt::format(
          "IR version {} requires every initializer to be a graph input as well, which would "
          "give the model new inputs",
          model_.ir_version);
    }
    return std::nullopt;
  }

  static bool AllInputsConstant(const Node& n) {
    return std::all_of(n.inputs().begin(), n.inputs().end(),
                       [](const Value* v) { return !Given(v) || IsConstant(v); });
  }

  static bool AnyOutputRead(const Node& n) {
    return std::any_of(n.outputs().begin(), n.outputs().end(), [](const Value* v) {
      return v != nullptr && (v->has_uses() || v->is_graph_output());
    });
  }

  // `n` is the node the sweep is at (its index is index_: no walk to name it).
  void Skip(const GraphSite& site, const Node& n, std::string reason) {
    skipped_.push_back({NodePath(site, n, index_), std::move(reason)});
  }

  bool Excluded(const Node& n) const {
    return settings_.exclude_ops.contains(n.op_type) ||
           (!n.name.empty() && settings_.exclude_nodes.contains(n.name));
  }

  StatusOr<bool> Visit(const GraphSite& site, Node& n) {
    if (n.Is("", "Constant") || !AnyOutputRead(n)) return false;
    const bool is_if = n.Is("", "If") && IsConstant(n.input(0));
    const bool is_shape = n.Is("", "Shape") || n.Is("", "Size");
    if (!is_if && !is_shape && !AllInputsConstant(n)) return false;
    if (Excluded(n)) {
      Skip(site, n,
           settings_.exclude_ops.contains(n.op_type) ? "excluded by exclude-ops"
                                                     : "excluded by exclude-nodes");
      return false;
    }
    if (is_if) return InlineIf(site, n);
    if (is_shape) {
      StatusOr<Tensor> value = ShapeOrSize(n);
      if (!value.ok()) {
        shapes_pending_ = shapes_pending_ || (Given(n.input(0)) && MayBecomeKnown(*n.input(0)));
        Skip(site, n, std::string(StatusMessage(value.status())));
        return false;
      }
      std::vector<Tensor> outputs;
      outputs.push_back(*std::move(value));
      ONNXKIT_RETURN_IF_ERROR(Replace(site, n, std::move(outputs)));
      result_.Count("shapes-folded");
      return false;
    }
    ONNXKIT_RETURN_IF_ERROR(Fold(site, n));
    return false;
  }

  // Infers `n` again when one of its inputs is in refined_, so that the nodes after it see
  // the dims that became known. Only the outputs whose dims are not all numbers are
  // inferred again, and a type that does not tell more than the one it had (inference of
  // one node lacks the data propagation of a whole-model run) is given back. A node
  // holding sub-graphs waits for the next whole-model inference.
  void Refine(Node& n) {
    if (refined_.empty() || std::none_of(n.inputs().begin(), n.inputs().end(), [&](const Value* v) {
          return v != nullptr && refined_.contains(v);
        })) {
      return;
    }
    if (!n.subgraphs().empty()) return;
    std::vector<std::pair<Value*, ValueInfo>> before;
    for (Value* out : n.outputs()) {
      if (!Given(out) || out->is_graph_output() || AllDimsNumbers(out->info())) continue;
      before.emplace_back(out, out->info());
    }
    if (before.empty()) return;
    for (auto& [out, info] : before) types_.ForgetOne(*out);
    (void)InferNode(model_, n);
    for (auto& [out, info] : before) {
      if (Refines(out->info(), info)) {
        refined_.insert(out);
      } else {
        out->mutable_info() = std::move(info);
      }
    }
  }

  // Evaluates `n` (all inputs constant) and replaces it by its outputs, or records why not.
  Status Fold(const GraphSite& site, Node& n) {
    if (!n.subgraphs().empty()) {
      Skip(site, n, "it holds sub-graphs (only an If with a constant condition is folded)");
      return absl::OkStatus();
    }
    if (std::optional<std::string> random = Randomness(n)) {
      Skip(site, n, *random);
      return absl::OkStatus();
    }
    if (IsQuantization(n) && !settings_.fold_quantization) {
      Skip(site, n, "a quantisation op (fold-quantization=true folds it)");
      return absl::OkStatus();
    }
    std::optional<int64_t> version = model_.OpsetVersionOf(n);
    if (!version) {
      Skip(site, n, fmt::format("the model imports no opset for domain '{}'", n.domain));
      return absl::OkStatus();
    }
    // The inputs as tensors that read their data only when asked (external data stays on
    // disk until the evaluator runs).
    std::vector<std::optional<Tensor>> inputs(n.inputs().size());
    std::vector<int32_t> types(n.inputs().size(), 0);
    int64_t largest_input = 0;
    const ConstantOptions constant_options{.max_densified_bytes = settings_.max_input_size};
    for (size_t i = 0; i < n.inputs().size(); ++i) {
      if (!Given(n.input(i))) continue;
      StatusOr<Tensor> t = ConstantTensor(n.input(i), constant_options);
      if (!t.ok()) {
        Skip(site, n, fmt::format("input '{}': {}", n.input(i)->name(), StatusMessage(t.status())));
        return absl::OkStatus();
      }
      types[i] = t->data_type;
      StatusOr<int64_t> count = t->ElementCount();
      std::optional<uint64_t> bytes = count.ok() ? BytesOf(t->data_type, *count) : std::nullopt;
      if (count.ok()) largest_input = std::max(largest_input, *count);
      if (bytes && *bytes > settings_.max_input_size) {
        Skip(site, n,
             fmt::format("input '{}' takes {} bytes, more than max-input-size ({}): it is not "
                         "read",
                         n.input(i)->name(), *bytes, settings_.max_input_size));
        return absl::OkStatus();
      }
      inputs[i] = *std::move(t);
    }
    EvalSupport support = CanEvaluate(n, *version, types);
    if (!support.supported) {
      Skip(site, n, support.reason);
      return absl::OkStatus();
    }
    for (const Value* out : n.outputs()) {
      if (!Given(out)) continue;
      std::optional<uint64_t> bytes = DeclaredBytes(*out);
      if (bytes && *bytes > settings_.max_size) {
        Skip(site, n, TooLarge(*out, *bytes));
        return absl::OkStatus();
      }
    }
    std::vector<const Tensor*> pointers;
    for (const std::optional<Tensor>& t : inputs) pointers.push_back(t ? &*t : nullptr);
    EvalOptions options;
    // Room for the inputs, and for outputs up to max-size (an element takes a byte at least):
    // an Expand or Tile far beyond the limit stops early instead of filling memory.
    options.max_elements = std::max<int64_t>(
        {largest_input, static_cast<int64_t>(std::min<uint64_t>(settings_.max_size, INT64_MAX)),
         1});
    StatusOr<std::vector<Tensor>> outputs = EvaluateNode(n, *version, pointers, options);
    if (!outputs.ok()) {
      Skip(site, n,
           absl::IsResourceExhausted(outputs.status())
               ? fmt::format("an output would take more than max-size ({} bytes)",
                             settings_.max_size)
               : std::string(StatusMessage(outputs.status())));
      return absl::OkStatus();
    }
    for (size_t i = 0; i < outputs->size() && i < n.outputs().size(); ++i) {
      if (!Given(n.output(i))) continue;
      if (uint64_t bytes = TensorBytes((*outputs)[i]); bytes > settings_.max_size) {
        Skip(site, n, TooLarge(*n.output(i), bytes));
        return absl::OkStatus();
      }
    }
    ONNXKIT_RETURN_IF_ERROR(Replace(site, n, *std::move(outputs)));
    result_.Count("nodes-folded");
    return absl::OkStatus();
  }

  std::string TooLarge(const Value& out, uint64_t bytes) const {
    return fmt::format("output '{}' would take {} bytes, more than max-size ({})", out.name(),
                       bytes, settings_.max_size);
  }

  // Makes each read output of `n` an initializer of its graph holding `values[i]`, and
  // removes `n`; its inputs may have lost their last reader.
  Status Replace(const GraphSite& site, Node& n, std::vector<Tensor> values) {
    Graph& graph = *site.graph;
    for (size_t i = 0; i < n.outputs().size() && i < values.size(); ++i) {
      Value* out = n.output(i);
      if (out == nullptr || (!out->has_uses() && !out->is_graph_output())) continue;
      Tensor& t = values[i];
      t.name = out->name();
      ValueInfo info = out->info();
      // The computed dims replace symbolic ones the declaration may have had.
      std::vector<Dim> dims;
      for (int64_t d : t.dims) dims.push_back(Dim::Value(d));
      info.has_type = true;
      info.type = Type::Tensor(static_cast<DataType>(t.data_type), std::move(dims));
      Value* init = graph.AddInitializer(std::move(t));
      init->mutable_info() = std::move(info);
      out->ReplaceAllUsesWith(init, Value::GraphOutputs::kRedirect);
      refined_.insert(init);
    }
    std::vector<Value*> inputs;
    for (Value* in : n.inputs()) {
      if (Given(in)) inputs.push_back(in);
    }
    if (Status removed = graph.RemoveNode(&n); !removed.ok()) {
      return absl::InternalError(
          fmt::format("{}: {}", NodePath(site, n), std::string(removed.message())));
    }
    for (Value* in : inputs) {
      if (IsOrphanInitializerOf(graph, *in)) {
        ONNXKIT_RETURN_IF_ERROR(graph.RemoveInitializer(in));
        result_.Count("initializers-removed");
      } else {
        orphans_[in->graph()].push_back(in);
      }
    }
    result_.changed = true;
    return absl::OkStatus();
  }

  // Whether `v` is an initializer of `graph` that nothing reads any more and that may go
  // (one the training info binds stays). Replace removes such inputs of a fold at once, so
  // that the intermediate tensors of a constant chain (masks of a megabyte, in a Swin) are
  // not all held until the sweep ends; RemoveOrphans asks the same of the rest.
  bool IsOrphanInitializerOf(const Graph& graph, const Value& v) const {
    return v.kind() == Value::Kind::kInitializer && v.graph() == &graph && !v.has_uses() &&
           !v.is_graph_output() && !v.is_graph_input() &&
           !(graph.parent() == nullptr && bound_.contains(v.name()));
  }

  // Replaces an If whose condition is constant by the nodes of the branch it takes.
  StatusOr<bool> InlineIf(const GraphSite& site, Node& n) {
    StatusOr<Tensor> cond = ConstantTensor(n.input(0));
    StatusOr<TypedView<bool>> flag =
        cond.ok() ? View<bool>(*cond) : StatusOr<TypedView<bool>>(cond.status());
    if (!flag.ok() || flag->size() != 1) {
      Skip(site, n, "its condition is not one bool");
      return false;
    }
    Graph* branch = n.GetGraph((*flag)[0] ? "then_branch" : "else_branch");
    if (branch == nullptr || !branch->inputs().empty() ||
        branch->outputs().size() != n.outputs().size()) {
      Skip(site, n, "its branch is missing or does not match its outputs");
      return false;
    }
    Graph& graph = *site.graph;
    NameTable value_names;
    NameTable node_names;
    ReserveNamesOutside(model_, branch, value_names, node_names);
    ValueMap map;
    for (Value* init : branch->initializers()) {
      Tensor t = *init->initializer();
      t.name = value_names.Fresh(init->name());
      Value* copy = graph.AddInitializer(std::move(t));
      copy->mutable_info() = init->info();
      map.emplace(init, copy);
    }
    for (Value* init : branch->sparse_initializers()) {
      Value* copy =
          graph.AddSparseInitializer(value_names.Fresh(init->name()), *init->sparse_initializer());
      copy->mutable_info() = init->info();
      map.emplace(init, copy);
    }
    for (const Node* inner : branch->nodes()) {
      Node* copy = CloneNode(*inner, graph, &n, map, &value_names);
      if (!copy->name.empty()) copy->name = node_names.Fresh(copy->name);
    }
    // Each If output is replaced by a value that then takes its name: a node output the
    // branch computed, or an Identity of what the branch returns from elsewhere.
    std::vector<std::pair<Value*, std::string>> renames;
    absl::flat_hash_set<const Value*> taken;
    for (size_t i = 0; i < n.outputs().size(); ++i) {
      Value* out = n.output(i);
      if (!Given(out)) continue;
      Value* source = branch->outputs()[i];
      auto it = map.find(source);
      Value* replacement = it != map.end() ? it->second : source;
      bool own = replacement->kind() == Value::Kind::kNodeOutput &&
                 replacement->graph() == &graph && it != map.end() &&
                 !replacement->is_graph_output() && !taken.contains(replacement);
      if (!own) {
        Node* identity =
            graph.InsertNodeBefore(&n, "Identity", {replacement}, {value_names.Fresh(out->name())});
        identity->name = node_names.Fresh(n.name.empty() ? "Identity" : n.name);
        identity->output(0)->mutable_info() = replacement->info();
        replacement = identity->output(0);
      }
      taken.insert(replacement);
      out->ReplaceAllUsesWith(replacement, Value::GraphOutputs::kRedirect);
      renames.emplace_back(replacement, out->name());
    }
    orphans_[n.input(0)->graph()].push_back(n.input(0));
    for (Graph* sub : n.subgraphs()) {
      types_.Forget(*sub);
      ForEachGraphUnder(*sub, [&](Graph& g) { orphans_.erase(&g); });
    }
    if (Status removed = graph.RemoveNode(&n); !removed.ok()) {
      return absl::InternalError(
          fmt::format("{}: {}", NodePath(site, n), std::string(removed.message())));
    }
    for (auto& [value, name] : renames) value->set_name(std::move(name));
    result_.changed = true;
    result_.Count("ifs-inlined");
    return true;
  }

  // Removes what the folds left without readers: producers (transitively) and initializers,
  // children's graphs before their parents'.
  Status RemoveOrphans() {
    std::vector<GraphSite> sites = RewritableGraphs(model_);
    for (size_t s = sites.size(); s-- > 0;) {
      Graph& graph = *sites[s].graph;
      auto found = orphans_.find(&graph);
      if (found == orphans_.end()) continue;
      std::vector<Value*> worklist = std::move(found->second);
      orphans_.erase(found);
      while (!worklist.empty()) {
        Value* v = worklist.back();
        worklist.pop_back();
        if (v->has_uses() || v->is_graph_output() || v->is_graph_input()) continue;
        if (v->kind() == Value::Kind::kInitializer) {
          if (IsOrphanInitializerOf(graph, *v)) {
            ONNXKIT_RETURN_IF_ERROR(graph.RemoveInitializer(v));
            result_.Count("initializers-removed");
          }
          continue;
        }
        Node* producer = v->kind() == Value::Kind::kNodeOutput ? v->producer() : nullptr;
        if (producer == nullptr || AnyOutputRead(*producer)) continue;
        std::vector<Value*> reads;
        ForEachRead(*producer, [&](Value* r) { reads.push_back(r); });
        if (Status removed = graph.RemoveNode(producer); !removed.ok()) {
          return absl::InternalError(
              fmt::format("{}: {}", NodePath(sites[s], *producer), std::string(removed.message())));
        }
        result_.Count("nodes-removed");
        for (Value* r : reads) {
          if (r->graph() == &graph) {
            worklist.push_back(r);
          } else {
            orphans_[r->graph()].push_back(r);
          }
        }
      }
    }
    return absl::OkStatus();
  }

  Model& model_;
  const Settings& settings_;
  PassResult& result_;
  TypeSnapshot types_;
  // Names the training info binds: their initializers stay.
  absl::flat_hash_set<std::string> bound_;
  std::vector<SkippedCandidate> skipped_;  // of the last sweep
  size_t index_ = 0;                       // of the node the sweep is at, in its graph
  bool shapes_pending_ = false;            // a Shape or Size of the last sweep met an unknown dim
  // Values this sweep made constant, then those whose types that refined: their readers,
  // later in the sweep, are inferred again (Refine).
  absl::flat_hash_set<const Value*> refined_;
  // Values whose reader a fold removed, by the graph that owns them.
  absl::flat_hash_map<const Graph*, std::vector<Value*>> orphans_;
};

absl::flat_hash_set<std::string> ToSet(const std::vector<std::string>& names) {
  return {names.begin(), names.end()};
}

}  // namespace

FoldConstantsPass::FoldConstantsPass(const PassOptions& options) {
  settings_.max_size = options.GetSize("max-size");
  settings_.max_input_size = options.GetSize("max-input-size");
  settings_.exclude_ops = ToSet(options.GetList("exclude-ops"));
  settings_.exclude_nodes = ToSet(options.GetList("exclude-nodes"));
  settings_.fold_quantization = options.GetBool("fold-quantization");
  settings_.subgraphs = options.GetBool("subgraphs");
}

StatusOr<PassResult> FoldConstantsPass::Run(Model& model, PassContext& /*context*/) {
  PassResult result;
  if (!model.graph) return result;
  ONNXKIT_RETURN_IF_ERROR(Folder(model, settings_, result).Run());
  return result;
}

}  // namespace onnxkit::passes
