// diff: what differs between two models (include/onnxkit/diff.h says what is compared and
// how nodes are paired). Graphs are compared recursively: a paired node's sub-graphs are
// diffed as graphs of their own, a paired function's body likewise.
#include "onnxkit/diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <deque>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "onnxkit/dump.h"
#include "onnxkit/escape.h"
#include "passes/tensor_contents.h"

namespace onnxkit {
namespace {

// Tensors of at most this many elements are shown with their values, larger ones by hash.
constexpr int64_t kShownElements = 16;

// 64-bit FNV-1a. Neither absl::Hash (seeded per process) nor anything else in the project's
// dependencies gives a hash that stays the same across runs, and a reviewer compares the
// hashes of two runs.
uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string Quoted(std::string_view s) { return fmt::format("'{}'", s); }

std::string OpText(const Node& node) {
  std::string_view domain = NormalDomain(node.domain);
  return domain.empty() ? node.op_type : fmt::format("{}.{}", domain, node.op_type);
}

// The name a node is reported under: its own, or its index in its graph ("#3").
std::string NodeLabel(const Node& node, size_t index) {
  return node.name.empty() ? fmt::format("#{}", index) : node.name;
}

std::string NamesText(const std::vector<Value*>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    out += (i ? ", " : "") + (values[i] ? values[i]->name() : std::string());
  }
  return out;
}

// "Relu(x) -> y": how an added or removed node is shown.
std::string NodeSignature(const Node& node) {
  return fmt::format("{}({}) -> {}", OpText(node), NamesText(node.inputs()),
                     NamesText(node.outputs()));
}

std::string TypeText(const Value& value) {
  return value.type() ? TypeToString(*value.type()) : "?";
}

std::string TensorTypeText(const Tensor& t) {
  return fmt::format("{}[{}]", DataTypeName(t.data_type), fmt::join(t.dims, ","));
}

template <typename T>
std::string ListText(const std::vector<T>& values) {
  return fmt::format("[{}]", fmt::join(values, ","));
}

std::string StringsText(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& s : values) quoted.push_back(fmt::format("\"{}\"", s));
  return ListText(quoted);
}

// Floats compare by their bits: a diff reports -0 against 0 and keeps NaN equal to itself.
bool SameBits(float a, float b) { return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b); }

bool SameFloats(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameBits(a[i], b[i])) return false;
  }
  return true;
}

std::vector<std::string> TypeTexts(const std::vector<Type>& types) {
  std::vector<std::string> out;
  for (const Type& t : types) out.push_back(TypeToString(t));
  return out;
}

std::string SparseText(const SparseTensor& t) {
  std::string values = t.values ? TensorTypeText(*t.values) : "?";
  return fmt::format("sparse {} of {}", values, ListText(t.dims));
}

// An attribute's value as text, without tensor data (tensors are shown where compared).
std::string AttributeText(const Attribute& a) {
  if (!a.ref_attr_name.empty()) return "@" + a.ref_attr_name;
  switch (a.type) {
    case AttributeType::kFloat: return fmt::format("{}", a.f);
    case AttributeType::kInt: return fmt::format("{}", a.i);
    case AttributeType::kString: return fmt::format("\"{}\"", a.s);
    case AttributeType::kFloats: return ListText(a.floats);
    case AttributeType::kInts: return ListText(a.ints);
    case AttributeType::kStrings: return StringsText(a.strings);
    case AttributeType::kTensor: return a.t ? "tensor " + TensorTypeText(*a.t) : "tensor";
    case AttributeType::kGraph: return "graph";
    case AttributeType::kTensors: return fmt::format("{} tensor(s)", a.tensors.size());
    case AttributeType::kGraphs: return fmt::format("{} graph(s)", a.graphs.size());
    case AttributeType::kSparseTensor: return "sparse tensor";
    case AttributeType::kSparseTensors:
      return fmt::format("{} sparse tensor(s)", a.sparse_tensors.size());
    case AttributeType::kTypeProto: return a.tp ? "type " + TypeToString(*a.tp) : "type";
    case AttributeType::kTypeProtos: return "types " + ListText(TypeTexts(a.type_protos));
    case AttributeType::kUndefined: break;
  }
  return "(undefined)";
}

struct TextPair {
  std::string field;
  std::string before;
  std::string after;
};

// Which model a tensor belongs to, for errors.
enum class Side { kFirst, kSecond };

class Differ {
 public:
  explicit Differ(const DiffOptions& options) : options_(options) {}

  Status Models(const Model& a, const Model& b) {
    ModelFields(a, b);
    ONNXKIT_RETURN_IF_ERROR(Functions(a, b));
    if (a.graph && b.graph) return Graphs(*a.graph, *b.graph, "main");
    if (a.graph || b.graph) {
      Add(DiffKind::kChanged, "", "model", "graph", "", "", a.graph ? "present" : "absent",
          b.graph ? "present" : "absent");
    }
    return absl::OkStatus();
  }

  ModelDiff Take() { return std::move(diff_); }

 private:
  void Add(DiffKind kind, std::string graph, std::string element, std::string name, std::string op,
           std::string field, std::string before, std::string after) {
    diff_.entries.push_back({kind, std::move(graph), std::move(element), std::move(name),
                             std::move(op), std::move(field), std::move(before), std::move(after)});
  }

  void Field(std::string name, std::string before, std::string after) {
    if (before != after) {
      Add(DiffKind::kChanged, "", "model", std::move(name), "", "", std::move(before),
          std::move(after));
    }
  }

  void ModelFields(const Model& a, const Model& b) {
    Field("ir_version", fmt::format("{}", a.ir_version), fmt::format("{}", b.ir_version));
    Field("producer_name", Quoted(a.producer_name), Quoted(b.producer_name));
    Field("producer_version", Quoted(a.producer_version), Quoted(b.producer_version));
    Field("domain", Quoted(a.domain), Quoted(b.domain));
    Field("model_version", fmt::format("{}", a.model_version), fmt::format("{}", b.model_version));
    Opsets(a.opset_import, b.opset_import, "", "opset", "");
    Metadata(a.metadata_props, b.metadata_props);
    if (a.training_info.size() != b.training_info.size()) {
      Add(DiffKind::kChanged, "", "training_info", "entries", "", "",
          fmt::format("{}", a.training_info.size()), fmt::format("{}", b.training_info.size()));
    }
  }

  // Opset imports per domain. At model level each domain is an "opset" element; for a
  // function (`owner` non-empty) each is a change of that function's field "opset_import".
  void Opsets(const std::vector<OpsetImport>& a, const std::vector<OpsetImport>& b,
              const std::string& graph, const std::string& element, const std::string& owner) {
    auto versions = [](const std::vector<OpsetImport>& imports) {
      std::vector<std::pair<std::string, int64_t>> out;
      absl::flat_hash_map<std::string, size_t> seen;
      for (const OpsetImport& o : imports) {
        std::string domain(NormalDomain(o.domain));
        if (domain.empty()) domain = "ai.onnx";
        if (seen.try_emplace(domain, out.size()).second) out.emplace_back(domain, o.version);
      }
      return out;
    };
    auto in_a = versions(a), in_b = versions(b);
    absl::flat_hash_map<std::string, int64_t> b_version(in_b.begin(), in_b.end());
    absl::flat_hash_map<std::string, int64_t> a_version(in_a.begin(), in_a.end());
    auto report = [&](DiffKind kind, const std::string& domain, std::string before,
                      std::string after) {
      if (owner.empty()) {
        Add(kind, graph, element, domain, "", "", std::move(before), std::move(after));
      } else {
        Add(DiffKind::kChanged, graph, element, owner, "", "opset_import " + domain,
            before.empty() ? "(none)" : before, after.empty() ? "(none)" : after);
      }
    };
    for (const auto& [domain, version] : in_a) {
      auto it = b_version.find(domain);
      if (it == b_version.end()) {
        report(DiffKind::kRemoved, domain, fmt::format("{}", version), "");
      } else if (it->second != version) {
        report(DiffKind::kChanged, domain, fmt::format("{}", version),
               fmt::format("{}", it->second));
      }
    }
    for (const auto& [domain, version] : in_b) {
      if (!a_version.contains(domain))
        report(DiffKind::kAdded, domain, "", fmt::format("{}", version));
    }
  }

  void Metadata(const std::vector<StringPair>& a, const std::vector<StringPair>& b) {
    // A key given twice counts with its first value, as a reader of the model would see it.
    absl::flat_hash_map<std::string, std::string> in_a, in_b;
    for (const StringPair& p : a) in_a.try_emplace(p.key, p.value);
    for (const StringPair& p : b) in_b.try_emplace(p.key, p.value);
    absl::flat_hash_set<std::string> done;
    for (const StringPair& p : a) {
      if (!done.insert(p.key).second) continue;
      auto it = in_b.find(p.key);
      if (it == in_b.end()) {
        Add(DiffKind::kRemoved, "", "metadata", p.key, "", "", p.value, "");
      } else if (it->second != p.value) {
        Add(DiffKind::kChanged, "", "metadata", p.key, "", "", p.value, it->second);
      }
    }
    for (const StringPair& p : b) {
      if (!in_a.contains(p.key) && done.insert(p.key).second) {
        Add(DiffKind::kAdded, "", "metadata", p.key, "", "", "", p.value);
      }
    }
  }

  static std::string FunctionName(const Function& f) {
    std::string name = f.domain.empty() ? f.name : fmt::format("{}.{}", f.domain, f.name);
    return f.overload.empty() ? name : fmt::format("{}:{}", name, f.overload);
  }

  static std::string FunctionAttributes(const Function& f) {
    std::vector<std::string> names = f.attributes;
    for (const Attribute& d : f.attribute_defaults) {
      names.push_back(fmt::format("{}={}", d.name, AttributeText(d)));
    }
    return ListText(names);
  }

  // "F(x, y) -> z": how an added or removed function is shown.
  static std::string FunctionSignature(const Function& f) {
    return fmt::format("{}({}) -> {}", FunctionName(f), NamesText(f.body->inputs()),
                       NamesText(f.body->outputs()));
  }

  Status Functions(const Model& a, const Model& b) {
    using Key = std::tuple<std::string, std::string, std::string>;
    auto key = [](const Function& f) { return Key(f.domain, f.name, f.overload); };
    absl::flat_hash_map<Key, const Function*> in_a, in_b;
    for (const auto& f : a.functions) in_a.try_emplace(key(*f), f.get());
    for (const auto& f : b.functions) in_b.try_emplace(key(*f), f.get());
    for (const auto& fa : a.functions) {
      if (in_a.at(key(*fa)) != fa.get()) continue;  // a duplicate definition
      auto it = in_b.find(key(*fa));
      std::string name = FunctionName(*fa);
      if (it == in_b.end()) {
        Add(DiffKind::kRemoved, "", "function", name, "", "", FunctionSignature(*fa), "");
        continue;
      }
      const Function& fb = *it->second;
      std::string attrs_a = FunctionAttributes(*fa), attrs_b = FunctionAttributes(fb);
      if (attrs_a != attrs_b) {
        Add(DiffKind::kChanged, "", "function", name, "", "attributes", attrs_a, attrs_b);
      }
      Opsets(fa->opset_import, fb.opset_import, "", "function", name);
      ONNXKIT_RETURN_IF_ERROR(Graphs(*fa->body, *fb.body, "fn:" + fa->name));
    }
    for (const auto& fb : b.functions) {
      if (in_b.at(key(*fb)) == fb.get() && !in_a.contains(key(*fb))) {
        Add(DiffKind::kAdded, "", "function", FunctionName(*fb), "", "", "",
            FunctionSignature(*fb));
      }
    }
    return absl::OkStatus();
  }

  Status Graphs(const Graph& a, const Graph& b, const std::string& path) {
    Interface(a.inputs(), b.inputs(), path, "input");
    Interface(a.outputs(), b.outputs(), path, "output");
    ONNXKIT_RETURN_IF_ERROR(Initializers(a, b, path));
    SparseInitializers(a, b, path);
    return Nodes(a, b, path);
  }

  // Graph inputs or outputs, by name: added, removed, declared type, and order.
  void Interface(const std::vector<Value*>& a, const std::vector<Value*>& b,
                 const std::string& path, const std::string& element) {
    absl::flat_hash_map<std::string, const Value*> in_a, in_b;
    for (const Value* v : a) {
      if (v) in_a.try_emplace(v->name(), v);
    }
    for (const Value* v : b) {
      if (v) in_b.try_emplace(v->name(), v);
    }
    std::vector<std::string> common_a, common_b;
    for (const Value* v : a) {
      if (!v || in_a.at(v->name()) != v) continue;
      auto it = in_b.find(v->name());
      if (it == in_b.end()) {
        Add(DiffKind::kRemoved, path, element, v->name(), "", "", TypeText(*v), "");
        continue;
      }
      common_a.push_back(v->name());
      if (TypeText(*v) != TypeText(*it->second)) {
        Add(DiffKind::kChanged, path, element, v->name(), "", "type", TypeText(*v),
            TypeText(*it->second));
      }
    }
    for (const Value* v : b) {
      if (!v || in_b.at(v->name()) != v) continue;
      if (!in_a.contains(v->name())) {
        Add(DiffKind::kAdded, path, element, v->name(), "", "", "", TypeText(*v));
      } else {
        common_b.push_back(v->name());
      }
    }
    if (common_a != common_b) {
      Add(DiffKind::kChanged, path, element + "s", "", "", "order", NamesText(a), NamesText(b));
    }
  }

  // A tensor's contents, or an error that says which tensor of which model.
  static StatusOr<Bytes> Contents(const Tensor& t, const std::string& where, Side side) {
    StatusOr<Bytes> bytes = passes::TensorContents(t);
    if (!bytes.ok()) {
      return Status(bytes.status().code(), fmt::format("{} of the {} model: {}", where,
                                                       side == Side::kFirst ? "first" : "second",
                                                       std::string(bytes.status().message())));
    }
    return bytes;
  }

  // How a tensor whose contents differ is shown: its values when small, else its hash.
  static std::string ContentText(const Tensor& t, const Bytes& contents) {
    StatusOr<int64_t> count = t.ElementCount();
    std::string hash = fmt::format("fnv1a64:{:016x}", Fnv1a64(contents.view()));
    if (count.ok() && *count <= kShownElements) {
      return fmt::format("{} ({})", DumpTensorText(t, kShownElements), hash);
    }
    return hash;
  }

  // The first difference of two tensors (type, dims, then contents), or nullopt.
  StatusOr<std::optional<TextPair>> CompareTensors(const Tensor& a, const Tensor& b,
                                                   const std::string& where) {
    if (a.data_type != b.data_type) {
      return TextPair{"type", DataTypeName(a.data_type), DataTypeName(b.data_type)};
    }
    if (a.dims != b.dims) return TextPair{"dims", ListText(a.dims), ListText(b.dims)};
    if (!options_.tensor_contents) return std::nullopt;
    // Read one at a time and hold two at most: each tensor's data is read once.
    ONNXKIT_ASSIGN_OR_RETURN(Bytes bytes_a, Contents(a, where, Side::kFirst));
    ONNXKIT_ASSIGN_OR_RETURN(Bytes bytes_b, Contents(b, where, Side::kSecond));
    if (bytes_a.view() == bytes_b.view()) return std::nullopt;
    return TextPair{"content", ContentText(a, bytes_a), ContentText(b, bytes_b)};
  }

  Status Initializers(const Graph& a, const Graph& b, const std::string& path) {
    absl::flat_hash_map<std::string, const Value*> in_a, in_b;
    for (const Value* v : a.initializers()) in_a.try_emplace(v->name(), v);
    for (const Value* v : b.initializers()) in_b.try_emplace(v->name(), v);
    for (const Value* v : a.initializers()) {
      if (in_a.at(v->name()) != v) continue;
      auto it = in_b.find(v->name());
      if (it == in_b.end()) {
        Add(DiffKind::kRemoved, path, "initializer", v->name(), "", "",
            TensorTypeText(*v->initializer()), "");
        continue;
      }
      ONNXKIT_ASSIGN_OR_RETURN(
          std::optional<TextPair> difference,
          CompareTensors(*v->initializer(), *it->second->initializer(),
                         fmt::format("{}: initializer '{}'", path, v->name())));
      if (difference) {
        Add(DiffKind::kChanged, path, "initializer", v->name(), "", difference->field,
            difference->before, difference->after);
      }
    }
    for (const Value* v : b.initializers()) {
      if (in_b.at(v->name()) == v && !in_a.contains(v->name())) {
        Add(DiffKind::kAdded, path, "initializer", v->name(), "", "", "",
            TensorTypeText(*v->initializer()));
      }
    }
    return absl::OkStatus();
  }

  // Sparse initializers by name: presence, dims and the shape of their values (not their
  // contents: sparse weights are rare and their layout is the model's own business).
  void SparseInitializers(const Graph& a, const Graph& b, const std::string& path) {
    absl::flat_hash_map<std::string, const Value*> in_a, in_b;
    for (const Value* v : a.sparse_initializers()) in_a.try_emplace(v->name(), v);
    for (const Value* v : b.sparse_initializers()) in_b.try_emplace(v->name(), v);
    for (const Value* v : a.sparse_initializers()) {
      if (in_a.at(v->name()) != v) continue;
      std::string text_a = SparseText(*v->sparse_initializer());
      auto it = in_b.find(v->name());
      if (it == in_b.end()) {
        Add(DiffKind::kRemoved, path, "sparse_initializer", v->name(), "", "", text_a, "");
        continue;
      }
      std::string text_b = SparseText(*it->second->sparse_initializer());
      if (text_a != text_b) {
        Add(DiffKind::kChanged, path, "sparse_initializer", v->name(), "", "type", text_a, text_b);
      }
    }
    for (const Value* v : b.sparse_initializers()) {
      if (in_b.at(v->name()) == v && !in_a.contains(v->name())) {
        Add(DiffKind::kAdded, path, "sparse_initializer", v->name(), "", "", "",
            SparseText(*v->sparse_initializer()));
      }
    }
  }

  // Nodes: pair them (see diff.h), then report the unpaired and the differences of pairs.
  Status Nodes(const Graph& ga, const Graph& gb, const std::string& path) {
    NodePairing pairing(ga, gb);
    pairing.ByName();
    pairing.ByInputs();
    pairing.ByOutputs();
    for (size_t i = 0; i < pairing.a.size(); ++i) {
      const Node& node = *pairing.a[i];
      int j = pairing.partner_of_a[i];
      if (j < 0) {
        Add(DiffKind::kRemoved, path, "node", NodeLabel(node, i), OpText(node), "",
            NodeSignature(node), "");
      } else {
        ONNXKIT_RETURN_IF_ERROR(NodePair(node, *pairing.b[j], NodeLabel(node, i), path));
      }
    }
    for (size_t j = 0; j < pairing.b.size(); ++j) {
      if (pairing.partner_of_b[j] >= 0) continue;
      const Node& node = *pairing.b[j];
      Add(DiffKind::kAdded, path, "node", NodeLabel(node, j), OpText(node), "", "",
          NodeSignature(node));
    }
    return absl::OkStatus();
  }

  // The pairing of two graphs' nodes, by index in each graph.
  struct NodePairing {
    std::vector<const Node*> a, b;
    std::vector<int> partner_of_a, partner_of_b;
    absl::flat_hash_map<const Node*, int> index_a, index_b;
    const Graph& graph_a;
    const Graph& graph_b;

    NodePairing(const Graph& ga, const Graph& gb) : graph_a(ga), graph_b(gb) {
      for (const Node* n : ga.nodes()) {
        index_a[n] = static_cast<int>(a.size());
        a.push_back(n);
      }
      for (const Node* n : gb.nodes()) {
        index_b[n] = static_cast<int>(b.size());
        b.push_back(n);
      }
      partner_of_a.assign(a.size(), -1);
      partner_of_b.assign(b.size(), -1);
    }

    void Pair(int i, int j) {
      partner_of_a[i] = j;
      partner_of_b[j] = i;
    }

    void ByName() {
      absl::flat_hash_map<std::string_view, std::deque<int>> named;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i]->name.empty()) named[a[i]->name].push_back(static_cast<int>(i));
      }
      for (size_t j = 0; j < b.size(); ++j) {
        auto it = named.find(b[j]->name);
        if (b[j]->name.empty() || it == named.end() || it->second.empty()) continue;
        Pair(it->second.front(), static_cast<int>(j));
        it->second.pop_front();
      }
    }

    static std::string NameKey(std::string_view name) {
      return fmt::format("v{}:{}", name.size(), name);
    }

    // What input value `v` of a node of A is: output k of A's node i ("n<i>:<k>"), or a
    // value defined outside the graph's nodes, by name.
    std::string InputKeyA(const Value* v) const {
      if (v == nullptr) return "-";
      if (v->producer() && v->graph() == &graph_a) {
        return fmt::format("n{}:{}", index_a.at(v->producer()), v->producer_index());
      }
      return NameKey(v->name());
    }
    // The same for B, naming a produced value by the producer's partner in A; nullopt when
    // the producer has none (then no node of A reads the same value).
    std::optional<std::string> InputKeyB(const Value* v) const {
      if (v == nullptr) return "-";
      if (v->producer() && v->graph() == &graph_b) {
        int partner = partner_of_b[index_b.at(v->producer())];
        if (partner < 0) return std::nullopt;
        return fmt::format("n{}:{}", partner, v->producer_index());
      }
      return NameKey(v->name());
    }

    static std::string OpKey(const Node& n) {
      return fmt::format("{}:{}", NameKey(NormalDomain(n.domain)), NameKey(n.op_type));
    }

    std::string InputsKeyA(const Node& n) const {
      std::string key = OpKey(n);
      for (const Value* v : n.inputs()) key.append("|").append(InputKeyA(v));
      return key;
    }
    std::optional<std::string> InputsKeyB(const Node& n) const {
      std::string key = OpKey(n);
      for (const Value* v : n.inputs()) {
        std::optional<std::string> k = InputKeyB(v);
        if (!k) return std::nullopt;
        key.append("|").append(*k);
      }
      return key;
    }
    static std::string OutputsKey(const Node& n) {
      std::string key = OpKey(n);
      for (const Value* v : n.outputs()) key.append("|").append(NameKey(v ? v->name() : ""));
      return key;
    }

    // Nodes of A in order, consumed from the front; entries paired meanwhile (through
    // another queue) are skipped when reached.
    struct Queue {
      std::vector<int> nodes;
      size_t next = 0;
    };
    int FrontUnpaired(Queue& queue) const {
      while (queue.next < queue.nodes.size() && partner_of_a[queue.nodes[queue.next]] >= 0) {
        ++queue.next;
      }
      return queue.next < queue.nodes.size() ? queue.nodes[queue.next] : -1;
    }

    // Pairs each unpaired node of B, in order, with the first unpaired node of A of the
    // same key, preferring one whose attributes equal its own. Two queues per key (with and
    // without the attributes) keep this linear when thousands of nodes share a key (the
    // unnamed Constants of an export).
    template <typename KeyA, typename KeyB>
    void ByKey(KeyA key_a, KeyB key_b) {
      absl::flat_hash_map<std::string, Queue> by_key, by_key_and_attributes;
      for (size_t i = 0; i < a.size(); ++i) {
        if (partner_of_a[i] >= 0) continue;
        std::string key = key_a(*a[i]);
        by_key_and_attributes[key + AttributesKey(*a[i])].nodes.push_back(static_cast<int>(i));
        by_key[std::move(key)].nodes.push_back(static_cast<int>(i));
      }
      for (size_t j = 0; j < b.size(); ++j) {
        if (partner_of_b[j] >= 0) continue;
        std::optional<std::string> key = key_b(*b[j]);
        if (!key) continue;
        int pick = -1;
        if (auto it = by_key_and_attributes.find(*key + AttributesKey(*b[j]));
            it != by_key_and_attributes.end()) {
          pick = FrontUnpaired(it->second);
        }
        if (auto it = by_key.find(*key); pick < 0 && it != by_key.end()) {
          pick = FrontUnpaired(it->second);
        }
        if (pick >= 0) Pair(pick, static_cast<int>(j));
      }
    }

    void ByInputs() {
      ByKey([this](const Node& n) { return InputsKeyA(n); },
            [this](const Node& n) { return InputsKeyB(n); });
    }
    void ByOutputs() {
      ByKey([](const Node& n) { return OutputsKey(n); },
            [](const Node& n) { return std::optional<std::string>(OutputsKey(n)); });
    }

    // The attributes for choosing among candidates: names and values as text, in name
    // order; a tensor also by a hash of its bytes when they are in memory (a Constant's
    // value), never by reading external data; graphs are not looked into.
    static std::string AttributesKey(const Node& n) {
      std::vector<std::string> items;
      for (const Attribute& attr : n.attributes) {
        std::string item = fmt::format("#{}{}:{}={}", attr.name.size(), attr.name,
                                       static_cast<int>(attr.type), AttributeText(attr));
        if (attr.t && !attr.t->is_external()) {
          if (StatusOr<Bytes> bytes = passes::TensorContents(*attr.t); bytes.ok()) {
            item += fmt::format("/{:016x}", Fnv1a64(bytes->view()));
          }
        }
        items.push_back(std::move(item));
      }
      std::sort(items.begin(), items.end());
      return fmt::format("{}", fmt::join(items, ""));
    }
  };

  // Slot-by-slot differences of two value lists (a node's inputs or outputs).
  void Slots(const std::vector<Value*>& a, const std::vector<Value*>& b, const std::string& what,
             const std::string& path, const std::string& label, const std::string& op) {
    auto name_at = [](const std::vector<Value*>& values, size_t k) -> std::string {
      if (k >= values.size() || values[k] == nullptr) return "(none)";
      return Quoted(values[k]->name());
    };
    for (size_t k = 0; k < std::max(a.size(), b.size()); ++k) {
      std::string before = name_at(a, k), after = name_at(b, k);
      if (before != after) {
        Add(DiffKind::kChanged, path, "node", label, op, fmt::format("{} {}", what, k), before,
            after);
      }
    }
  }

  Status NodePair(const Node& a, const Node& b, const std::string& label, const std::string& path) {
    std::string op = OpText(a);
    if (a.name != b.name) {
      Add(DiffKind::kChanged, path, "node", label, op, "name", Quoted(a.name), Quoted(b.name));
    }
    if (OpText(a) != OpText(b)) {
      Add(DiffKind::kChanged, path, "node", label, op, "op", OpText(a), OpText(b));
    }
    if (a.overload != b.overload) {
      Add(DiffKind::kChanged, path, "node", label, op, "overload", a.overload, b.overload);
    }
    Slots(a.inputs(), b.inputs(), "input", path, label, op);
    Slots(a.outputs(), b.outputs(), "output", path, label, op);
    for (const Attribute& attr_a : a.attributes) {
      const Attribute* attr_b = b.FindAttribute(attr_a.name);
      std::string field = "attribute " + attr_a.name;
      if (attr_b == nullptr) {
        Add(DiffKind::kChanged, path, "node", label, op, field, AttributeText(attr_a), "(none)");
        continue;
      }
      std::string where = fmt::format("{}/{}.{}", path, label, attr_a.name);
      ONNXKIT_ASSIGN_OR_RETURN(std::optional<TextPair> difference,
                               CompareAttributes(attr_a, *attr_b, where));
      if (difference) {
        Add(DiffKind::kChanged, path, "node", label, op,
            difference->field.empty() ? field : field + " " + difference->field, difference->before,
            difference->after);
      }
    }
    for (const Attribute& attr_b : b.attributes) {
      if (a.FindAttribute(attr_b.name) == nullptr) {
        Add(DiffKind::kChanged, path, "node", label, op, "attribute " + attr_b.name, "(none)",
            AttributeText(attr_b));
      }
    }
    return absl::OkStatus();
  }

  // The difference of two attributes of one name, or nullopt. Graphs are diffed in place
  // (their entries carry the path `where`) and never reported as a value.
  StatusOr<std::optional<TextPair>> CompareAttributes(const Attribute& a, const Attribute& b,
                                                      const std::string& where) {
    if (a.type != b.type || a.ref_attr_name != b.ref_attr_name) {
      return TextPair{"", AttributeText(a), AttributeText(b)};
    }
    if (!a.ref_attr_name.empty()) return std::nullopt;
    switch (a.type) {
      case AttributeType::kFloat:
        if (SameBits(a.f, b.f)) return std::nullopt;
        break;
      case AttributeType::kFloats:
        if (SameFloats(a.floats, b.floats)) return std::nullopt;
        break;
      case AttributeType::kTensor:
        if (!a.t || !b.t) break;
        return CompareTensors(*a.t, *b.t, where);
      case AttributeType::kTensors: {
        if (a.tensors.size() != b.tensors.size()) break;
        for (size_t k = 0; k < a.tensors.size(); ++k) {
          ONNXKIT_ASSIGN_OR_RETURN(
              std::optional<TextPair> d,
              CompareTensors(a.tensors[k], b.tensors[k], fmt::format("{}[{}]", where, k)));
          if (d) return TextPair{fmt::format("[{}] {}", k, d->field), d->before, d->after};
        }
        return std::nullopt;
      }
      case AttributeType::kGraph:
        if (!a.g || !b.g) break;
        ONNXKIT_RETURN_IF_ERROR(Graphs(*a.g, *b.g, where));
        return std::nullopt;
      case AttributeType::kGraphs:
        if (a.graphs.size() != b.graphs.size()) break;
        for (size_t k = 0; k < a.graphs.size(); ++k) {
          ONNXKIT_RETURN_IF_ERROR(
              Graphs(*a.graphs[k], *b.graphs[k], fmt::format("{}[{}]", where, k)));
        }
        return std::nullopt;
      case AttributeType::kInt:
        if (a.i == b.i) return std::nullopt;
        break;
      case AttributeType::kInts:
        if (a.ints == b.ints) return std::nullopt;
        break;
      case AttributeType::kString:
        if (a.s == b.s) return std::nullopt;
        break;
      case AttributeType::kStrings:
        if (a.strings == b.strings) return std::nullopt;
        break;
      default:
        // Sparse tensors (by type and dims), types, and what the file left typeless: by
        // their text.
        if (AttributeText(a) == AttributeText(b)) return std::nullopt;
        break;
    }
    std::string ta = AttributeText(a), tb = AttributeText(b);
    if (ta == tb) {
      // Values that print alike: floats that differ in their bits (NaN payloads), strings
      // whose quoting hides the difference.
      ta += a.type == AttributeType::kFloat || a.type == AttributeType::kFloats ? " (bits differ)"
                                                                                : " (differs)";
    }
    return TextPair{"", ta, tb};
  }

  const DiffOptions& options_;
  ModelDiff diff_;
};

}  // namespace

std::string_view DiffKindName(DiffKind kind) {
  switch (kind) {
    case DiffKind::kAdded: return "added";
    case DiffKind::kRemoved: return "removed";
    case DiffKind::kChanged: return "changed";
  }
  return "changed";
}

StatusOr<ModelDiff> Diff(const Model& a, const Model& b, const DiffOptions& options) {
  Differ differ(options);
  ONNXKIT_RETURN_IF_ERROR(differ.Models(a, b));
  return differ.Take();
}

}  // namespace onnxkit
