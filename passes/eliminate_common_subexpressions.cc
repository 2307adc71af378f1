// Each node gets a key (op, inputs, output slots, attributes with a hash of each tensor's
// contents); nodes with equal keys are then compared exactly (AttributesEqual), so a hash
// collision never merges two nodes.
#include "passes/eliminate_common_subexpressions.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "passes/graph_sites.h"
#include "passes/tensor_contents.h"

namespace onnxkit::passes {
namespace {

bool IsOnnxDomain(std::string_view domain) {
  domain = NormalDomain(domain);
  return domain.empty() || domain == "ai.onnx.ml";
}

bool IsNonDeterministic(const Node& n) {
  for (std::string_view op : {"RandomNormal", "RandomUniform", "RandomNormalLike",
                              "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout"}) {
    if (n.Is("", op)) return true;
  }
  return false;
}

// Why `n` may not be merged with an equal node, or nullopt.
std::optional<std::string> WhyRefused(const Model& model, const Node& n) {
  if (!IsOnnxDomain(n.domain)) {
    return model.FindFunction(n)
               ? "it calls a model-local function, which may be random"
               : fmt::format("'{}' is no ONNX domain: the op is not known", NormalDomain(n.domain));
  }
  if (IsNonDeterministic(n)) return fmt::format("{} is not deterministic", n.op_type);
  for (const Attribute& a : n.attributes) {
    if (a.g || !a.graphs.empty() || a.type == AttributeType::kGraph ||
        a.type == AttributeType::kGraphs) {
      return fmt::format("its attribute '{}' is a sub-graph", a.name);
    }
    if (a.sparse_tensor || !a.sparse_tensors.empty() || a.tp || !a.type_protos.empty()) {
      return fmt::format("its attribute '{}' is a sparse tensor or a type", a.name);
    }
  }
  return std::nullopt;
}

// A tensor's contents, or nullopt when its data cannot be read.
std::optional<Bytes> Contents(const Tensor& t) {
  StatusOr<Bytes> contents = TensorContents(t);
  if (!contents.ok()) return std::nullopt;
  return *std::move(contents);
}

void AppendTensorKey(const Tensor& t, std::string& key) {
  std::optional<Bytes> contents = Contents(t);
  key += fmt::format("t{}[{}]#{}", t.data_type, fmt::join(t.dims, ","),
                     contents ? absl::HashOf(contents->view()) : 0);
}

// The attributes, sorted by name, with every value but tensor contents spelled out.
std::string AttributesKey(const Node& n) {
  std::vector<const Attribute*> sorted;
  for (const Attribute& a : n.attributes) sorted.push_back(&a);
  std::sort(sorted.begin(), sorted.end(),
            [](const Attribute* a, const Attribute* b) { return a->name < b->name; });
  std::string key;
  for (const Attribute* a : sorted) {
    key += fmt::format("|{}:{}:", a->name, static_cast<int>(a->type));
    if (!a->ref_attr_name.empty()) {
      key += "@" + a->ref_attr_name;
      continue;
    }
    if (auto f = a->AsFloat()) key += fmt::format("f{}", std::bit_cast<uint32_t>(*f));
    if (auto i = a->AsInt()) key += fmt::format("i{}", *i);
    if (auto s = a->AsString()) key += fmt::format("s{}:{}", s->size(), *s);
    if (auto fs = a->AsFloats()) {
      key += "F";
      for (float f : *fs) key += fmt::format("{},", std::bit_cast<uint32_t>(f));
    }
    if (auto is = a->AsInts()) key += fmt::format("I{}", fmt::join(*is, ","));
    if (auto ss = a->AsStrings()) {
      key += "S";
      for (const std::string& s : *ss) key += fmt::format("{}:{},", s.size(), s);
    }
    if (const Tensor* t = a->AsTensor()) AppendTensorKey(*t, key);
    for (const Tensor& t : a->tensors) AppendTensorKey(t, key);
  }
  return key;
}

std::string NodeKey(const Node& n) {
  std::string key =
      fmt::format("{}|{}|{}|{}|", NormalDomain(n.domain), n.op_type, n.overload, n.inputs().size());
  for (const Value* v : n.inputs()) key += fmt::format("{},", static_cast<const void*>(v));
  key += "|";
  for (const Value* v : n.outputs()) key += v ? '1' : '0';
  return key + AttributesKey(n);
}

bool TensorsEqual(const Tensor& a, const Tensor& b) {
  if (a.data_type != b.data_type || a.dims != b.dims) return false;
  std::optional<Bytes> ca = Contents(a), cb = Contents(b);
  return ca && cb && ca->view() == cb->view();
}

// Whether the tensors of two nodes whose keys are equal are equal too (the key holds every
// other attribute value exactly, in the same order).
bool TensorsOfEqualKeysEqual(const Node& a, const Node& b) {
  for (const Attribute& x : a.attributes) {
    const Attribute* y = b.FindAttribute(x.name);
    if (!y) return false;
    const Tensor* tx = x.AsTensor();
    const Tensor* ty = y->AsTensor();
    if ((tx == nullptr) != (ty == nullptr)) return false;
    if (tx && !TensorsEqual(*tx, *ty)) return false;
    if (x.tensors.size() != y->tensors.size()) return false;
    for (size_t i = 0; i < x.tensors.size(); ++i) {
      if (!TensorsEqual(x.tensors[i], y->tensors[i])) return false;
    }
  }
  return true;
}

bool ComputesGraphOutput(const Node& n) {
  return std::any_of(n.outputs().begin(), n.outputs().end(),
                     [](const Value* v) { return v && v->is_graph_output(); });
}

}  // namespace

EliminateCommonSubexpressionsPass::EliminateCommonSubexpressionsPass(const PassOptions&) {}

StatusOr<PassResult> EliminateCommonSubexpressionsPass::Run(Model& model, PassContext&) {
  PassResult result;
  for (const GraphSite& site : RewritableGraphs(model)) {
    Graph& graph = *site.graph;
    // Surviving nodes by key; a key rarely has more than one (a hash collision of tensors).
    absl::flat_hash_map<std::string, std::vector<Node*>> seen;
    // Inputs and op alone, to report refusals only for nodes that have a look-alike.
    absl::flat_hash_map<std::string, int> look_alikes;
    size_t index = 0;
    for (Node* n : graph.EraseSafeNodes()) {
      const size_t at = index++;
      if (std::none_of(n->outputs().begin(), n->outputs().end(),
                       [](const Value* v) { return v != nullptr; })) {
        continue;
      }
      if (std::optional<std::string> why = WhyRefused(model, *n)) {
        std::string look = fmt::format("{}|{}|", n->op_type, NormalDomain(n->domain));
        for (const Value* v : n->inputs()) look += fmt::format("{},", static_cast<const void*>(v));
        if (look_alikes[look]++ > 0) result.Skip(NodePath(site, *n, at), *why);
        continue;
      }
      std::vector<Node*>& peers = seen[NodeKey(*n)];
      auto equal = std::find_if(peers.begin(), peers.end(),
                                [&](Node* p) { return TensorsOfEqualKeysEqual(*p, *n); });
      if (equal == peers.end()) {
        peers.push_back(n);
        continue;
      }
      Node* survivor = *equal;
      Node* gone = n;
      if (ComputesGraphOutput(*n)) {
        if (ComputesGraphOutput(*survivor)) {
          result.Skip(NodePath(site, *n, at),
                      fmt::format("equal to '{}' but both compute graph outputs",
                                  NodePath(site, *survivor)));
          continue;
        }
        // The later node survives in the earlier one's place.
        n->MoveBefore(survivor);
        std::swap(survivor, gone);
        *equal = survivor;
      }
      for (size_t i = 0; i < gone->outputs().size(); ++i) {
        if (Value* v = gone->output(i)) v->ReplaceAllUsesWith(survivor->output(i));
      }
      if (Status removed = graph.RemoveNode(gone); !removed.ok()) {
        return absl::InternalError(
            fmt::format("{}: {}", NodePath(site, *gone), std::string(removed.message())));
      }
      --index;
      result.changed = true;
      result.Count("nodes-removed");
    }
  }
  return result;
}

}  // namespace onnxkit::passes
