#include "passes/fusion_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "onnxkit/constant.h"
#include "onnxkit/number_formats.h"

namespace onnxkit::passes::fusion {
namespace {

Status Refuse(std::string reason) { return absl::FailedPreconditionError(std::move(reason)); }

template <typename T, typename Convert>
StatusOr<Tensor> Build(std::string name, std::vector<int64_t> dims,
                       const std::vector<double>& values, Convert convert) {
  std::vector<T> out;
  out.reserve(values.size());
  for (double v : values) out.push_back(convert(v));
  ONNXKIT_ASSIGN_OR_RETURN(Tensor t, Tensor::FromValues<T>(std::move(dims), out));
  t.name = std::move(name);
  return t;
}

int64_t Product(const std::vector<int64_t>& dims, size_t from) {
  int64_t p = 1;
  for (size_t i = from; i < dims.size(); ++i) p *= dims[i];
  return p;
}

// The output channel of each element of a Conv weight [M, C/group, k…] (its first index) or a
// ConvTranspose weight [C, M/group, k…] (group g's input channels feed output channels
// g·M/group … (g+1)·M/group − 1).
std::vector<int64_t> WeightChannels(const Node& conv, const std::vector<int64_t>& dims) {
  const int64_t count = Product(dims, 0);
  std::vector<int64_t> channel(static_cast<size_t>(count));
  if (conv.op_type == "Conv") {
    const int64_t inner = Product(dims, 1);
    for (int64_t i = 0; i < count; ++i) channel[static_cast<size_t>(i)] = i / inner;
    return channel;
  }
  const int64_t group = conv.GetInt("group").value_or(1);
  const int64_t inner = Product(dims, 2);
  const int64_t per_group_in = dims[0] / group;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t in = i / (dims[1] * inner);
    const int64_t j = (i / inner) % dims[1];
    channel[static_cast<size_t>(i)] = (in / per_group_in) * dims[1] + j;
  }
  return channel;
}

}  // namespace

bool IsFloatType(int32_t type) {
  switch (static_cast<DataType>(type)) {
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kFloat16:
    case DataType::kBfloat16: return true;
    default: return false;
  }
}

StatusOr<std::vector<double>> FloatValues(const Tensor& tensor) {
  if (!IsFloatType(tensor.data_type)) {
    return Refuse(
        fmt::format("'{}' is {}, not a float type", tensor.name, DataTypeName(tensor.data_type)));
  }
  return ToDoubles(tensor, kMaxWeightElements);
}

StatusOr<Tensor> FloatTensor(int32_t type, std::string name, std::vector<int64_t> dims,
                             const std::vector<double>& values) {
  switch (static_cast<DataType>(type)) {
    case DataType::kFloat:
      return Build<float>(std::move(name), std::move(dims), values,
                          [](double v) { return static_cast<float>(v); });
    case DataType::kDouble:
      return Build<double>(std::move(name), std::move(dims), values, [](double v) { return v; });
    case DataType::kFloat16:
      return Build<Float16>(std::move(name), std::move(dims), values,
                            [](double v) { return ToFloat16(static_cast<float>(v)); });
    case DataType::kBfloat16:
      return Build<Bfloat16>(std::move(name), std::move(dims), values,
                             [](double v) { return ToBfloat16(static_cast<float>(v)); });
    default:
      return absl::InvalidArgumentError(
          fmt::format("cannot write '{}' as {}", name, DataTypeName(type)));
  }
}

std::optional<Tensor> ConstantOf(const Value* value) {
  if (!IsConstant(value)) return std::nullopt;
  StatusOr<Tensor> t = ConstantTensor(value);
  if (!t.ok()) return std::nullopt;
  return *std::move(t);
}

Editor::Editor(Model& model) : model_(model), training_bound_(TrainingBoundNames(model)) {}

void Editor::TakeNames() {
  if (names_taken_) return;
  values_ = NameTable::ValueNames(model_);
  nodes_ = NameTable::NodeNames(model_);
  names_taken_ = true;
}

bool Editor::IsTrainingBound(const Value* value) const {
  return value && value->graph() == model_.graph.get() && training_bound_.contains(value->name());
}

Value* Editor::AddConstant(const GraphSite& site, Node& reader, std::string_view base,
                           Tensor tensor) {
  TakeNames();
  tensor.name = values_.Fresh(base);
  if (site.function) {
    Node* constant = site.graph->InsertNodeBefore(&reader, "Constant", {}, {tensor.name});
    constant->name = nodes_.Fresh(tensor.name);
    constant->SetAttribute(Attribute::OfTensor("value", std::move(tensor)));
    return constant->output(0);
  }
  return site.graph->AddInitializer(std::move(tensor));
}

std::string Editor::FreshNodeName(std::string_view base) {
  TakeNames();
  return nodes_.Fresh(base);
}

std::string Editor::FreshValueName(std::string_view base) {
  TakeNames();
  return values_.Fresh(base);
}

void Editor::TakeOver(Value& old, Value& replacement) {
  TakeNames();
  Graph& graph = *replacement.graph();
  const bool returned = old.is_graph_output();
  if (returned) {
    // The output's own declaration comes along; a value_info entry would declare it twice.
    for (size_t i = graph.value_info().size(); i-- > 0;) {
      if (graph.value_info()[i] == &replacement) (void)graph.RemoveValueInfo(i);
    }
  }
  if (old.type() || returned) replacement.mutable_info() = old.info();
  std::string name = old.name();
  old.ReplaceAllUsesWith(&replacement, Value::GraphOutputs::kRedirect);
  old.set_name(values_.Fresh(name + "/fused"));
  replacement.set_name(std::move(name));
}

void Editor::DropIfUnread(Value* value) {
  if (!value || value->has_uses() || value->is_graph_output() || value->is_graph_input() ||
      IsTrainingBound(value)) {
    return;
  }
  if (Node* producer = value->producer()) {
    if (producer->Is("", "Constant")) (void)producer->graph()->RemoveNode(producer);
    return;
  }
  if (value->kind() == Value::Kind::kInitializer) (void)value->graph()->RemoveInitializer(value);
}

Node* ConvProducer(const Node& reader, size_t input_index) {
  const Value* in = reader.input(input_index);
  Node* producer = in ? in->producer() : nullptr;
  if (!producer || producer->output(0) != in) return nullptr;
  if (!producer->Is("", "Conv") && !producer->Is("", "ConvTranspose")) return nullptr;
  return producer;
}

StatusOr<ConvWeights> FusableConv(const Node& conv, const Node& reader) {
  if (conv.graph() != reader.graph()) return Refuse("its producer is in an enclosing graph");
  const Value* out = conv.output(0);
  if (out->is_graph_output()) {
    return Refuse(
        fmt::format("the {}'s output '{}' is also a graph output", conv.op_type, out->name()));
  }
  if (out->use_count() != 1) {
    return Refuse(fmt::format("the {}'s output '{}' has other readers", conv.op_type, out->name()));
  }
  ConvWeights w;
  w.conv = const_cast<Node*>(&conv);
  std::optional<Tensor> weight = ConstantOf(conv.input(1));
  if (!weight) return Refuse(fmt::format("the {}'s weight is not constant", conv.op_type));
  if (!IsFloatType(weight->data_type)) {
    return Refuse(fmt::format("the {}'s weight is {}, not a float type", conv.op_type,
                              DataTypeName(weight->data_type)));
  }
  if (weight->dims.size() < 3) {
    return Refuse(fmt::format("the {}'s weight has rank {}", conv.op_type, weight->dims.size()));
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, weight->ElementCount());
  if (count > kMaxWeightElements) {
    return Refuse(fmt::format("the {}'s weight has {} elements (more than {})", conv.op_type, count,
                              kMaxWeightElements));
  }
  if (conv.op_type == "Conv") {
    w.channels = weight->dims[0];
  } else {
    const int64_t group = conv.GetInt("group").value_or(1);
    if (group < 1 || weight->dims[0] % group != 0) {
      return Refuse(fmt::format("group {} does not divide the ConvTranspose's {} input channels",
                                group, weight->dims[0]));
    }
    w.channels = weight->dims[1] * group;
  }
  if (const Value* b = conv.input(2)) {
    w.bias = ConstantOf(b);
    if (!w.bias) return Refuse(fmt::format("the {}'s bias is not constant", conv.op_type));
    if (w.bias->data_type != weight->data_type || w.bias->dims != std::vector{w.channels}) {
      return Refuse(fmt::format("the {}'s bias is not {}[{}]", conv.op_type,
                                DataTypeName(weight->data_type), w.channels));
    }
  }
  w.weight = *std::move(weight);
  return w;
}

Status FoldChannelAffine(Editor& editor, const GraphSite& site, const ConvWeights& weights,
                         const std::vector<double>* scale, const std::vector<double>& shift,
                         Node& follower, std::string_view suffix) {
  Node& conv = *weights.conv;
  for (const Value* v : {conv.input(1), conv.input(2)}) {
    if (editor.IsTrainingBound(v)) {
      return Refuse(fmt::format("training_info binds '{}'", v->name()));
    }
  }
  for (const Value* v : follower.inputs()) {
    if (editor.IsTrainingBound(v)) {
      return Refuse(fmt::format("training_info binds '{}'", v->name()));
    }
  }
  Value* old_w = conv.input(1);
  Value* old_b = conv.input(2);
  const int32_t type = weights.weight.data_type;
  const auto channels = static_cast<size_t>(weights.channels);

  std::vector<double> bias(channels, 0.0);
  if (weights.bias) {
    ONNXKIT_ASSIGN_OR_RETURN(bias, FloatValues(*weights.bias));
  }
  for (size_t c = 0; c < channels; ++c) {
    bias[c] = (scale ? bias[c] * (*scale)[c] : bias[c]) + shift[c];
  }
  const bool needs_bias =
      weights.bias || std::any_of(bias.begin(), bias.end(), [](double v) { return v != 0.0; });

  // Everything that can fail comes before the first change.
  std::optional<Tensor> w_tensor;
  if (scale) {
    ONNXKIT_ASSIGN_OR_RETURN(std::vector<double> w, FloatValues(weights.weight));
    const std::vector<int64_t> channel_of = WeightChannels(conv, weights.weight.dims);
    for (size_t i = 0; i < w.size(); ++i) w[i] *= (*scale)[static_cast<size_t>(channel_of[i])];
    ONNXKIT_ASSIGN_OR_RETURN(w_tensor, FloatTensor(type, "", weights.weight.dims, w));
  }
  std::optional<Tensor> b_tensor;
  if (needs_bias) {
    ONNXKIT_ASSIGN_OR_RETURN(b_tensor, FloatTensor(type, "", {weights.channels}, bias));
  }

  Value* new_w = old_w;
  if (w_tensor) {
    new_w = editor.AddConstant(site, conv, fmt::format("{}_{}", old_w->name(), suffix),
                               *std::move(w_tensor));
  }
  Value* new_b = nullptr;
  if (b_tensor) {
    std::string base = old_b ? fmt::format("{}_{}", old_b->name(), suffix)
                             : fmt::format("{}_bias_{}", old_w->name(), suffix);
    new_b = editor.AddConstant(site, conv, base, *std::move(b_tensor));
  }

  std::vector<Value*> follower_inputs = follower.inputs();
  conv.SetInput(1, new_w);
  if (conv.inputs().size() > 2) {
    conv.SetInput(2, new_b);
  } else if (new_b) {
    conv.AddInput(new_b);
  }
  Value* y = conv.output(0);
  editor.TakeOver(*follower.output(0), *y);
  Status removed = site.graph->RemoveNode(&follower);
  if (!removed.ok()) {
    return absl::InternalError(
        fmt::format("{}: {}", NodePath(site, follower), std::string(removed.message())));
  }
  for (Value* v : follower_inputs) editor.DropIfUnread(v);
  if (new_w != old_w) editor.DropIfUnread(old_w);
  editor.DropIfUnread(old_b);
  return absl::OkStatus();
}

StatusOr<std::vector<double>> PerChannelValues(const Tensor& k, size_t rank, int64_t channels) {
  if (k.dims.size() > rank) {
    return Refuse(
        fmt::format("the constant has rank {}, more than the output's {}", k.dims.size(), rank));
  }
  // Axis j of k lines up with output axis j + (rank − k rank); the channel axis is 1.
  const int64_t channel_axis = static_cast<int64_t>(k.dims.size()) - static_cast<int64_t>(rank) + 1;
  for (size_t j = 0; j < k.dims.size(); ++j) {
    const int64_t d = k.dims[j];
    if (static_cast<int64_t>(j) == channel_axis) {
      if (d != 1 && d != channels) {
        return Refuse(fmt::format("the constant's channel dim is {}, not 1 or {}", d, channels));
      }
    } else if (d != 1) {
      return Refuse(fmt::format("the constant {} varies along an axis other than the channels",
                                DimsToString(k.dims)));
    }
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<double> values, FloatValues(k));
  if (values.size() == 1) values.assign(static_cast<size_t>(channels), values[0]);
  return values;
}

StatusOr<PassResult> FuseChannelConstants(Model& model, ChannelOp op) {
  const bool add = op == ChannelOp::kAdd;
  const char* op_type = add ? "Add" : "Mul";
  PassResult result;
  Editor editor(model);
  for (const GraphSite& site : RewritableGraphs(model)) {
    for (Node* n : site.graph->EraseSafeNodes()) {
      if (!n->Is("", op_type) || n->inputs().size() != 2) continue;
      // The Conv may be either operand; the other one is the constant.
      size_t conv_side = ConvProducer(*n, 0) ? 0 : 1;
      Node* conv = ConvProducer(*n, conv_side);
      if (!conv) continue;
      auto skip = [&](const Status& why) {
        result.Skip(NodePath(site, *n), std::string(why.message()));
      };
      std::optional<Tensor> k = ConstantOf(n->input(1 - conv_side));
      if (!k) {
        skip(Refuse(fmt::format("its other operand '{}' is not constant",
                                n->input(1 - conv_side) ? n->input(1 - conv_side)->name() : "")));
        continue;
      }
      StatusOr<ConvWeights> weights = FusableConv(*conv, *n);
      if (!weights.ok()) {
        skip(weights.status());
        continue;
      }
      if (k->data_type != weights->weight.data_type) {
        skip(Refuse(fmt::format("the constant is {}, the weight {}", DataTypeName(k->data_type),
                                DataTypeName(weights->weight.data_type))));
        continue;
      }
      StatusOr<std::vector<double>> values =
          PerChannelValues(*k, weights->weight.dims.size(), weights->channels);
      if (!values.ok()) {
        skip(values.status());
        continue;
      }
      const std::vector<double> zeros(values->size(), 0.0);
      Status folded = FoldChannelAffine(editor, site, *weights, add ? nullptr : &*values,
                                        add ? *values : zeros, *n, add ? "add" : "mul");
      if (absl::IsInternal(folded)) return folded;
      if (!folded.ok()) {
        skip(folded);
        continue;
      }
      result.changed = true;
      result.Count(add ? "adds-fused" : "muls-fused");
    }
  }
  return result;
}

}  // namespace onnxkit::passes::fusion
