#include "passes/constant_to_initializer.h"

#include <fmt/format.h>

#include <variant>

#include "passes/graph_sites.h"

namespace onnxkit::passes {
namespace {

// A Constant's value: a dense tensor, a sparse one, or why there is none.
using ConstantValue = std::variant<Tensor, SparseTensor, std::string>;

Tensor Vector(DataType type, std::vector<int64_t> dims) {
  Tensor t;
  t.data_type = static_cast<int32_t>(type);
  t.dims = std::move(dims);
  return t;
}

// The value one attribute of a Constant gives, or nullopt when it is not a value attribute.
std::optional<ConstantValue> ValueOf(const Attribute& a) {
  auto wrong_type = [&] {
    return ConstantValue(fmt::format("its attribute '{}' is a reference or of type {}", a.name,
                                     AttributeTypeName(a.type)));
  };
  if (a.name == "value") {
    if (const Tensor* t = a.AsTensor()) return ConstantValue(*t);
    return wrong_type();
  }
  if (a.name == "sparse_value") {
    bool holds = a.ref_attr_name.empty() && a.sparse_tensor &&
                 (a.type == AttributeType::kSparseTensor || a.type == AttributeType::kUndefined);
    if (holds) return ConstantValue(*a.sparse_tensor);
    return wrong_type();
  }
  if (a.name == "value_float") {
    std::optional<float> f = a.AsFloat();
    if (!f) return wrong_type();
    Tensor t = Vector(DataType::kFloat, {});
    t.float_data = {*f};
    return ConstantValue(std::move(t));
  }
  if (a.name == "value_floats") {
    auto fs = a.AsFloats();
    if (!fs) return wrong_type();
    Tensor t = Vector(DataType::kFloat, {static_cast<int64_t>(fs->size())});
    t.float_data.assign(fs->begin(), fs->end());
    return ConstantValue(std::move(t));
  }
  if (a.name == "value_int") {
    std::optional<int64_t> i = a.AsInt();
    if (!i) return wrong_type();
    Tensor t = Vector(DataType::kInt64, {});
    t.int64_data = {*i};
    return ConstantValue(std::move(t));
  }
  if (a.name == "value_ints") {
    auto is = a.AsInts();
    if (!is) return wrong_type();
    Tensor t = Vector(DataType::kInt64, {static_cast<int64_t>(is->size())});
    t.int64_data.assign(is->begin(), is->end());
    return ConstantValue(std::move(t));
  }
  if (a.name == "value_string") {
    std::optional<std::string_view> s = a.AsString();
    if (!s) return wrong_type();
    Tensor t = Vector(DataType::kString, {});
    t.string_data = {std::string(*s)};
    return ConstantValue(std::move(t));
  }
  if (a.name == "value_strings") {
    auto ss = a.AsStrings();
    if (!ss) return wrong_type();
    Tensor t = Vector(DataType::kString, {static_cast<int64_t>(ss->size())});
    t.string_data.assign(ss->begin(), ss->end());
    return ConstantValue(std::move(t));
  }
  return std::nullopt;
}

// The one value a Constant node carries, or why it has not exactly one.
ConstantValue ValueOf(const Node& node) {
  std::optional<ConstantValue> found;
  int count = 0;
  for (const Attribute& a : node.attributes) {
    std::optional<ConstantValue> v = ValueOf(a);
    if (!v) continue;
    ++count;
    if (!found || std::holds_alternative<std::string>(*v)) found = std::move(v);
  }
  if (count == 0) return "it has no value attribute";
  if (count > 1) return fmt::format("it has {} value attributes", count);
  return *std::move(found);
}

// Why the Constants of `site` cannot become initializers, or nullopt when they can.
std::optional<std::string> WhyNotHere(const GraphSite& site, const Model& model) {
  if (site.function) return "a function body has no initializers";
  if (site.graph == model.graph.get() && model.ir_version > 0 && model.ir_version < 4) {
    return fmt::format(
        "IR version {} requires every initializer to be a graph input as well, which would "
        "give the model a new input",
        model.ir_version);
  }
  return std::nullopt;
}

}  // namespace

ConstantToInitializerPass::ConstantToInitializerPass(const PassOptions&) {}

StatusOr<PassResult> ConstantToInitializerPass::Run(Model& model, PassContext&) {
  PassResult result;
  for (const GraphSite& site : RewritableGraphs(model)) {
    Graph& graph = *site.graph;
    std::optional<std::string> not_here = WhyNotHere(site, model);
    size_t index = 0;  // of the current node, in the graph as it is now
    for (Node* n : graph.EraseSafeNodes()) {
      const size_t at = index++;
      if (!n->Is("", "Constant")) continue;
      if (not_here) {
        result.Skip(NodePath(site, *n, at), *not_here);
        continue;
      }
      Value* out = n->output(0);
      if (!out || n->outputs().size() != 1) {
        result.Skip(NodePath(site, *n, at), "its output is omitted or it has several");
        continue;
      }
      ConstantValue value = ValueOf(*n);
      if (const std::string* why = std::get_if<std::string>(&value)) {
        result.Skip(NodePath(site, *n, at), *why);
        continue;
      }
      Value* init;
      if (Tensor* t = std::get_if<Tensor>(&value)) {
        t->name = out->name();
        init = graph.AddInitializer(std::move(*t));
      } else {
        init = graph.AddSparseInitializer(out->name(), std::get<SparseTensor>(std::move(value)));
      }
      init->mutable_info() = out->info();
      out->ReplaceAllUsesWith(init, Value::GraphOutputs::kRedirect);
      Status removed = graph.RemoveNode(n);
      if (!removed.ok()) {
        return absl::InternalError(
            fmt::format("{}: {}", NodePath(site, *n, at), std::string(removed.message())));
      }
      --index;  // the node is gone
      result.changed = true;
      result.Count("constants-converted");
    }
  }
  return result;
}

}  // namespace onnxkit::passes
