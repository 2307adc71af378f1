// Initializers are first grouped by (type, dims): a tensor alone of its type and dims is
// never read. In a group, each tensor's data is read once to hash it; a kept tensor is read
// again for each later one whose hash matches, to compare the bytes. Only views of inline
// data and at most two external tensors' bytes are held at a time, never a group's.
#include "passes/dedupe_initializers.h"

#include <fmt/format.h>

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "passes/graph_sites.h"
#include "passes/tensor_contents.h"

namespace onnxkit::passes {
namespace {

// Why `v` must keep its own initializer, or nullopt when it may be merged into a peer.
std::optional<std::string> WhyKept(const Value& v, const absl::flat_hash_set<std::string>& bound) {
  if (v.is_graph_input()) return "it is a graph input's default, which callers may override";
  if (v.is_graph_output()) return "it is a graph output";
  if (bound.contains(v.name())) return "training_info binds it by name";
  return std::nullopt;
}

using ShapeKey = std::pair<int32_t, std::vector<int64_t>>;

}  // namespace

DedupeInitializersPass::DedupeInitializersPass(const PassOptions&) {}

StatusOr<PassResult> DedupeInitializersPass::Run(Model& model, PassContext&) {
  PassResult result;
  absl::flat_hash_set<std::string> bound = TrainingBoundNames(model);
  for (const GraphSite& site : RewritableGraphs(model)) {
    Graph& graph = *site.graph;
    // Initializers by (type, dims), in the graph's order.
    absl::flat_hash_map<ShapeKey, size_t> shape_index;
    std::vector<std::vector<Value*>> by_shape;
    for (Value* v : graph.initializers()) {
      const Tensor& t = *v->initializer();
      if (t.segment) continue;  // a piece of a larger tensor: not a whole value
      auto [it, added] = shape_index.try_emplace(ShapeKey(t.data_type, t.dims), by_shape.size());
      if (added) by_shape.emplace_back();
      by_shape[it->second].push_back(v);
    }
    std::vector<Value*> removed;
    for (const std::vector<Value*>& values : by_shape) {
      if (values.size() < 2) continue;
      // The first value of each distinct content seen so far, by hash of the contents.
      absl::flat_hash_map<size_t, std::vector<Value*>> keepers;
      for (Value* v : values) {
        StatusOr<Bytes> contents = TensorContents(*v->initializer());
        if (!contents.ok()) {
          result.Skip(
              fmt::format("{}/{}", site.path, v->name()),
              fmt::format("its data cannot be read: {}", std::string(contents.status().message())));
          continue;
        }
        std::vector<Value*>& same_hash = keepers[absl::HashOf(contents->view())];
        Value* keeper = nullptr;
        for (Value* k : same_hash) {
          StatusOr<Bytes> k_contents = TensorContents(*k->initializer());
          if (k_contents.ok() && k_contents->view() == contents->view()) keeper = k;
          if (keeper) break;
        }
        std::optional<std::string> why = WhyKept(*v, bound);
        if (!keeper) {
          if (!why) same_hash.push_back(v);
          continue;
        }
        if (why) {
          result.Skip(fmt::format("{}/{}", site.path, v->name()),
                      fmt::format("equal to '{}' but kept: {}", keeper->name(), *why));
          continue;
        }
        v->ReplaceAllUsesWith(keeper);
        removed.push_back(v);
        result.changed = true;
        result.Count("initializers-merged");
        result.Count("bytes-saved", static_cast<int64_t>(contents->size()));
      }
    }
    for (Value* v : removed) {
      Status status = graph.RemoveInitializer(v);
      if (!status.ok()) {
        return absl::InternalError(
            fmt::format("{}/{}: {}", site.path, v->name(), std::string(status.message())));
      }
    }
  }
  return result;
}

}  // namespace onnxkit::passes
