#include "passes/block_reorg.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "eval/array.h"
#include "eval/kernel.h"
#include "fmt/format.h"
#include "onnxkit/constant.h"
#include "onnxkit/name_table.h"
#include "passes/static_types.h"

namespace onnxkit::passes {
namespace {

using eval::Array;

// Index tensors past this many elements are not evaluated (a 4096×4096 RGB image is 50M).
constexpr int64_t kMaxElements = int64_t{1} << 26;
// A chain longer than this is not a reorganisation an exporter writes.
constexpr size_t kMaxChainNodes = 256;
// Cut points tried inside one chain when its whole region is not a candidate.
constexpr size_t kMaxCuts = 16;

// A 4-D tensor type with static channels, height and width: its dims (an unknown batch
// counts as 1: a convolution works on each image alike) and element type.
struct Image {
  std::vector<int64_t> dims;
  int32_t elem_type = 0;
};
std::optional<Image> StaticImage(const Value& v, const StaticTypes& types) {
  const Type* t = types.TypeOf(v);
  if (!t || t->kind != Type::Kind::kTensor || !t->shape || t->shape->dims.size() != 4) {
    return std::nullopt;
  }
  Image image{{}, t->elem_type};
  for (size_t i = 0; i < 4; ++i) {
    const Dim& d = t->shape->dims[i];
    if (d.kind == Dim::Kind::kValue && d.value > 0) {
      image.dims.push_back(d.value);
    } else if (i == 0) {
      image.dims.push_back(1);
    } else {
      return std::nullopt;
    }
  }
  return image;
}

// Whether `n` only moves elements (default domain): a chain of these run on a tensor of
// element indices (by the evaluator) says where each output element comes from. ScatterND
// without a reduction moves its updates into its data (PyTorch's slice assignment into a
// zero tensor, once constant folding has made the indices constant); Expand repeats
// elements, which the block check then refuses unless it repeats none.
bool IsDataMovement(const Node& n) {
  static constexpr std::string_view kOps[] = {
      "Identity", "Reshape", "Flatten",      "Squeeze",      "Unsqueeze", "Transpose", "Slice",
      "Concat",   "Split",   "SpaceToDepth", "DepthToSpace", "Expand",    "ScatterND"};
  if (!n.domain.empty() && n.domain != "ai.onnx") return false;
  if (n.op_type == "ScatterND" && n.GetString("reduction").value_or("none") != "none") {
    return false;
  }
  return std::find(std::begin(kOps), std::end(kOps), n.op_type) != std::end(kOps);
}

// The row-major int64 tensor 0, 1, 2, … of `dims`: the index of every element.
Array Iota(const std::vector<int64_t>& dims) {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  std::vector<int64_t> values(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) values[static_cast<size_t>(i)] = i;
  return Array::Ints(static_cast<int32_t>(DataType::kInt64), dims, std::move(values));
}

// `parts` (int64 arrays of equal rank ≥ 2) joined along axis 1.
StatusOr<Array> ConcatChannels(const std::vector<const Array*>& parts) {
  const Array& first = *parts.front();
  if (first.rank() < 2) return absl::InvalidArgumentError("a run part has rank below 2");
  std::vector<int64_t> dims = first.dims;
  dims[1] = 0;
  for (const Array* p : parts) {
    bool same = p->rank() == first.rank();
    for (size_t a = 0; same && a < dims.size(); ++a) same = a == 1 || p->dims[a] == first.dims[a];
    if (!same) return absl::InvalidArgumentError("the run's parts differ in shape");
    dims[1] += p->dims[1];
  }
  Array out = Array::Ints(first.type, dims, {});
  if (first.dims[0] == 0) return out;
  for (int64_t n = 0; n < first.dims[0]; ++n) {
    for (const Array* p : parts) {
      const int64_t block = p->size() / first.dims[0];
      out.ints.insert(out.ints.end(), p->ints.begin() + n * block,
                      p->ints.begin() + (n + 1) * block);
    }
  }
  return out;
}

// The inputs of a data-movement node whose elements it moves (the others are parameters).
bool IsDataInput(const Node& n, size_t index) {
  if (n.op_type == "ScatterND") return index == 0 || index == 2;  // data, updates
  return n.op_type == "Concat" || index == 0;
}

// A constant that a ScatterND writes into: its elements must all be overwritten.
bool IsBlank(const Node& n, size_t index, const Value& v) {
  return n.op_type == "ScatterND" && index == 0 && IsConstant(&v);
}

std::string Where(const Node& n) {
  return n.name.empty() ? n.op_type : fmt::format("{} '{}'", n.op_type, n.name);
}

// The data-movement nodes a set of end values is computed from.
struct Region {
  std::vector<Node*> nodes;  // producers before consumers
  absl::flat_hash_set<const Node*> members;
  std::vector<Value*> sources;  // values read from outside (distinct)
  std::vector<Value*> params;   // constant parameter inputs
  std::vector<Value*> blanks;   // constants ScatterNDs write into (IsBlank)
};

class RegionBuilder {
 public:
  RegionBuilder(const Graph& g, const Value* stop) : g_(g), stop_(stop) {}

  Status Visit(Value* v) {
    Node* p = v->producer();
    if (v == stop_ || !p || p->graph() != &g_ || !IsDataMovement(*p)) {
      if (std::find(region_.sources.begin(), region_.sources.end(), v) == region_.sources.end()) {
        region_.sources.push_back(v);
      }
      return absl::OkStatus();
    }
    if (!region_.members.insert(p).second) return absl::OkStatus();
    if (region_.members.size() > kMaxChainNodes) {
      return absl::OutOfRangeError("the chain is longer than a reorganisation");
    }
    for (size_t i = 0; i < p->inputs().size(); ++i) {
      Value* in = p->input(i);
      if (!in) continue;
      if (IsBlank(*p, i, *in)) {
        region_.blanks.push_back(in);
      } else if (IsDataInput(*p, i)) {
        ONNXKIT_RETURN_IF_ERROR(Visit(in));
      } else if (IsConstant(in)) {
        region_.params.push_back(in);
      } else {
        return absl::InvalidArgumentError(
            fmt::format("{} reads '{}', computed at run time", Where(*p), in->name()));
      }
    }
    region_.nodes.push_back(p);
    return absl::OkStatus();
  }

  Region Take() { return std::move(region_); }

 private:
  const Graph& g_;
  const Value* stop_;
  Region region_;
};

StatusOr<Region> Collect(const Graph& g, const std::vector<Value*>& ends, const Value* stop) {
  RegionBuilder builder(g, stop);
  for (Value* end : ends) ONNXKIT_RETURN_IF_ERROR(builder.Visit(end));
  return builder.Take();
}

// The convolution weight a block reorganisation becomes: dims [K, C, b, b] and the flat
// positions of its ones.
struct Block {
  int64_t b = 0;
  std::vector<int64_t> weight_dims;
  std::vector<int64_t> ones;
};

struct Decoded {
  int64_t n, c, h, w;
};
Decoded Decode(int64_t index, const std::vector<int64_t>& dims) {
  Decoded d{};
  d.w = index % dims[3];
  index /= dims[3];
  d.h = index % dims[2];
  index /= dims[2];
  d.c = index % dims[1];
  d.n = index / dims[1];
  return d;
}

// Y[n, k, i, j] = X[n, c, i·b + dy, j·b + dx] with k ↔ (c, dy, dx) one to one.
StatusOr<Block> SpaceToDepthBlock(const Array& y, const std::vector<int64_t>& x) {
  if (y.dims.size() != 4 || y.dims[0] != x[0] || y.dims[2] <= 0 || y.dims[3] <= 0 ||
      x[2] % y.dims[2] != 0) {
    return absl::InvalidArgumentError("the shapes are not those of a space-to-depth");
  }
  const int64_t b = x[2] / y.dims[2], c = x[1], k = y.dims[1];
  if (b < 2 || x[3] != y.dims[3] * b || k != c * b * b) {
    return absl::InvalidArgumentError("the shapes are not those of a space-to-depth");
  }
  std::vector<int64_t> source(static_cast<size_t>(k), -1);  // k -> (c·b + dy)·b + dx
  size_t at = 0;
  for (int64_t n = 0; n < y.dims[0]; ++n) {
    for (int64_t ch = 0; ch < k; ++ch) {
      for (int64_t i = 0; i < y.dims[2]; ++i) {
        for (int64_t j = 0; j < y.dims[3]; ++j, ++at) {
          if (y.ints[at] < 0) {
            return absl::InvalidArgumentError("an element comes from a constant, not the input");
          }
          Decoded d = Decode(y.ints[at], x);
          const int64_t dy = d.h - i * b, dx = d.w - j * b;
          if (d.n != n || dy < 0 || dy >= b || dx < 0 || dx >= b) {
            return absl::InvalidArgumentError("an element moves out of its block");
          }
          const int64_t key = (d.c * b + dy) * b + dx;
          int64_t& seen = source[static_cast<size_t>(ch)];
          if (seen != -1 && seen != key) {
            return absl::InvalidArgumentError("a channel mixes positions of different blocks");
          }
          seen = key;
        }
      }
    }
  }
  std::vector<int64_t> sorted = source;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return absl::InvalidArgumentError("two channels take the same block position");
  }
  Block block{b, {k, c, b, b}, {}};
  for (int64_t ch = 0; ch < k; ++ch)
    block.ones.push_back(ch * c * b * b + source[static_cast<size_t>(ch)]);
  return block;
}

// Y[n, c, i·b + dy, j·b + dx] = X[n, k, i, j] with (c, dy, dx) ↔ k one to one.
StatusOr<Block> DepthToSpaceBlock(const Array& y, const std::vector<int64_t>& x) {
  if (y.dims.size() != 4 || y.dims[0] != x[0] || y.dims[2] % x[2] != 0) {
    return absl::InvalidArgumentError("the shapes are not those of a depth-to-space");
  }
  const int64_t b = y.dims[2] / x[2], c = y.dims[1], k = x[1];
  if (b < 2 || y.dims[3] != x[3] * b || k != c * b * b) {
    return absl::InvalidArgumentError("the shapes are not those of a depth-to-space");
  }
  std::vector<int64_t> source(static_cast<size_t>(k), -1);  // (c·b + dy)·b + dx -> k
  size_t at = 0;
  for (int64_t n = 0; n < y.dims[0]; ++n) {
    for (int64_t ch = 0; ch < c; ++ch) {
      for (int64_t h = 0; h < y.dims[2]; ++h) {
        for (int64_t w = 0; w < y.dims[3]; ++w, ++at) {
          if (y.ints[at] < 0) {
            return absl::InvalidArgumentError("an element comes from a constant, not the input");
          }
          Decoded d = Decode(y.ints[at], x);
          if (d.n != n || d.h != h / b || d.w != w / b) {
            return absl::InvalidArgumentError("an element moves out of its block");
          }
          int64_t& seen = source[static_cast<size_t>((ch * b + h % b) * b + w % b)];
          if (seen != -1 && seen != d.c) {
            return absl::InvalidArgumentError("a block position mixes channels");
          }
          seen = d.c;
        }
      }
    }
  }
  std::vector<int64_t> sorted = source;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return absl::InvalidArgumentError("two block positions take the same channel");
  }
  Block block{b, {k, c, b, b}, {}};
  for (int64_t key = 0; key < k; ++key) {
    block.ones.push_back(source[static_cast<size_t>(key)] * c * b * b + key);
  }
  return block;
}

// A weight tensor of `elem_type` (float, float16, and double when allowed) with ones at
// `block.ones`.
StatusOr<Tensor> Weight(const Block& block, int32_t elem_type, bool allow_double,
                        std::string name) {
  size_t size = 0;
  uint64_t one = 0;
  switch (static_cast<DataType>(elem_type)) {
    case DataType::kFloat: size = 4, one = 0x3F800000; break;
    case DataType::kDouble:
      if (!allow_double) {
        return absl::InvalidArgumentError(
            "its elements are float64, which ONNX Runtime's CPU provider cannot convolve "
            "(double=true rewrites it anyway)");
      }
      size = 8, one = 0x3FF0000000000000;
      break;
    case DataType::kFloat16: size = 2, one = 0x3C00; break;
    default:
      return absl::InvalidArgumentError(
          fmt::format("its elements are {} (float, double and float16 are rewritten)",
                      DataTypeName(elem_type)));
  }
  int64_t count = 1;
  for (int64_t d : block.weight_dims) count *= d;
  std::string bytes(static_cast<size_t>(count) * size, '\0');
  for (int64_t at : block.ones) std::memcpy(&bytes[static_cast<size_t>(at) * size], &one, size);
  Tensor t;
  t.name = std::move(name);
  t.data_type = elem_type;
  t.dims = block.weight_dims;
  t.SetRawData(Bytes::Own(std::move(bytes)));
  return t;
}

class Rewriter {
 public:
  Rewriter(Model& model, BlockDirection direction, bool allow_double, PassResult& result)
      : model_(model),
        direction_(direction),
        allow_double_(allow_double),
        result_(result),
        types_(model),
        values_(NameTable::ValueNames(model)),
        node_names_(NameTable::NodeNames(model)) {}

  void RunOn(Graph& g, bool is_function_body) {
    std::vector<Node*> nodes(g.nodes().begin(), g.nodes().end());
    for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
      Node* n = *it;
      if (removed_.contains(n)) continue;
      for (Graph* sub : n->subgraphs()) RunOn(*sub, is_function_body);
      if (!IsDataMovement(*n)) continue;
      bool rewritten = false;
      for (Value* y : n->outputs()) {
        if (!y || rewritten) continue;
        if (!y->has_uses() && !y->is_graph_output()) continue;
        rewritten = TryChain(g, *n, {y}, nullptr, is_function_body);
      }
      if (!rewritten && n->op_type == "Concat") TryConcatRuns(g, *n, is_function_body);
    }
  }

 private:
  // What a rewrite replaces: the chain's end values, or a run of a Concat's inputs.
  struct Run {
    Node* concat = nullptr;
    size_t first = 0, last = 0;  // inputs [first, last]
  };

  // Tries the chain ending at `ends` (one value, or a Concat run's inputs); true if it was
  // rewritten.
  bool TryChain(Graph& g, Node& anchor, const std::vector<Value*>& ends, const Run* run,
                bool is_function_body) {
    StatusOr<Region> whole = Collect(g, ends, nullptr);
    if (!whole.ok()) {
      NoteRunTimeParameter(anchor, ends, whole.status());
      return false;
    }
    if (whole->nodes.empty()) return false;
    std::vector<const Value*> cuts;
    if (whole->sources.size() == 1) cuts.push_back(whole->sources.front());
    // Nearer starts: 4-D values inside the chain (a chain may begin after earlier moves).
    for (auto it = whole->nodes.rbegin(); it != whole->nodes.rend() && cuts.size() < kMaxCuts;
         ++it) {
      for (const Value* v : (*it)->outputs()) {
        if (v && std::find(ends.begin(), ends.end(), v) == ends.end() && StaticImage(*v, types_)) {
          cuts.push_back(v);
        }
      }
    }
    std::string reason;
    for (const Value* x : cuts) {
      std::optional<Image> image = StaticImage(*x, types_);
      if (!image) continue;
      StatusOr<Region> region = Collect(g, ends, x);
      if (!region.ok() || region->sources.size() != 1 || region->sources[0] != x) continue;
      StatusOr<Array> y = Evaluate(*region, ends, *x, image->dims, run);
      StatusOr<Block> block = direction_ == BlockDirection::kSpaceToDepth
                                  ? SpaceToDepthBlock(*y, image->dims)
                                  : DepthToSpaceBlock(*y, image->dims);
      if (!block.ok()) {
        if (ShapesFit(y->dims, image->dims) && reason.empty()) {
          reason = fmt::format("not a block reorganisation: {}", StatusMessage(block.status()));
        }
        continue;
      }
      if (std::optional<std::string> used = UsedOutside(*region, ends, run)) {
        reason = *used;
        continue;
      }
      StatusOr<Tensor> weight = Weight(*block, image->elem_type, allow_double_,
                                       values_.Fresh(BaseName(ends) + "/weight"));
      if (!weight.ok()) {
        reason = std::string(StatusMessage(weight.status()));
        continue;
      }
      Replace(g, anchor, *region, ends, const_cast<Value*>(x), *block, *std::move(weight), run,
              is_function_body);
      return true;
    }
    if (!reason.empty()) result_.Skip(Where(anchor), reason);
    return false;
  }

  // A chain that ends in an image but whose movement depends on values computed at run time
  // (PyTorch's slice assignment computes its ScatterND indices from Shape arithmetic) cannot
  // be decided; say so once per such value, with the remedy, where a user would look for it.
  void NoteRunTimeParameter(const Node& anchor, const std::vector<Value*>& ends,
                            const Status& status) {
    if (!absl::IsInvalidArgument(status) || ends.size() != 1) return;
    if (!StaticImage(*ends.front(), types_)) return;
    for (const Use& use : ends.front()->uses()) {
      if (IsDataMovement(*use.node)) return;  // the chain goes on: noted at its end
    }
    std::string message(StatusMessage(status));
    if (!noted_.insert(message).second) return;
    result_.Skip(Where(anchor),
                 fmt::format("{}, so whether it only moves blocks is unknown (fold-constants, or "
                             "simplify, first makes such values constant where it can)",
                             message));
  }

  // Runs of consecutive Concat inputs that come from one 4-D value.
  void TryConcatRuns(Graph& g, Node& concat, bool is_function_body) {
    auto axis = concat.GetInt("axis").value_or(0);
    if (axis != 1 && axis != -3) return;
    std::vector<const Value*> source(concat.inputs().size(), nullptr);
    for (size_t i = 0; i < concat.inputs().size(); ++i) {
      Value* in = concat.input(i);
      if (!in) continue;
      StatusOr<Region> r = Collect(g, {in}, nullptr);
      if (r.ok() && r->sources.size() == 1 && !r->nodes.empty()) source[i] = r->sources[0];
    }
    for (size_t first = 0; first < source.size();) {
      size_t last = first;
      while (last + 1 < source.size() && source[first] && source[last + 1] == source[first]) ++last;
      bool whole = first == 0 && last + 1 == source.size();
      if (source[first] && !whole) {
        Run run{&concat, first, last};
        std::vector<Value*> ends(concat.inputs().begin() + static_cast<std::ptrdiff_t>(first),
                                 concat.inputs().begin() + static_cast<std::ptrdiff_t>(last) + 1);
        if (TryChain(g, concat, ends, &run, is_function_body)) return;  // the Concat was replaced
      }
      first = last + 1;
    }
  }

  // Whether `y` and `x` have the shapes of this direction's reorganisation with some block
  // size: only such near misses are worth a reason.
  bool ShapesFit(const std::vector<int64_t>& y, const std::vector<int64_t>& x) const {
    if (y.size() != 4 || x.size() != 4 || y[0] != x[0]) return false;
    const bool s2d = direction_ == BlockDirection::kSpaceToDepth;
    const std::vector<int64_t>& small = s2d ? y : x;  // the depth side
    const std::vector<int64_t>& large = s2d ? x : y;  // the space side
    if (small[2] <= 0 || large[2] % small[2] != 0) return false;
    const int64_t b = large[2] / small[2];
    return b >= 2 && large[3] == small[3] * b && small[1] == large[1] * b * b;
  }

  // The chain run by the evaluator on the element indices of `x` (int64: the movers do not
  // look at element values, so this is running them on the data).
  StatusOr<Array> Evaluate(const Region& region, const std::vector<Value*>& ends, const Value& x,
                           const std::vector<int64_t>& dims, const Run* run) {
    int64_t count = 1;
    for (int64_t d : dims) count *= d;
    if (count > kMaxElements) return absl::ResourceExhaustedError("too large to evaluate");
    const EvalOptions options{.max_elements = kMaxElements};
    absl::flat_hash_map<const Value*, Array> values;
    values.emplace(&x, Iota(dims));
    for (const Value* p : region.params) {
      if (values.contains(p)) continue;
      ONNXKIT_ASSIGN_OR_RETURN(Tensor t, ConstantTensor(p));
      ONNXKIT_ASSIGN_OR_RETURN(Array a, eval::FromTensor(t, kMaxElements));
      values.emplace(p, std::move(a));
    }
    // A blank's elements get index -1: one left in the result is an element the input does
    // not provide, which no block reorganisation has.
    for (const Value* b : region.blanks) {
      if (values.contains(b)) continue;
      ONNXKIT_ASSIGN_OR_RETURN(Tensor t, ConstantTensor(b));
      ONNXKIT_ASSIGN_OR_RETURN(int64_t n, eval::CheckedCount(t.dims, kMaxElements));
      values.emplace(b, Array::Ints(static_cast<int32_t>(DataType::kInt64), t.dims,
                                    std::vector<int64_t>(static_cast<size_t>(n), -1)));
    }
    for (const Node* n : region.nodes) {
      std::vector<const Array*> inputs;
      for (const Value* in : n->inputs()) {
        auto it = in ? values.find(in) : values.end();
        inputs.push_back(it == values.end() ? nullptr : &it->second);
      }
      std::optional<int64_t> version = model_.OpsetVersionOf(*n);
      if (!version) return absl::FailedPreconditionError("no opset for the node's domain");
      ONNXKIT_ASSIGN_OR_RETURN(std::vector<Array> outs,
                               eval::RunNode(*n, *version, inputs, options));
      for (size_t i = 0; i < outs.size() && i < n->outputs().size(); ++i) {
        if (n->output(i)) values.insert_or_assign(n->output(i), std::move(outs[i]));
      }
    }
    std::vector<const Array*> parts;
    for (const Value* end : ends) {
      auto it = values.find(end);
      if (it == values.end()) return absl::InternalError("an end was not evaluated");
      parts.push_back(&it->second);
    }
    if (!run) return *parts.front();
    return ConcatChannels(parts);
  }

  // Why the chain's nodes cannot go (a value they make is read elsewhere), or nullopt.
  static std::optional<std::string> UsedOutside(const Region& region,
                                                const std::vector<Value*>& ends, const Run* run) {
    for (const Node* n : region.nodes) {
      for (const Value* v : n->outputs()) {
        if (!v) continue;
        bool is_end = std::find(ends.begin(), ends.end(), v) != ends.end();
        if (is_end && !run) continue;
        if (v->is_graph_output()) return fmt::format("'{}' is also a graph output", v->name());
        for (const Use& u : v->uses()) {
          bool inside =
              region.members.contains(u.node) ||
              (run && u.node == run->concat && static_cast<size_t>(u.input_index) >= run->first &&
               static_cast<size_t>(u.input_index) <= run->last);
          if (!inside) {
            return fmt::format("'{}' is also read by {}", v->name(), Where(*u.node));
          }
        }
      }
    }
    return std::nullopt;
  }

  static std::string BaseName(const std::vector<Value*>& ends) { return ends.front()->name(); }

  void Replace(Graph& g, Node& anchor, const Region& region, const std::vector<Value*>& ends,
               Value* x, const Block& block, Tensor weight, const Run* run, bool is_function_body) {
    Value* w = nullptr;
    if (is_function_body) {
      // Functions have no initializers: the weight is a Constant.
      Node* constant = g.InsertNodeBefore(&anchor, "Constant", {}, {weight.name});
      constant->name = node_names_.Fresh(weight.name);
      constant->SetAttribute(Attribute::OfTensor("value", std::move(weight)));
      w = constant->output(0);
    } else {
      w = g.AddInitializer(std::move(weight));
    }
    const bool s2d = direction_ == BlockDirection::kSpaceToDepth;
    Node* conv =
        g.InsertNodeBefore(&anchor, s2d ? "Conv" : "ConvTranspose", {x, w},
                           {values_.Fresh(BaseName(ends) + (s2d ? "/conv" : "/conv_transpose"))});
    conv->name = node_names_.Fresh(
        anchor.name.empty() ? conv->op_type : fmt::format("{}/{}", anchor.name, conv->op_type));
    conv->SetAttribute(Attribute::Ints("kernel_shape", {block.b, block.b}));
    conv->SetAttribute(Attribute::Ints("strides", {block.b, block.b}));
    if (run) {
      ReplaceRun(g, *run, conv->output(0));
    } else {
      TakeOver(*ends.front(), *conv->output(0));
    }
    RemoveChain(region);
    result_.Count("chains-rewritten");
    result_.changed = true;
  }

  // A new Concat with the run's inputs replaced by `value`, in the old one's place.
  void ReplaceRun(Graph& g, const Run& run, Value* value) {
    Node& old = *run.concat;
    std::vector<Value*> inputs;
    for (size_t i = 0; i < old.inputs().size(); ++i) {
      if (i < run.first || i > run.last) inputs.push_back(old.input(i));
      if (i == run.first) inputs.push_back(value);
    }
    Node* concat =
        g.InsertNodeBefore(&old, "Concat", inputs, {values_.Fresh(old.output(0)->name())});
    concat->name = old.name;
    concat->doc_string = old.doc_string;
    concat->SetAttribute(Attribute::Int("axis", old.GetInt("axis").value_or(1)));
    TakeOver(*old.output(0), *concat->output(0));
    removed_.insert(&old);
    (void)g.RemoveNode(&old);
  }

  void TakeOver(Value& old, Value& replacement) {
    std::string name = old.name();
    if (old.type() && !replacement.type()) replacement.mutable_info() = old.info();
    old.ReplaceAllUsesWith(&replacement, Value::GraphOutputs::kRedirect);
    old.set_name(values_.Fresh(name + "/replaced"));
    replacement.set_name(std::move(name));
  }

  // Removes the chain's nodes (consumers first) and the constants only they read.
  void RemoveChain(const Region& region) {
    for (auto it = region.nodes.rbegin(); it != region.nodes.rend(); ++it) {
      Node* n = *it;
      if ((*it)->graph()->RemoveNode(n).ok()) {
        removed_.insert(n);
        result_.Count("nodes-removed");
      }
    }
    std::vector<Value*> constants = region.params;
    constants.insert(constants.end(), region.blanks.begin(), region.blanks.end());
    for (Value* p : constants) {
      if (p->has_uses() || p->is_graph_output() || p->kind() == Value::Kind::kUndefined) continue;
      if (Node* producer = p->producer()) {
        if (producer->graph()->RemoveNode(producer).ok()) removed_.insert(producer);
      } else if (p->initializer()) {
        (void)p->graph()->RemoveInitializer(p);
      }
    }
  }

  Model& model_;
  BlockDirection direction_;
  bool allow_double_;
  PassResult& result_;
  StaticTypes types_;
  NameTable values_;
  NameTable node_names_;
  absl::flat_hash_set<const Node*> removed_;
  absl::flat_hash_set<std::string> noted_;  // NoteRunTimeParameter's messages
};

}  // namespace

PassResult RewriteBlockReorganisations(Model& model, BlockDirection direction, bool allow_double) {
  PassResult result;
  Rewriter rewriter(model, direction, allow_double, result);
  if (model.graph) rewriter.RunOn(*model.graph, false);
  for (const auto& fn : model.functions) rewriter.RunOn(*fn->body, true);
  return result;
}

}  // namespace onnxkit::passes
