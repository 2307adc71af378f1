#include "passes/chain_rewrites.h"

#include <fmt/format.h>

#include "absl/container/flat_hash_set.h"

namespace onnxkit::passes {

Node* ProducerOf(const Node& n, std::string_view op) {
  const Value* v = n.input(0);
  if (!v || v->graph() != n.graph() || !v->producer()) return nullptr;
  Node* p = v->producer();
  return p->Is("", op) ? p : nullptr;
}

Value* AddInt64s(Model& model, const GraphSite& site, Node* user, NameTable& names,
                 std::string_view base, const std::vector<int64_t>& values) {
  Tensor t = *Tensor::FromValues<int64_t>({static_cast<int64_t>(values.size())}, values);
  std::string name = names.Fresh(base);
  if (site.function || model.ir_version < 4) {
    Node* c = site.graph->InsertNodeBefore(user, "Constant", {}, {name});
    t.name = name;
    c->SetAttribute(Attribute::OfTensor("value", std::move(t)));
    return c->output(0);
  }
  t.name = std::move(name);
  return site.graph->AddInitializer(std::move(t));
}

Status BypassedNodes::RemoveUnread(const GraphSite& site, PassResult& result,
                                   std::string_view counter) {
  absl::flat_hash_set<const Node*> removed;
  for (size_t i = nodes_.size(); i-- > 0;) {
    Node* n = nodes_[i];
    if (removed.contains(n)) continue;
    bool read = false;
    for (const Value* v : n->outputs())
      read = read || (v && (v->has_uses() || v->is_graph_output()));
    if (read) continue;
    if (Status status = site.graph->RemoveNode(n); !status.ok()) {
      return absl::InternalError(
          fmt::format("{}: {}", NodePath(site, *n), std::string(status.message())));
    }
    removed.insert(n);
    result.changed = true;
    result.Count(counter);
  }
  nodes_.clear();
  return absl::OkStatus();
}

}  // namespace onnxkit::passes
