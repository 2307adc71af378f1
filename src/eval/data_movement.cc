#include "eval/data_movement.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "fmt/format.h"
#include "onnxkit/constant.h"

namespace onnxkit::eval {
namespace {

Status Error(const Node& node, std::string message) {
  return absl::InvalidArgumentError(fmt::format("{}: {}", node.op_type, message));
}

StatusOr<int64_t> Count(const std::vector<int64_t>& dims, int64_t max_elements) {
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0) return absl::InvalidArgumentError("negative dimension");
    if (d != 0 && count > max_elements / d) {
      return absl::ResourceExhaustedError(fmt::format("more than {} elements", max_elements));
    }
    count *= d;
  }
  return count;
}

std::vector<int64_t> Strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * dims[i];
  return strides;
}

// An axis attribute or input value in [-rank, rank), made non-negative.
StatusOr<int64_t> NormalAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    return absl::InvalidArgumentError(
        fmt::format("axis {} is out of range for rank {}", axis, rank));
  }
  return axis < 0 ? axis + rank : axis;
}

// The elements of `in` at in_offset + Σ index[a] * in_step[a] for every index of `out_dims`.
IntTensor Strided(const IntTensor& in, int64_t in_offset, const std::vector<int64_t>& in_steps,
                  std::vector<int64_t> out_dims, int64_t count) {
  IntTensor out{std::move(out_dims), {}};
  out.data.reserve(static_cast<size_t>(count));
  if (count == 0) return out;
  const size_t rank = out.dims.size();
  std::vector<int64_t> index(rank, 0);
  int64_t offset = in_offset;
  for (int64_t n = 0; n < count; ++n) {
    out.data.push_back(in.data[static_cast<size_t>(offset)]);
    for (size_t a = rank; a-- > 0;) {
      if (++index[a] < out.dims[a]) {
        offset += in_steps[a];
        break;
      }
      offset -= in_steps[a] * (out.dims[a] - 1);
      index[a] = 0;
    }
  }
  return out;
}

IntTensor Transpose(const IntTensor& in, const std::vector<int64_t>& perm) {
  std::vector<int64_t> strides = Strides(in.dims), dims, steps;
  for (int64_t p : perm) {
    dims.push_back(in.dims[static_cast<size_t>(p)]);
    steps.push_back(strides[static_cast<size_t>(p)]);
  }
  return Strided(in, 0, steps, dims, static_cast<int64_t>(in.data.size()));
}

StatusOr<IntTensor> Reshaped(const IntTensor& in, std::vector<int64_t> dims) {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  if (count != static_cast<int64_t>(in.data.size())) {
    return absl::InvalidArgumentError(
        fmt::format("cannot reshape {} elements to {} elements", in.data.size(), count));
  }
  return IntTensor{std::move(dims), in.data};
}

std::vector<int64_t> IntsOf(const Node& node, std::string_view name) {
  auto ints = node.GetInts(name);
  return ints ? std::vector<int64_t>(ints->begin(), ints->end()) : std::vector<int64_t>{};
}

StatusOr<IntTensor> Reshape(const Node& node, int64_t version, const IntTensor& in,
                            const IntTensor* shape_input) {
  std::vector<int64_t> shape;
  if (version < 5) {
    shape = IntsOf(node, "shape");
  } else {
    if (!shape_input) return Error(node, "no shape input");
    shape = shape_input->data;
  }
  bool allow_zero = node.GetInt("allowzero").value_or(0) != 0;
  int64_t known = 1;
  int infer_at = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allow_zero) {
      if (i >= in.dims.size()) return Error(node, "0 in shape past the input's rank");
      shape[i] = in.dims[i];
    }
    if (shape[i] == -1) {
      if (infer_at >= 0) return Error(node, "two -1 in shape");
      infer_at = static_cast<int>(i);
      continue;
    }
    if (shape[i] < 0) return Error(node, "negative dimension in shape");
    known *= shape[i];
  }
  if (infer_at >= 0) {
    if (known == 0 || static_cast<int64_t>(in.data.size()) % known != 0) {
      return Error(node, "the -1 dimension cannot be inferred");
    }
    shape[static_cast<size_t>(infer_at)] = static_cast<int64_t>(in.data.size()) / known;
  }
  return Reshaped(in, std::move(shape));
}

StatusOr<IntTensor> Flatten(const Node& node, const IntTensor& in) {
  auto rank = static_cast<int64_t>(in.dims.size());
  int64_t axis = node.GetInt("axis").value_or(1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) return Error(node, "axis out of range");
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= in.dims[static_cast<size_t>(i)];
  int64_t inner = static_cast<int64_t>(in.data.size()) / std::max<int64_t>(outer, 1);
  return Reshaped(in, {outer, outer == 0 ? 0 : inner});
}

StatusOr<IntTensor> Squeeze(const Node& node, int64_t version, const IntTensor& in,
                            const IntTensor* axes_input) {
  std::vector<int64_t> axes = version < 13 ? IntsOf(node, "axes")
                              : axes_input ? axes_input->data
                                           : std::vector<int64_t>{};
  auto rank = static_cast<int64_t>(in.dims.size());
  std::vector<bool> drop(in.dims.size(), false);
  if (axes.empty()) {
    for (size_t i = 0; i < in.dims.size(); ++i) drop[i] = in.dims[i] == 1;
  }
  for (int64_t axis : axes) {
    ONNXKIT_ASSIGN_OR_RETURN(int64_t a, NormalAxis(axis, rank));
    if (in.dims[static_cast<size_t>(a)] != 1) return Error(node, "squeezing a dimension not 1");
    drop[static_cast<size_t>(a)] = true;
  }
  std::vector<int64_t> dims;
  for (size_t i = 0; i < in.dims.size(); ++i) {
    if (!drop[i]) dims.push_back(in.dims[i]);
  }
  return Reshaped(in, dims);
}

StatusOr<IntTensor> Unsqueeze(const Node& node, int64_t version, const IntTensor& in,
                              const IntTensor* axes_input) {
  std::vector<int64_t> axes = version < 13 ? IntsOf(node, "axes")
                              : axes_input ? axes_input->data
                                           : std::vector<int64_t>{};
  auto rank = static_cast<int64_t>(in.dims.size() + axes.size());
  std::vector<bool> inserted(static_cast<size_t>(rank), false);
  for (int64_t axis : axes) {
    ONNXKIT_ASSIGN_OR_RETURN(int64_t a, NormalAxis(axis, rank));
    if (inserted[static_cast<size_t>(a)]) return Error(node, "an axis given twice");
    inserted[static_cast<size_t>(a)] = true;
  }
  std::vector<int64_t> dims;
  size_t next = 0;
  for (int64_t i = 0; i < rank; ++i) {
    dims.push_back(inserted[static_cast<size_t>(i)] ? 1 : in.dims[next++]);
  }
  return Reshaped(in, dims);
}

StatusOr<IntTensor> TransposeNode(const Node& node, const IntTensor& in) {
  std::vector<int64_t> perm = IntsOf(node, "perm");
  const size_t rank = in.dims.size();
  if (perm.empty()) {
    perm.resize(rank);
    std::iota(perm.rbegin(), perm.rend(), 0);
  }
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (sorted.size() != rank || sorted[i] != static_cast<int64_t>(i)) {
      return Error(node, "perm is not a permutation of the input's axes");
    }
  }
  return Transpose(in, perm);
}

StatusOr<IntTensor> Slice(const Node& node, int64_t version,
                          const std::vector<const IntTensor*>& inputs, int64_t max_elements) {
  const IntTensor& in = *inputs[0];
  std::vector<int64_t> starts, ends, axes, steps;
  if (version < 10) {
    starts = IntsOf(node, "starts");
    ends = IntsOf(node, "ends");
    axes = IntsOf(node, "axes");
  } else {
    if (inputs.size() < 3 || !inputs[1] || !inputs[2]) return Error(node, "no starts or ends");
    starts = inputs[1]->data;
    ends = inputs[2]->data;
    if (inputs.size() > 3 && inputs[3]) axes = inputs[3]->data;
    if (inputs.size() > 4 && inputs[4]) steps = inputs[4]->data;
  }
  auto rank = static_cast<int64_t>(in.dims.size());
  if (axes.empty()) {
    axes.resize(starts.size());
    std::iota(axes.begin(), axes.end(), 0);
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    return Error(node, "starts, ends, axes and steps differ in length");
  }
  std::vector<int64_t> strides = Strides(in.dims), dims = in.dims, out_steps = strides;
  int64_t offset = 0;
  for (size_t i = 0; i < starts.size(); ++i) {
    ONNXKIT_ASSIGN_OR_RETURN(int64_t a, NormalAxis(axes[i], rank));
    const int64_t d = in.dims[static_cast<size_t>(a)], step = steps[i];
    if (step == 0) return Error(node, "a step of 0");
    int64_t s = starts[i], e = ends[i];
    if (s < 0) s = s < -d ? 0 : s + d;
    if (e < 0) e = e < -d ? -1 : e + d;
    int64_t count = 0;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, d);
      e = std::clamp<int64_t>(e, 0, d);
      count = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, d - 1);
      e = std::clamp<int64_t>(e, -1, d - 1);
      count = s > e ? (s - e + (-step) - 1) / (-step) : 0;
    }
    dims[static_cast<size_t>(a)] = count;
    out_steps[static_cast<size_t>(a)] = strides[static_cast<size_t>(a)] * step;
    if (count > 0) offset += s * strides[static_cast<size_t>(a)];
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, Count(dims, max_elements));
  return Strided(in, count ? offset : 0, out_steps, dims, count);
}

StatusOr<IntTensor> Concat(const Node& node, const std::vector<const IntTensor*>& inputs) {
  if (inputs.empty() || !inputs[0]) return Error(node, "no inputs");
  StatusOr<IntTensor> out = ConcatInts(inputs, node.GetInt("axis").value_or(0));
  if (!out.ok()) return Error(node, std::string(StatusMessage(out.status())));
  return out;
}

}  // namespace

StatusOr<IntTensor> ConcatInts(const std::vector<const IntTensor*>& inputs, int64_t axis_value) {
  if (inputs.empty() || !inputs[0]) return absl::InvalidArgumentError("no inputs");
  const size_t rank = inputs[0]->dims.size();
  ONNXKIT_ASSIGN_OR_RETURN(int64_t axis, NormalAxis(axis_value, static_cast<int64_t>(rank)));
  std::vector<int64_t> dims = inputs[0]->dims;
  dims[static_cast<size_t>(axis)] = 0;
  for (const IntTensor* in : inputs) {
    if (!in || in->dims.size() != rank)
      return absl::InvalidArgumentError("inputs of different ranks");
    for (size_t a = 0; a < rank; ++a) {
      if (a != static_cast<size_t>(axis) && in->dims[a] != dims[a]) {
        return absl::InvalidArgumentError("inputs differ outside the axis");
      }
    }
    dims[static_cast<size_t>(axis)] += in->dims[static_cast<size_t>(axis)];
  }
  int64_t outer = 1;
  for (int64_t a = 0; a < axis; ++a) outer *= dims[static_cast<size_t>(a)];
  IntTensor out{dims, {}};
  for (int64_t o = 0; o < outer; ++o) {
    for (const IntTensor* in : inputs) {
      size_t block = outer ? in->data.size() / static_cast<size_t>(outer) : 0;
      auto begin = in->data.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(o) * block);
      out.data.insert(out.data.end(), begin, begin + static_cast<std::ptrdiff_t>(block));
    }
  }
  return out;
}

namespace {

StatusOr<std::vector<IntTensor>> Split(const Node& node, int64_t version,
                                       const std::vector<const IntTensor*>& inputs,
                                       int64_t max_elements) {
  const IntTensor& in = *inputs[0];
  ONNXKIT_ASSIGN_OR_RETURN(int64_t axis, NormalAxis(node.GetInt("axis").value_or(0),
                                                    static_cast<int64_t>(in.dims.size())));
  const int64_t d = in.dims[static_cast<size_t>(axis)];
  const auto outputs = static_cast<int64_t>(node.outputs().size());
  std::vector<int64_t> sizes = version < 13                     ? IntsOf(node, "split")
                               : inputs.size() > 1 && inputs[1] ? inputs[1]->data
                                                                : std::vector<int64_t>{};
  if (sizes.empty()) {
    int64_t parts = node.GetInt("num_outputs").value_or(outputs);
    if (parts <= 0) return Error(node, "no outputs");
    int64_t chunk = version >= 18 ? (d + parts - 1) / parts : d / parts;
    if (version < 18 && d % parts != 0) return Error(node, "the axis does not split evenly");
    for (int64_t i = 0, left = d; i < parts; ++i, left -= chunk) {
      sizes.push_back(std::min(chunk, left));
    }
  }
  if (static_cast<int64_t>(sizes.size()) != outputs ||
      std::accumulate(sizes.begin(), sizes.end(), int64_t{0}) != d) {
    return Error(node, "split sizes do not match the outputs and the axis");
  }
  std::vector<IntTensor> parts;
  int64_t start = 0;
  for (int64_t size : sizes) {
    std::vector<int64_t> strides = Strides(in.dims), dims = in.dims;
    dims[static_cast<size_t>(axis)] = size;
    ONNXKIT_ASSIGN_OR_RETURN(int64_t count, Count(dims, max_elements));
    parts.push_back(
        Strided(in, count ? start * strides[static_cast<size_t>(axis)] : 0, strides, dims, count));
    start += size;
  }
  return parts;
}

// SpaceToDepth and DepthToSpace as the reshape-transpose-reshape the spec defines them by.
StatusOr<IntTensor> BlockMove(const Node& node, const IntTensor& in) {
  int64_t b = node.GetInt("blocksize").value_or(0);
  if (in.dims.size() != 4) return Error(node, "the input is not 4-D");
  const int64_t n = in.dims[0], c = in.dims[1], h = in.dims[2], w = in.dims[3];
  if (b <= 0) return Error(node, "blocksize is not positive");
  if (node.op_type == "SpaceToDepth") {
    if (h % b || w % b) return Error(node, "height or width is not a multiple of blocksize");
    ONNXKIT_ASSIGN_OR_RETURN(IntTensor r, Reshaped(in, {n, c, h / b, b, w / b, b}));
    return Reshaped(Transpose(r, {0, 3, 5, 1, 2, 4}), {n, c * b * b, h / b, w / b});
  }
  if (c % (b * b)) return Error(node, "channels are not a multiple of blocksize²");
  const bool crd = node.GetString("mode").value_or("DCR") == "CRD";
  ONNXKIT_ASSIGN_OR_RETURN(IntTensor r, crd ? Reshaped(in, {n, c / (b * b), b, b, h, w})
                                            : Reshaped(in, {n, b, b, c / (b * b), h, w}));
  IntTensor t = crd ? Transpose(r, {0, 1, 4, 2, 5, 3}) : Transpose(r, {0, 3, 4, 1, 5, 2});
  return Reshaped(t, {n, c / (b * b), h * b, w * b});
}

}  // namespace

IntTensor IntTensor::Iota(std::vector<int64_t> dims) {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  IntTensor t{std::move(dims), std::vector<int64_t>(static_cast<size_t>(count))};
  std::iota(t.data.begin(), t.data.end(), 0);
  return t;
}

bool IsDataMovement(const Node& node) {
  static constexpr std::string_view kOps[] = {"Identity",  "Reshape",      "Flatten",     "Squeeze",
                                              "Unsqueeze", "Transpose",    "Slice",       "Concat",
                                              "Split",     "SpaceToDepth", "DepthToSpace"};
  if (!NormalDomain(node.domain).empty()) return false;
  return std::find(std::begin(kOps), std::end(kOps), node.op_type) != std::end(kOps);
}

StatusOr<std::vector<IntTensor>> RunDataMovement(const Node& node, int64_t version,
                                                 const std::vector<const IntTensor*>& inputs,
                                                 int64_t max_elements) {
  if (!IsDataMovement(node)) return Error(node, "not a data-movement op");
  if (inputs.empty() || !inputs[0]) return Error(node, "no data input");
  const IntTensor& in = *inputs[0];
  auto second = [&]() { return inputs.size() > 1 ? inputs[1] : nullptr; };
  StatusOr<IntTensor> out = absl::UnimplementedError("");
  const std::string& op = node.op_type;
  if (op == "Split") return Split(node, version, inputs, max_elements);
  if (op == "Identity") {
    out = in;
  } else if (op == "Reshape") {
    out = Reshape(node, version, in, second());
  } else if (op == "Flatten") {
    out = Flatten(node, in);
  } else if (op == "Squeeze") {
    out = Squeeze(node, version, in, second());
  } else if (op == "Unsqueeze") {
    out = Unsqueeze(node, version, in, second());
  } else if (op == "Transpose") {
    out = TransposeNode(node, in);
  } else if (op == "Slice") {
    out = Slice(node, version, inputs, max_elements);
  } else if (op == "Concat") {
    out = Concat(node, inputs);
  } else {
    out = BlockMove(node, in);
  }
  if (!out.ok()) return out.status();
  return std::vector<IntTensor>{*std::move(out)};
}

StatusOr<IntTensor> IntConstant(const Value& v) {
  ONNXKIT_ASSIGN_OR_RETURN(Tensor t, ConstantTensor(&v));
  const auto type = static_cast<DataType>(t.data_type);
  if (type != DataType::kInt64 && type != DataType::kInt32) {
    return absl::InvalidArgumentError(fmt::format("'{}' is a {} constant, not an integer one",
                                                  v.name(), DataTypeName(t.data_type)));
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> data, ToInt64s(t));
  return IntTensor{t.dims, std::move(data)};
}

}  // namespace onnxkit::eval
