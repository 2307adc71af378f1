#include "passes/dynamic_scales.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"
#include "onnxkit/constant.h"
#include "onnxkit/infer.h"
#include "onnxkit/name_table.h"
#include "passes/model_copies.h"

namespace onnxkit::passes {
namespace {

using Shape = DynamicScalesPass::Shape;

std::string Where(const Node& n) {
  return n.name.empty() ? n.op_type : fmt::format("{} '{}'", n.op_type, n.name);
}

// A float tensor named `name`: `values` with `dims` (their counts agree by construction).
Tensor FloatTensor(std::string name, std::vector<int64_t> dims, const std::vector<float>& values) {
  Tensor t = *Tensor::FromValues<float>(std::move(dims), values);
  t.name = std::move(name);
  return t;
}

// The constant floats `v` holds, or why it is not a constant float vector.
StatusOr<std::vector<float>> ConstantFloats(const Value& v) {
  if (v.is_graph_input()) {
    return absl::InvalidArgumentError(
        fmt::format("scales '{}' are a graph input, set at run time already", v.name()));
  }
  StatusOr<Tensor> t = ConstantTensor(&v);
  if (absl::IsNotFound(t.status())) {
    return absl::InvalidArgumentError(
        fmt::format("scales '{}' are computed at run time", v.name()));
  }
  if (!t.ok()) return t.status();
  if (t->data_type != static_cast<int32_t>(DataType::kFloat)) {
    return absl::InvalidArgumentError(
        fmt::format("scales are {}, not float", DataTypeName(t->data_type)));
  }
  ONNXKIT_ASSIGN_OR_RETURN(TypedView<float> view, View<float>(*t));
  return view.ToVector();
}

struct Candidate {
  Node* node;
  size_t scales_index;
  Value* constant;
  std::vector<float> scales;
  size_t fixed;  // leading entries that belong to axes 0 and 1
};

// The leading entries of the scales that are for axes 0 and 1 (batch, channels), or why
// those do not come first.
StatusOr<size_t> FixedEntries(const Node& n, size_t count) {
  auto axes = n.GetInts("axes");
  if (!axes) return std::min<size_t>(2, count);
  std::optional<int64_t> rank;
  if (const Type* t = n.input(0) ? n.input(0)->type() : nullptr; t && t->shape) {
    rank = static_cast<int64_t>(t->shape->dims.size());
  }
  size_t fixed = 0;
  bool spatial_seen = false;
  for (int64_t axis : *axes) {
    if (axis < 0) {
      if (!rank) return absl::InvalidArgumentError("negative axes on an input of unknown rank");
      axis += *rank;
    }
    if (axis >= 2) {
      spatial_seen = true;
    } else if (spatial_seen) {
      return absl::InvalidArgumentError("axes list a spatial axis before axis 0 or 1");
    } else {
      ++fixed;
    }
  }
  return fixed;
}

// Maps every sub-graph of `g` (at any depth) to the node of `g` that holds it.
void MapOwners(const Graph& g, Node* owner, absl::flat_hash_map<const Graph*, Node*>& owners) {
  for (Node* n : g.nodes()) {
    for (const Graph* sub : n->subgraphs()) {
      owners[sub] = owner ? owner : n;
      MapOwners(*sub, owner ? owner : n, owners);
    }
  }
}

class Promoter {
 public:
  Promoter(Model& model, Shape shape, PassResult& result)
      : model_(model), main_(*model.graph), shape_(shape), result_(result) {
    MapOwners(main_, nullptr, owners_);
  }

  // Every Resize / Upsample of the main graph and its sub-graphs that can be rewritten; the
  // others are recorded as skipped with their reason.
  std::vector<Candidate> FindCandidates() {
    std::vector<Candidate> found;
    std::function<void(Graph&)> walk = [&](Graph& g) {
      for (Node* n : g.nodes()) {
        if (n->Is("", "Resize") || n->Is("", "Upsample")) {
          StatusOr<Candidate> c = CandidateOf(*n);
          if (c.ok()) {
            found.push_back(*std::move(c));
          } else {
            result_.Skip(Where(*n), std::string(StatusMessage(c.status())));
          }
        }
        for (Graph* sub : n->subgraphs()) walk(*sub);
      }
    };
    walk(main_);
    for (const auto& fn : model_.functions) {
      ForEachNodeIn(*fn->body, [&](const Node& n) {
        if (n.Is("", "Resize") || n.Is("", "Upsample")) {
          result_.Skip(Where(n), fmt::format("inside function {}, which cannot read a graph "
                                             "input (run inline-functions first)",
                                             fn->name));
        }
      });
    }
    return found;
  }

  // Gives each group of candidates one new input (named `name`, made unique) and rewires
  // their scales to it.
  Value* Promote(const std::vector<Candidate*>& group, const std::string& name, bool keep_default) {
    const Candidate& first = *group.front();
    const std::vector<float>& scales = first.scales;
    const auto spatial = static_cast<int64_t>(scales.size() - first.fixed);
    std::vector<int64_t> dims;
    if (shape_ == Shape::kFull) dims = {static_cast<int64_t>(scales.size())};
    if (shape_ == Shape::kSpatial) dims = {spatial};
    ValueInfo info;
    info.has_type = true;
    std::vector<Dim> type_dims;
    for (int64_t d : dims) type_dims.push_back(Dim::Value(d));
    info.type = Type::Tensor(DataType::kFloat, std::move(type_dims));
    Value* input = main_.AddInput(Names().Fresh(name), info);
    if (keep_default) {
      std::vector<float> fed(
          scales.begin() + (shape_ == Shape::kFull ? 0 : first.fixed),
          shape_ == Shape::kScalar ? scales.begin() + first.fixed + 1 : scales.end());
      main_.AttachInitializer(input, FloatTensor(input->name(), dims, fed));
    }
    Value* full = FullScales(*input, scales, first.fixed, spatial);
    for (Candidate* c : group) {
      c->node->SetInput(c->scales_index, full);
      result_.Count("nodes-rewritten");
    }
    result_.Count("inputs-added");
    return input;
  }

  // Removes the constants nothing reads any more.
  void RemoveUnusedConstants(const std::vector<Candidate>& candidates) {
    for (const Candidate& c : candidates) {
      Value* v = c.constant;
      if (v->has_uses() || v->is_graph_output()) continue;
      Status removed = v->initializer() ? v->graph()->RemoveInitializer(v)
                       : v->producer()  ? v->graph()->RemoveNode(v->producer())
                                        : absl::OkStatus();
      if (removed.ok()) result_.Count("constants-removed");
    }
  }

  // The main-graph values that the rewritten nodes' outputs reach.
  absl::flat_hash_set<const Value*> Downstream(const std::vector<Candidate>& candidates) {
    absl::flat_hash_set<const Value*> reached;
    std::vector<const Value*> work;
    auto reach_outputs_of = [&](Node* n) {
      if (n->graph() != &main_) n = owners_.at(n->graph());
      for (const Value* out : n->outputs()) {
        if (out && reached.insert(out).second) work.push_back(out);
      }
    };
    for (const Candidate& c : candidates) reach_outputs_of(c.node);
    while (!work.empty()) {
      const Value* v = work.back();
      work.pop_back();
      for (const Use& u : v->uses()) reach_outputs_of(u.node);
    }
    return reached;
  }

  NameTable& Names() {
    if (!names_) names_ = NameTable::ValueNames(model_);
    return *names_;
  }

 private:
  static void ForEachNodeIn(const Graph& g, const std::function<void(const Node&)>& fn) {
    for (const Node* n : g.nodes()) {
      fn(*n);
      for (const Graph* sub : n->subgraphs()) ForEachNodeIn(*sub, fn);
    }
  }

  StatusOr<Candidate> CandidateOf(Node& n) {
    int64_t version = model_.OpsetVersionOf(n).value_or(0);
    size_t index = 1;
    if (n.op_type == "Upsample") {
      if (version < 9) {
        return absl::InvalidArgumentError(
            fmt::format("Upsample-{} has its scales as an attribute", version));
      }
      if (version > 9) {
        return absl::InvalidArgumentError(
            fmt::format("Upsample is deprecated at opset {} (use Resize)", version));
      }
    } else if (version < 10) {
      return absl::InvalidArgumentError(fmt::format("Resize-{} is not in the standard", version));
    } else if (version >= 11) {
      index = 2;
      if (const Value* sizes = n.input(3); sizes && !IsEmptyConstant(*sizes)) {
        return absl::InvalidArgumentError("it uses sizes, not scales");
      }
    }
    Value* scales = n.input(index);
    if (!scales) return absl::InvalidArgumentError("it has no scales input");
    ONNXKIT_ASSIGN_OR_RETURN(std::vector<float> values, ConstantFloats(*scales));
    if (values.empty()) return absl::InvalidArgumentError("its scales are empty (it uses sizes)");
    ONNXKIT_ASSIGN_OR_RETURN(size_t fixed, FixedEntries(n, values.size()));
    if (shape_ != Shape::kFull) {
      if (fixed == values.size()) {
        return absl::InvalidArgumentError("its scales have no spatial axis (use shape=full)");
      }
      if (shape_ == Shape::kScalar && !std::all_of(values.begin() + fixed, values.end(),
                                                   [&](float f) { return f == values[fixed]; })) {
        return absl::InvalidArgumentError(
            "its spatial factors differ, and shape=scalar feeds one for all");
      }
    }
    return Candidate{&n, index, scales, std::move(values), fixed};
  }

  // Whether `v` is a constant with no elements (Resize-11's way of leaving scales out).
  static bool IsEmptyConstant(const Value& v) {
    StatusOr<Tensor> t = ConstantTensor(&v);
    if (!t.ok()) return false;
    auto count = t->ElementCount();
    return count.ok() && *count == 0;
  }

  // The full scales vector built from `input` in the main graph: the input itself
  // (shape=full), or the constant factors of axes 0 and 1 followed by the spatial ones.
  Value* FullScales(Value& input, const std::vector<float>& scales, size_t fixed, int64_t spatial) {
    Value* spatial_scales = &input;
    Node* at = main_.first_node();
    auto insert = [&](std::string op, std::vector<Value*> inputs, std::string out) {
      Node* n = at ? main_.InsertNodeBefore(at, std::move(op), inputs, {Names().Fresh(out)})
                   : main_.AppendNode(std::move(op), inputs, {Names().Fresh(out)});
      n->name = n->output(0)->name();
      return n;
    };
    if (shape_ == Shape::kFull) return &input;
    if (shape_ == Shape::kScalar) {
      Tensor shape_tensor = *Tensor::FromValues<int64_t>({1}, std::vector<int64_t>{spatial});
      shape_tensor.name = Names().Fresh(input.name() + "_shape");
      Value* shape = main_.AddInitializer(std::move(shape_tensor));
      spatial_scales = insert("Expand", {&input, shape}, input.name() + "_spatial")->output(0);
    }
    if (fixed == 0) return spatial_scales;
    std::vector<float> leading(scales.begin(), scales.begin() + static_cast<std::ptrdiff_t>(fixed));
    Value* prefix = main_.AddInitializer(FloatTensor(Names().Fresh(input.name() + "_fixed"),
                                                     {static_cast<int64_t>(fixed)}, leading));
    Node* concat = insert("Concat", {prefix, spatial_scales}, input.name() + "_full");
    concat->SetAttribute(Attribute::Int("axis", 0));
    return concat->output(0);
  }

  Model& model_;
  Graph& main_;
  Shape shape_;
  PassResult& result_;
  absl::flat_hash_map<const Graph*, Node*> owners_;
  std::optional<NameTable> names_;
};

// The output types shape inference gives a copy of the model when every input in `fed` is
// the constant given beside it (scales made constant again); nullopt when the copy cannot be
// made.
std::optional<std::vector<std::optional<Type>>> ProbeOutputTypes(
    const ModelCopies& copies, const std::vector<std::pair<std::string, Tensor>>& fed) {
  StatusOr<std::unique_ptr<Model>> copy = copies.Make();
  if (!copy.ok()) return std::nullopt;
  Graph& g = *(*copy)->graph;
  for (const auto& [name, tensor] : fed) {
    Value* input = g.Lookup(name);
    if (!input) return std::nullopt;
    Tensor constant = tensor;
    constant.name = name + "/probe";
    input->ReplaceAllUsesWith(g.AddInitializer(std::move(constant)));
  }
  // Everything is inferred anew from the inputs.
  while (!g.value_info().empty()) (void)g.RemoveValueInfo(g.value_info().size() - 1);
  for (Value* out : g.outputs()) out->mutable_info().has_type = false;
  InferModel(**copy);
  std::vector<std::optional<Type>> types;
  for (const Value* out : g.outputs()) {
    types.push_back(out->type() ? std::optional<Type>(*out->type()) : std::nullopt);
  }
  return types;
}

std::optional<Dim> DimAt(const std::optional<std::vector<std::optional<Type>>>& types,
                         size_t output, size_t axis) {
  if (!types || output >= types->size() || !(*types)[output]) return std::nullopt;
  const Type& t = *(*types)[output];
  if (!t.shape || axis >= t.shape->dims.size()) return std::nullopt;
  return t.shape->dims[axis];
}

}  // namespace

DynamicScalesPass::DynamicScalesPass(const PassOptions& options)
    : name_(options.GetString("name")),
      name_given_(options.IsSet("name")),
      shape_text_(options.GetString("shape")),
      keep_default_(options.GetBool("keep-default")),
      per_node_(options.GetBool("per-node")) {}

StatusOr<PassResult> DynamicScalesPass::Run(Model& model, PassContext& /*context*/) {
  PassResult result;
  if (!model.graph) return result;
  Shape shape;
  if (shape_text_ == "full") {
    shape = Shape::kFull;
  } else if (shape_text_ == "spatial") {
    shape = Shape::kSpatial;
  } else if (shape_text_ == "scalar") {
    shape = Shape::kScalar;
  } else {
    return absl::InvalidArgumentError(
        fmt::format("shape is '{}'; it must be full, spatial or scalar", shape_text_));
  }
  Promoter promoter(model, shape, result);
  std::vector<Candidate> candidates = promoter.FindCandidates();
  if (candidates.empty()) return result;
  if (keep_default_ && model.ir_version < 4) {
    return absl::InvalidArgumentError(fmt::format(
        "keep-default needs IR version 4 or later (an input's default initializer); the model "
        "has IR version {}",
        model.ir_version));
  }

  // The constants the rewrite leaves unread go, and their names are free for the new
  // inputs (SRCNN's initializer is itself named `scales`): they are renamed out of the way
  // before any input is named.
  std::vector<Value*> going;
  {
    absl::flat_hash_map<const Value*, size_t> reads;
    for (const Candidate& c : candidates) ++reads[c.constant];
    absl::flat_hash_set<std::string> freed;
    for (const Candidate& c : candidates) {
      Value* v = c.constant;
      if (v->use_count() == reads[v] && !v->is_graph_output() && freed.insert(v->name()).second) {
        going.push_back(v);
      }
    }
    if (name_given_ && !freed.contains(name_) && NameTable::ValueNames(model).Contains(name_)) {
      return absl::InvalidArgumentError(fmt::format("the model already has a value '{}'", name_));
    }
    NameTable names = NameTable::ValueNames(model);
    for (Value* v : going) v->set_name(names.Fresh(v->name() + "/replaced"));
  }

  // Nodes with equal scales (and the same split into fixed and spatial) share an input.
  std::map<std::pair<std::vector<float>, size_t>, std::vector<Candidate*>> by_scales;
  std::vector<std::vector<Candidate*>> groups;
  for (Candidate& c : candidates) {
    if (per_node_) {
      groups.push_back({&c});
    } else {
      by_scales[{c.scales, c.fixed}].push_back(&c);
    }
  }
  for (auto& [key, group] : by_scales) groups.push_back(group);
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return a.front() < b.front();  // candidates are in graph order
  });

  // Probe values: the original factors, and the spatial ones changed.
  std::vector<std::pair<std::string, Tensor>> original, changed;
  for (const auto& group : groups) {
    Value* input = promoter.Promote(group, name_, keep_default_);
    const Candidate& c = *group.front();
    std::vector<float> fed(
        c.scales.begin() + (shape == Shape::kFull ? 0 : c.fixed),
        shape == Shape::kScalar ? c.scales.begin() + c.fixed + 1 : c.scales.end());
    std::vector<int64_t> dims;
    if (shape != Shape::kScalar) dims = {static_cast<int64_t>(fed.size())};
    original.emplace_back(input->name(), FloatTensor("", dims, fed));
    for (size_t i = shape == Shape::kFull ? c.fixed : 0; i < fed.size(); ++i) fed[i] += 1.0f;
    changed.emplace_back(input->name(), FloatTensor("", dims, fed));
  }
  promoter.RemoveUnusedConstants(candidates);

  // Declared types downstream of the rewritten nodes are stale: value_info entries go, and
  // output dims keep their numbers only where two factors give the same one.
  absl::flat_hash_set<const Value*> downstream = promoter.Downstream(candidates);
  Graph& main = *model.graph;
  for (size_t i = main.value_info().size(); i-- > 0;) {
    Value* v = main.value_info()[i];
    if (!downstream.contains(v) || v->is_graph_output()) continue;
    (void)main.RemoveValueInfo(i);
    v->mutable_info().has_type = false;
    result.Count("declarations-dropped");
  }
  // Serialized once, loaded once per probe.
  const ModelCopies copies(model);
  auto probe_a = ProbeOutputTypes(copies, original);
  auto probe_b = ProbeOutputTypes(copies, changed);
  for (size_t o = 0; o < main.outputs().size(); ++o) {
    Value* out = main.outputs()[o];
    if (!downstream.contains(out) || !out->type() || !out->type()->shape) continue;
    std::vector<Dim>& dims = out->mutable_info().type.shape->dims;
    for (size_t axis = 0; axis < dims.size(); ++axis) {
      if (dims[axis].kind != Dim::Kind::kValue) continue;
      std::optional<Dim> a = DimAt(probe_a, o, axis), b = DimAt(probe_b, o, axis);
      bool fixed = a && b && a->kind == Dim::Kind::kValue && b->kind == Dim::Kind::kValue &&
                   a->value == b->value;
      if (fixed) continue;
      dims[axis] = Dim::Param(fmt::format("{}_dim{}", out->name(), axis));
      result.Count("output-dims-made-symbolic");
    }
  }
  result.changed = true;
  return result;
}

}  // namespace onnxkit::passes
