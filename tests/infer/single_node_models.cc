#include "infer/single_node_models.h"

#include <onnx/defs/data_type_utils.h>
#include <onnx/defs/schema.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <tuple>

namespace onnxkit::testing {
namespace {

using onnx::AttributeProto;
using onnx::OpSchema;

constexpr int kMaxRank = 5;
constexpr int kRanks = kMaxRank + 1;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
// The dim every input gets when dims are not what a variant varies.
constexpr int64_t kTypicalDim = 3;

// How a dim is written: no value, a symbol, or a number (zero, small, past int32, huge).
const std::vector<std::optional<int64_t>>& DimKinds() {
  static const auto* kinds = new std::vector<std::optional<int64_t>>{
      std::nullopt,     -2,        0, 1, 2, 3, int64_t{1} << 31, (int64_t{1} << 40) + 1,
      int64_t{1} << 62, kInt64Max, -1};
  return *kinds;
}
// DimKinds() entry -2 stands for a symbolic dim ("N"); -1 is a negative dim as a hostile file
// may carry.
constexpr int64_t kSymbolicDim = -2;

const std::vector<int64_t>& IntPool() {
  static const auto* pool = new std::vector<int64_t>{
      0, 1, -1, 2, -2, 3, 5, -6, int64_t{1} << 31, int64_t{1} << 32, kInt64Max, kInt64Min};
  return *pool;
}

// An integer list is a length (relative to the rank of the first input) and a pattern.
enum class ListLength { kEmpty, kOne, kRank, kSpatial, kTwiceSpatial, kRankPlusOne };
constexpr ListLength kListLengths[] = {ListLength::kEmpty,        ListLength::kOne,
                                       ListLength::kRank,         ListLength::kSpatial,
                                       ListLength::kTwiceSpatial, ListLength::kRankPlusOne};
size_t Length(ListLength l, int rank) {
  int spatial = std::max(rank - 2, 0);
  switch (l) {
    case ListLength::kEmpty: return 0;
    case ListLength::kOne: return 1;
    case ListLength::kRank: return static_cast<size_t>(rank);
    case ListLength::kSpatial: return static_cast<size_t>(spatial);
    case ListLength::kTwiceSpatial: return static_cast<size_t>(2 * spatial);
    case ListLength::kRankPlusOne: return static_cast<size_t>(rank + 1);
  }
  return 0;
}

// Element patterns of integer lists: a constant, or 0..n-1 (a permutation), n-1..0, -n..-1.
const std::vector<int64_t>& ListConstants() {
  static const auto* pool =
      new std::vector<int64_t>{0, 1, -1, 2, int64_t{1} << 32, kInt64Max, kInt64Min};
  return *pool;
}
constexpr size_t kListPatterns = 3;  // iota, reversed iota, negative iota
size_t IntListPoolSize() {
  return std::size(kListLengths) * (ListConstants().size() + kListPatterns);
}

std::vector<int64_t> IntList(size_t index, int rank) {
  size_t n = Length(kListLengths[index % std::size(kListLengths)], rank);
  size_t pattern = index / std::size(kListLengths);
  std::vector<int64_t> out(n);
  const auto& constants = ListConstants();
  for (size_t i = 0; i < n; ++i) {
    auto k = static_cast<int64_t>(i), len = static_cast<int64_t>(n);
    if (pattern < constants.size()) {
      out[i] = constants[pattern];
    } else if (pattern == constants.size()) {
      out[i] = k;
    } else if (pattern == constants.size() + 1) {
      out[i] = len - 1 - k;
    } else {
      out[i] = k - len;
    }
  }
  return out;
}

const std::vector<float>& FloatPool() {
  static const auto* pool = new std::vector<float>{0.0f,
                                                   1.0f,
                                                   -1.0f,
                                                   0.5f,
                                                   1e30f,
                                                   -1e30f,
                                                   std::numeric_limits<float>::quiet_NaN(),
                                                   std::numeric_limits<float>::infinity(),
                                                   -std::numeric_limits<float>::infinity(),
                                                   1e-40f};
  return *pool;
}
constexpr ListLength kFloatListLengths[] = {ListLength::kEmpty, ListLength::kOne, ListLength::kRank,
                                            ListLength::kRankPlusOne};
size_t FloatListPoolSize() { return std::size(kFloatListLengths) * FloatPool().size(); }

// Strings ONNX ops take as enumerations, plus an empty and an unknown one.
const std::vector<std::string>& StringPool() {
  static const auto* pool = new std::vector<std::string>{"",
                                                         "NOTSET",
                                                         "SAME_UPPER",
                                                         "SAME_LOWER",
                                                         "VALID",
                                                         "DCR",
                                                         "CRD",
                                                         "constant",
                                                         "reflect",
                                                         "edge",
                                                         "wrap",
                                                         "nearest",
                                                         "linear",
                                                         "cubic",
                                                         "half_pixel",
                                                         "asymmetric",
                                                         "align_corners",
                                                         "tf_crop_and_resize",
                                                         "round_prefer_floor",
                                                         "floor",
                                                         "Sigmoid",
                                                         "Tanh",
                                                         "Relu",
                                                         "forward",
                                                         "reverse",
                                                         "bidirectional",
                                                         "NONE",
                                                         "SUM",
                                                         "max",
                                                         "mean",
                                                         "none",
                                                         "\xff\xfe bogus"};
  return *pool;
}
const std::vector<std::vector<std::string>>& StringListPool() {
  static const auto* pool = new std::vector<std::vector<std::string>>{
      {}, {"Sigmoid"}, {"Tanh", "Tanh"}, {"Relu", "Tanh", "Sigmoid"}, {"bogus"}, {"", ""}};
  return *pool;
}

constexpr size_t kTensorVariants = 8;
constexpr size_t kGraphVariants = 4;
constexpr size_t kTypeProtoVariants = 3;

// Integer data of a constant input: (length rule, value) pairs, plus fixed lists.
const std::vector<std::vector<int64_t>>& IntDataPool() {
  static const auto* pool = new std::vector<std::vector<int64_t>>{{},
                                                                  {0},
                                                                  {1},
                                                                  {-1},
                                                                  {2},
                                                                  {kInt64Max},
                                                                  {kInt64Min},
                                                                  {int64_t{1} << 32},
                                                                  {1, 2, 3, 4, 5, 6},
                                                                  {0, 0},
                                                                  {-1, -1},
                                                                  {3, 3, 3},
                                                                  {kInt64Max, kInt64Max, kInt64Max},
                                                                  {0, 1, 2, 3, 4},
                                                                  {-5, -4, -3, -2, -1}};
  return *pool;
}
const std::vector<std::vector<float>>& FloatDataPool() {
  const auto& f = FloatPool();
  static const auto* pool = new std::vector<std::vector<float>>{{},
                                                                {f[0]},
                                                                {f[1]},
                                                                {f[2]},
                                                                {f[3]},
                                                                {f[6]},
                                                                {f[7]},
                                                                {f[4]},
                                                                {2, 2, 2, 2},
                                                                {0, 0, 0, 0},
                                                                {1, 1, 0.5f, 0.5f, 2, 2}};
  return *pool;
}

size_t AttributePoolSize(AttributeProto::AttributeType type) {
  switch (type) {
    case AttributeProto::INT: return IntPool().size();
    case AttributeProto::INTS: return IntListPoolSize();
    case AttributeProto::FLOAT: return FloatPool().size();
    case AttributeProto::FLOATS: return FloatListPoolSize();
    case AttributeProto::STRING: return StringPool().size();
    case AttributeProto::STRINGS: return StringListPool().size();
    case AttributeProto::TENSOR: return kTensorVariants;
    case AttributeProto::GRAPH: return kGraphVariants;
    case AttributeProto::TYPE_PROTO: return kTypeProtoVariants;
    default: return 1;
  }
}

bool AllowsTensorOf(const onnx::DataTypeSet& types, const char* type) {
  return types.count(onnx::Utils::DataTypeUtils::ToType(type)) > 0;
}

// The inputs whose data a variant may give as a constant: those that can be int64 or float.
std::vector<size_t> ConstantCandidates(const OpSchema& schema) {
  std::vector<size_t> out;
  for (size_t i = 0; i < schema.inputs().size(); ++i) {
    const auto& types = schema.inputs()[i].GetTypes();
    if (AllowsTensorOf(types, "tensor(int64)") || AllowsTensorOf(types, "tensor(float)")) {
      out.push_back(i);
    }
  }
  return out;
}
size_t ConstantPoolSize() { return IntDataPool().size() + FloatDataPool().size(); }

// What one variant fixes; everything else is typical (systematic) or drawn (random).
struct Plan {
  std::optional<int> rank;               // every input's rank
  std::optional<size_t> dim_kind;        // every dim's kind (DimKinds index)
  std::optional<std::string> attribute;  // the attribute under test
  size_t attribute_value = 0;            // its pool index
  std::optional<size_t> constant_input;  // the formal input given as a constant
  size_t constant_value = 0;             // ConstantPool index
  bool random = false;
};

// The systematic variants of a schema are consecutive blocks, each one factor under test
// (the dims, one attribute, one constant input) with each of its values at every rank.
struct Block {
  uint64_t values;
  std::function<void(Plan&, size_t value)> set;
};

std::vector<Block> SystematicBlocks(const OpSchema& schema) {
  std::vector<Block> blocks;
  blocks.push_back({DimKinds().size(), [](Plan& p, size_t v) { p.dim_kind = v; }});
  for (const auto& [name, attribute] : schema.attributes()) {
    blocks.push_back({AttributePoolSize(attribute.type), [name = name](Plan& p, size_t v) {
                        p.attribute = name;
                        p.attribute_value = v;
                      }});
  }
  for (size_t input : ConstantCandidates(schema)) {
    blocks.push_back({ConstantPoolSize(), [input](Plan& p, size_t v) {
                        p.constant_input = input;
                        p.constant_value = v;
                      }});
  }
  return blocks;
}

Plan SystematicPlan(const OpSchema& schema, uint64_t index) {
  Plan plan;
  for (const Block& block : SystematicBlocks(schema)) {
    uint64_t n = block.values * kRanks;
    if (index < n) {
      plan.rank = static_cast<int>(index % kRanks);
      block.set(plan, static_cast<size_t>(index / kRanks));
      return plan;
    }
    index -= n;
  }
  return plan;
}

class ModelBuilder {
 public:
  ModelBuilder(const OpSchema& schema, Plan plan, uint64_t random_seed)
      : schema_(schema), plan_(std::move(plan)), rng_(random_seed) {}

  onnx::ModelProto Build() {
    onnx::ModelProto model;
    model.set_ir_version(8);
    model.set_producer_name("onnxkit single-node sweep");
    auto* opset = model.add_opset_import();
    opset->set_domain(schema_.domain());
    opset->set_version(schema_.since_version());
    if (!schema_.domain().empty()) {
      auto* standard = model.add_opset_import();
      standard->set_domain("");
      standard->set_version(17);
    }
    onnx::GraphProto& graph = *model.mutable_graph();
    graph.set_name("sweep");
    onnx::NodeProto& node = *graph.add_node();
    node.set_op_type(schema_.Name());
    node.set_domain(schema_.domain());
    node.set_name("node");
    AddInputs(graph, node);
    AddOutputs(graph, node);
    AddAttributes(node);
    return model;
  }

 private:
  bool Coin(double p) { return std::bernoulli_distribution(p)(rng_); }
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  int RankOf() {
    if (plan_.rank) return *plan_.rank;
    if (shared_rank_ < 0) shared_rank_ = Coin(0.5) ? static_cast<int>(Pick(kRanks)) : kRanks;
    return shared_rank_ < kRanks ? shared_rank_ : static_cast<int>(Pick(kRanks));
  }

  void SetDim(onnx::TensorShapeProto::Dimension& dim) {
    std::optional<int64_t> kind = kTypicalDim;
    if (plan_.dim_kind) {
      kind = DimKinds()[*plan_.dim_kind];
    } else if (plan_.random) {
      kind = Coin(0.7) ? std::optional<int64_t>(1 + static_cast<int64_t>(Pick(4)))
                       : DimKinds()[Pick(DimKinds().size())];
    }
    if (!kind) return;
    if (*kind == kSymbolicDim) {
      dim.set_dim_param("N");
    } else {
      dim.set_dim_value(*kind);
    }
  }

  // Gives every tensor type inside `type` (sequence and optional elements too) a shape.
  void Shape(onnx::TypeProto& type, int rank) {
    switch (type.value_case()) {
      case onnx::TypeProto::kTensorType: {
        auto* shape = type.mutable_tensor_type()->mutable_shape();
        for (int i = 0; i < rank; ++i) SetDim(*shape->add_dim());
        break;
      }
      case onnx::TypeProto::kSequenceType:
        Shape(*type.mutable_sequence_type()->mutable_elem_type(), rank);
        break;
      case onnx::TypeProto::kOptionalType:
        Shape(*type.mutable_optional_type()->mutable_elem_type(), rank);
        break;
      default: break;
    }
  }

  // The type string a formal parameter's type variable is bound to in this model.
  std::string TypeFor(const OpSchema::FormalParameter& formal, bool want_constant) {
    const std::string& var = formal.GetTypeStr();
    if (auto it = bound_.find(var); it != bound_.end()) return it->second;
    std::vector<std::string> allowed;
    for (const auto* t : formal.GetTypes()) allowed.push_back(*t);
    std::sort(allowed.begin(), allowed.end());
    std::string chosen;
    auto has = [&](const char* t) {
      return std::find(allowed.begin(), allowed.end(), t) != allowed.end();
    };
    if (want_constant) {
      chosen = constant_is_int_ ? "tensor(int64)" : "tensor(float)";
    } else if (plan_.random && !allowed.empty()) {
      chosen = allowed[Pick(allowed.size())];
    } else if (has("tensor(float)")) {
      chosen = "tensor(float)";
    } else if (has("tensor(int64)")) {
      chosen = "tensor(int64)";
    } else if (!allowed.empty()) {
      chosen = allowed.front();
    } else {
      chosen = "tensor(float)";
    }
    bound_.emplace(var, chosen);
    return chosen;
  }

  // How many actual inputs each formal input gets (0: omitted).
  std::vector<int> InputCounts() {
    const auto& formals = schema_.inputs();
    std::vector<int> counts(formals.size(), 0);
    for (size_t i = 0; i < formals.size(); ++i) {
      switch (formals[i].GetOption()) {
        case OpSchema::Single: counts[i] = 1; break;
        case OpSchema::Optional:
          counts[i] = plan_.random ? (Coin(0.6) ? 1 : 0) : 1;
          if (plan_.constant_input == i) counts[i] = 1;
          break;
        case OpSchema::Variadic:
          counts[i] = plan_.random ? 1 + static_cast<int>(Pick(3)) : 2;
          counts[i] = std::max(counts[i], formals[i].GetMinArity());
          break;
      }
    }
    // Stay within the schema's arity (a few ops allow fewer than their formals).
    int total = 0;
    for (int c : counts) total += c;
    for (size_t i = formals.size(); i-- > 0 && total > schema_.max_input();) {
      int drop = std::min(counts[i], total - schema_.max_input());
      counts[i] -= drop;
      total -= drop;
    }
    return counts;
  }

  void AddConstant(onnx::GraphProto& graph, const std::string& name, bool is_int, size_t pattern,
                   int rank) {
    onnx::TensorProto& t = *graph.add_initializer();
    t.set_name(name);
    if (is_int) {
      t.set_data_type(onnx::TensorProto::INT64);
      std::vector<int64_t> values = IntDataPool()[pattern];
      if (values.size() == 1 && rank > 1) values.assign(static_cast<size_t>(rank), values[0]);
      for (int64_t v : values) t.add_int64_data(v);
      if (!(rank == 0 && values.size() == 1)) t.add_dims(static_cast<int64_t>(values.size()));
    } else {
      t.set_data_type(onnx::TensorProto::FLOAT);
      std::vector<float> values = FloatDataPool()[pattern];
      for (float v : values) t.add_float_data(v);
      if (!(rank == 0 && values.size() == 1)) t.add_dims(static_cast<int64_t>(values.size()));
    }
  }

  void AddInputs(onnx::GraphProto& graph, onnx::NodeProto& node) {
    std::vector<int> counts = InputCounts();
    const auto& formals = schema_.inputs();
    int last_present = -1;
    for (size_t i = 0; i < counts.size(); ++i)
      last_present = counts[i] > 0 ? static_cast<int>(i) : last_present;
    for (size_t i = 0; i < counts.size() && static_cast<int>(i) <= last_present; ++i) {
      if (counts[i] == 0) {
        node.add_input("");
        continue;
      }
      std::optional<size_t> constant = ConstantFor(i);
      for (int k = 0; k < counts[i]; ++k) {
        std::string name = fmt("x", i, k);
        node.add_input(name);
        int rank = RankOf();
        if (constant) {
          bool is_int = *constant < IntDataPool().size();
          constant_is_int_ = is_int;
          TypeFor(formals[i], true);
          AddConstant(graph, name, is_int, is_int ? *constant : *constant - IntDataPool().size(),
                      rank);
          continue;
        }
        auto* input = graph.add_input();
        input->set_name(name);
        std::string type = TypeFor(formals[i], false);
        onnx::TypeProto proto =
            onnx::Utils::DataTypeUtils::ToTypeProto(onnx::Utils::DataTypeUtils::ToType(type));
        Shape(proto, rank);
        *input->mutable_type() = std::move(proto);
      }
    }
    first_rank_ =
        plan_.rank ? *plan_.rank : (shared_rank_ >= 0 && shared_rank_ < kRanks ? shared_rank_ : 4);
  }

  // The constant data pattern for formal input `i`, if it is given as a constant.
  std::optional<size_t> ConstantFor(size_t i) {
    if (plan_.constant_input) {
      if (*plan_.constant_input == i) return plan_.constant_value;
      return std::nullopt;
    }
    if (!plan_.random) return std::nullopt;
    const auto& types = schema_.inputs()[i].GetTypes();
    bool can_int = AllowsTensorOf(types, "tensor(int64)");
    bool can_float = AllowsTensorOf(types, "tensor(float)");
    if (!(can_int || can_float) || bound_.count(schema_.inputs()[i].GetTypeStr()) || !Coin(0.3)) {
      return std::nullopt;
    }
    if (can_int && (!can_float || Coin(0.5))) return Pick(IntDataPool().size());
    return IntDataPool().size() + Pick(FloatDataPool().size());
  }

  static std::string fmt(const char* prefix, size_t i, int k) {
    return std::string(prefix) + std::to_string(i) + "_" + std::to_string(k);
  }

  void AddOutputs(onnx::GraphProto& graph, onnx::NodeProto& node) {
    int n = schema_.max_output();
    int cap = plan_.random ? 1 + static_cast<int>(Pick(3)) : 2;
    n = std::max(schema_.min_output(), std::min(n, cap));
    for (int i = 0; i < n; ++i) {
      std::string name = fmt("y", static_cast<size_t>(i), 0);
      node.add_output(name);
      graph.add_output()->set_name(name);
    }
  }

  void AddAttributes(onnx::NodeProto& node) {
    for (const auto& [name, attribute] : schema_.attributes()) {
      std::optional<size_t> value;
      if (plan_.attribute == name) {
        value = plan_.attribute_value;
      } else if (plan_.random && (attribute.required || Coin(0.5))) {
        value = Pick(AttributePoolSize(attribute.type));
      } else if (!attribute.required) {
        continue;
      }
      AttributeProto& a = *node.add_attribute();
      a.set_name(name);
      a.set_type(attribute.type);
      if (value) {
        SetAttribute(a, *value, node);
      } else {
        SetTypical(a, attribute, node);
      }
    }
  }

  // A required attribute's value when it is not under test: its default, or a plain one.
  void SetTypical(AttributeProto& a, const OpSchema::Attribute& attribute,
                  const onnx::NodeProto& node) {
    if (attribute.default_value.type() == a.type()) {
      a = attribute.default_value;
      a.set_name(attribute.name);
      return;
    }
    switch (a.type()) {
      case AttributeProto::INT: a.set_i(1); break;
      case AttributeProto::INTS:
        for (int i = 0; i < std::max(first_rank_ - 2, 1); ++i) a.add_ints(1);
        break;
      case AttributeProto::FLOAT: a.set_f(1.0f); break;
      case AttributeProto::FLOATS: a.add_floats(1.0f); break;
      case AttributeProto::STRING: a.set_s(""); break;
      case AttributeProto::STRINGS: a.add_strings(""); break;
      case AttributeProto::TENSOR: SetTensor(*a.mutable_t(), 0); break;
      case AttributeProto::GRAPH: SetGraph(*a.mutable_g(), 0, node); break;
      case AttributeProto::TYPE_PROTO: SetTypeProto(*a.mutable_tp(), 0); break;
      default: break;
    }
  }

  void SetAttribute(AttributeProto& a, size_t value, const onnx::NodeProto& node) {
    switch (a.type()) {
      case AttributeProto::INT: a.set_i(IntPool()[value]); break;
      case AttributeProto::INTS:
        for (int64_t v : IntList(value, first_rank_)) a.add_ints(v);
        break;
      case AttributeProto::FLOAT: a.set_f(FloatPool()[value]); break;
      case AttributeProto::FLOATS: {
        size_t n = Length(kFloatListLengths[value % std::size(kFloatListLengths)], first_rank_);
        float v = FloatPool()[value / std::size(kFloatListLengths)];
        for (size_t i = 0; i < n; ++i) a.add_floats(v);
        break;
      }
      case AttributeProto::STRING: a.set_s(StringPool()[value]); break;
      case AttributeProto::STRINGS:
        for (const auto& s : StringListPool()[value]) a.add_strings(s);
        break;
      case AttributeProto::TENSOR: SetTensor(*a.mutable_t(), value); break;
      case AttributeProto::GRAPH: SetGraph(*a.mutable_g(), value, node); break;
      case AttributeProto::TYPE_PROTO: SetTypeProto(*a.mutable_tp(), value); break;
      default: break;  // TENSORS, GRAPHS, SPARSE_TENSOR(S), TYPE_PROTOS: given empty
    }
  }

  static void SetTensor(onnx::TensorProto& t, size_t variant) {
    switch (variant) {
      case 0:
        t.set_data_type(onnx::TensorProto::FLOAT);
        t.add_float_data(1);
        break;
      case 1:
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_int64_data(0);
        break;
      case 2:
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_dims(3);
        for (int64_t v : {1, 2, 3}) t.add_int64_data(v);
        break;
      case 3:
        t.set_data_type(onnx::TensorProto::FLOAT);
        t.add_dims(0);
        break;
      case 4:  // a huge shape without data
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_dims(int64_t{1} << 62);
        break;
      case 5:
        t.set_data_type(onnx::TensorProto::FLOAT);
        t.add_dims(2);
        t.add_dims(2);
        for (float v : {1.0f, 2.0f, 3.0f, 4.0f}) t.add_float_data(v);
        break;
      case 6:
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_dims(1);
        t.add_int64_data(kInt64Max);
        break;
      default:
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_dims(2);
        t.add_int64_data(-1);
        t.add_int64_data(kInt64Min);
        break;
    }
  }

  // A body whose input and output counts suit the node (variant 0), or do not.
  void SetGraph(onnx::GraphProto& g, size_t variant, const onnx::NodeProto& node) {
    int inputs = schema_.Name() == "If" ? 0 : node.input_size();
    int outputs = node.output_size() + (schema_.Name() == "Loop" ? 1 : 0);
    if (variant == 1) std::tie(inputs, outputs) = std::make_pair(0, 1);
    if (variant == 2) std::tie(inputs, outputs) = std::make_pair(5, 5);
    if (variant == 3) outputs = 0;
    g.set_name("body");
    for (int i = 0; i < inputs; ++i) {
      auto* in = g.add_input();
      in->set_name(fmt("b", static_cast<size_t>(i), 0));
      if (variant == 0) continue;  // bound by the node
      in->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    }
    for (int i = 0; i < outputs; ++i) {
      std::string name = fmt("c", static_cast<size_t>(i), 0);
      auto* n = g.add_node();
      n->add_output(name);
      if (inputs > 0) {
        n->set_op_type("Identity");
        n->add_input(g.input(i % inputs).name());
      } else {
        n->set_op_type("Constant");
        auto* value = n->add_attribute();
        value->set_name("value");
        value->set_type(AttributeProto::TENSOR);
        SetTensor(*value->mutable_t(), 0);
      }
      g.add_output()->set_name(name);
    }
  }

  void SetTypeProto(onnx::TypeProto& tp, size_t variant) {
    if (variant == 2) return;  // empty
    auto* tensor = variant == 1
                       ? tp.mutable_sequence_type()->mutable_elem_type()->mutable_tensor_type()
                       : tp.mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    for (int i = 0; i < 2; ++i) SetDim(*tensor->mutable_shape()->add_dim());
  }

  const OpSchema& schema_;
  Plan plan_;
  std::mt19937_64 rng_;
  int shared_rank_ = -1;  // random plans: one rank for all inputs, or kRanks for "each its own"
  int first_rank_ = 4;    // the rank list lengths are relative to
  bool constant_is_int_ = true;
  std::map<std::string, std::string> bound_;  // type variable -> type string
};

// A seed from (schema, variant, seed) that is the same in every process and build.
uint64_t VariantSeed(const OpSchema& schema, uint64_t variant, uint64_t seed) {
  std::string key = schema.domain() + "/" + schema.Name();
  std::vector<uint32_t> words(key.begin(), key.end());
  for (uint64_t n : {variant, seed, static_cast<uint64_t>(schema.since_version())}) {
    words.push_back(static_cast<uint32_t>(n));
    words.push_back(static_cast<uint32_t>(n >> 32));
  }
  std::seed_seq seq(words.begin(), words.end());
  uint32_t out[2];
  seq.generate(out, out + 2);
  return (uint64_t{out[0]} << 32) | out[1];
}

}  // namespace

const std::vector<const onnx::OpSchema*>& AllSchemas() {
  static const auto* all = [] {
    auto* out = new std::vector<const onnx::OpSchema*>;
    // get_all_schemas_with_history() returns copies; keep pointers into the registry.
    for (const OpSchema& s : onnx::OpSchemaRegistry::get_all_schemas_with_history()) {
      const OpSchema* registered =
          onnx::OpSchemaRegistry::Schema(s.Name(), s.since_version(), s.domain());
      if (registered && registered->since_version() == s.since_version()) {
        out->push_back(registered);
      }
    }
    std::sort(out->begin(), out->end(), [](const OpSchema* a, const OpSchema* b) {
      return std::make_tuple(a->domain(), a->Name(), a->since_version()) <
             std::make_tuple(b->domain(), b->Name(), b->since_version());
    });
    out->erase(std::unique(out->begin(), out->end()), out->end());
    return out;
  }();
  return *all;
}

uint64_t SystematicVariants(const onnx::OpSchema& schema) {
  uint64_t n = 0;
  for (const Block& block : SystematicBlocks(schema)) n += block.values * kRanks;
  return n;
}

uint64_t VariantCount(const onnx::OpSchema& schema, const SweepOptions& options) {
  uint64_t stride = std::max<uint64_t>(options.systematic_stride, 1);
  return (SystematicVariants(schema) + stride - 1) / stride + options.random_variants;
}

onnx::ModelProto SingleNodeModel(const onnx::OpSchema& schema, uint64_t variant,
                                 const SweepOptions& options) {
  uint64_t stride = std::max<uint64_t>(options.systematic_stride, 1);
  uint64_t systematic = (SystematicVariants(schema) + stride - 1) / stride;
  uint64_t random_seed = VariantSeed(schema, variant, options.seed);
  Plan plan;
  if (variant < systematic) {
    plan = SystematicPlan(schema, variant * stride);
  } else {
    plan.random = true;
  }
  return ModelBuilder(schema, std::move(plan), random_seed).Build();
}

std::string SchemaLabel(const onnx::OpSchema& schema) {
  std::string label = schema.domain().empty() ? "" : schema.domain() + "/";
  return label + schema.Name() + "-" + std::to_string(schema.since_version());
}

}  // namespace onnxkit::testing
