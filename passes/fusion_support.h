// What the fusion passes share (internal): reading and writing float weights, adding
// constants to the graph a rewrite happens in, handing a value's name and readers to its
// replacement, dropping constants a fusion left unread, and folding a per-channel affine map
// (y·s + t on the channel axis) into a Conv or ConvTranspose.
//
// Used by fuse-bn-into-conv, fuse-add-into-conv, fuse-mul-into-conv, matmul-add-to-gemm and
// fuse-pad-into-conv. New weights are computed in double and stored in the weight's element
// type (float, double, float16, bfloat16).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "onnxkit/ir.h"
#include "onnxkit/name_table.h"
#include "onnxkit/pass.h"
#include "onnxkit/status.h"
#include "passes/graph_sites.h"

namespace onnxkit::passes::fusion {

// Weights past this many elements are left alone (a skip): a fusion reads them whole.
inline constexpr int64_t kMaxWeightElements = int64_t{1} << 27;

// Whether weights of `type` can be recomputed: float, double, float16, bfloat16.
bool IsFloatType(int32_t type);

// The elements of a float tensor (IsFloatType) as doubles; an error for other types and for
// tensors past kMaxWeightElements.
StatusOr<std::vector<double>> FloatValues(const Tensor& tensor);
// A tensor of `type` (IsFloatType) named `name` holding `values`, rounded to nearest.
StatusOr<Tensor> FloatTensor(int32_t type, std::string name, std::vector<int64_t> dims,
                             const std::vector<double>& values);

// The constant tensor behind `value` (initializer or Constant node), or nullopt when the value
// is not constant (a graph input with a default counts as not constant).
std::optional<Tensor> ConstantOf(const Value* value);

// Edits one model: fresh names for what a fusion adds, and removal of what it leaves unread.
// The names in use are gathered at the first fresh name asked for, not before: most runs of
// a fusion pass find nothing to fuse and need none. (Every fusion asks for one before it
// adds or removes a name, so the names are those of the model as the pass found it.)
class Editor {
 public:
  explicit Editor(Model& model);

  // Adds `tensor` under a fresh name made from `base` as a constant of `site`'s graph: an
  // initializer, or (function bodies have none) a Constant node placed before `reader`.
  Value* AddConstant(const GraphSite& site, Node& reader, std::string_view base, Tensor tensor);
  // A fresh node name / value name made from `base`.
  std::string FreshNodeName(std::string_view base);
  std::string FreshValueName(std::string_view base);
  // `replacement` takes `old`'s readers, graph-output slots, name and declared type; `old`
  // gets a fresh name (it is about to lose its producer). Graph output names never change.
  void TakeOver(Value& old, Value& replacement);
  // Removes the constant `value` (an initializer that is no graph input, or a Constant node's
  // output) when nothing reads it, no graph returns it and training_info does not bind it;
  // anything else stays.
  void DropIfUnread(Value* value);
  // Whether training_info binds `value` by name (a main-graph initializer that training
  // initializes or updates): folding it into another constant would cut it off from training.
  bool IsTrainingBound(const Value* value) const;

 private:
  // Gathers the value and node names of the model, once.
  void TakeNames();

  Model& model_;
  absl::flat_hash_set<std::string> training_bound_;
  bool names_taken_ = false;
  NameTable values_;
  NameTable nodes_;
};

// A Conv or ConvTranspose whose output only one node reads, with constant weights.
struct ConvWeights {
  Node* conv = nullptr;
  Tensor weight;
  std::optional<Tensor> bias;
  int64_t channels = 0;  // output channels
};

// The Conv / ConvTranspose (default domain) that produces input `input_index` of `reader`,
// or nullptr when none does: then the reader is no candidate.
Node* ConvProducer(const Node& reader, size_t input_index);

// Reads `conv`'s weights when a per-channel fusion into it is possible: it sits in `reader`'s
// graph, `reader` is the only reader of its output (which no graph returns), its weight (rank
// 3 or more, float type) and bias are constant. Otherwise the reason, for a skip.
StatusOr<ConvWeights> FusableConv(const Node& conv, const Node& reader);

// Rewrites `conv` so that it computes y·scale[c] + shift[c] on output channel c (scale absent:
// 1), then lets it take over `follower`'s output 0 and removes `follower` and the constants
// left unread. `scale` and `shift` hold `weights.channels` values. An error other than
// Internal (weights that cannot be read or written, constants training_info binds) comes
// before any change: a skip.
Status FoldChannelAffine(Editor& editor, const GraphSite& site, const ConvWeights& weights,
                         const std::vector<double>* scale, const std::vector<double>& shift,
                         Node& follower, std::string_view suffix);

// The channel values of a constant operand `k` of an elementwise op on a Conv output of rank
// `rank` with `channels` channels, when broadcasting `k` neither changes the output's shape
// nor varies along any axis but the channel axis ([C], [C,1,1], [1,C,1,1], scalars, …);
// otherwise the reason.
StatusOr<std::vector<double>> PerChannelValues(const Tensor& k, size_t rank, int64_t channels);

// fuse-add-into-conv and fuse-mul-into-conv: every Add (Mul) of a Conv / ConvTranspose output
// and a per-channel constant (PerChannelValues) folded into the bias (weight and bias), as
// their headers describe. Counters: adds-fused / muls-fused.
enum class ChannelOp { kAdd, kMul };
StatusOr<PassResult> FuseChannelConstants(Model& model, ChannelOp op);

}  // namespace onnxkit::passes::fusion
