// Elementwise kernels: arithmetic with numpy broadcasting.
#include <string>
#include <vector>

#include "eval/broadcast.h"
#include "eval/kernel.h"
#include "fmt/format.h"

namespace onnxkit::eval {
namespace {

// out[i] = f(a[i'], b[i'']) over the broadcast of a and b, in a's storage; the result is
// rounded/wrapped to `out_type`. Fn is called with two doubles, two int64s or two uint64s
// and returns StatusOr of the same type (an error such as integer division by zero).
template <typename Fn>
StatusOr<Array> Binary(const KernelContext& ctx, const Array& a, const Array& b, Fn fn) {
  if (a.type != b.type) {
    return ctx.Error(fmt::format("inputs have element types {} and {}", DataTypeName(a.type),
                                 DataTypeName(b.type)));
  }
  std::vector<int64_t> dims;
  {
    std::vector<std::vector<int64_t>> shapes{a.dims, b.dims};
    auto broadcast = BroadcastDims(shapes);
    if (!broadcast.ok()) return ctx.Error(StatusMessage(broadcast.status()));
    dims = *std::move(broadcast);
  }
  ONNXKIT_ASSIGN_OR_RETURN(int64_t count, ctx.Count(dims));
  std::vector<int64_t> ia = BroadcastIndices(a.dims, dims);
  std::vector<int64_t> ib = BroadcastIndices(b.dims, dims);
  Array out;
  out.type = a.type;
  out.dims = dims;
  Status status;
  auto apply = [&](const auto& x, const auto& y, auto& result) {
    result.resize(static_cast<size_t>(count));
    for (size_t i = 0; i < result.size(); ++i) {
      auto r = fn(x[static_cast<size_t>(ia[i])], y[static_cast<size_t>(ib[i])]);
      if (!r.ok()) {
        status = r.status();
        return;
      }
      result[i] = *r;
    }
  };
  switch (a.storage()) {
    case Storage::kReal: apply(a.reals, b.reals, out.reals); break;
    case Storage::kInt: apply(a.ints, b.ints, out.ints); break;
    case Storage::kUint: apply(a.uints, b.uints, out.uints); break;
    case Storage::kString: return ctx.Unsupported("strings have no arithmetic");
  }
  if (!status.ok()) return ctx.Error(StatusMessage(status));
  Normalize(out);
  return out;
}

template <typename Fn>
StatusOr<std::vector<Array>> BinaryKernel(const KernelContext& ctx, Fn fn) {
  ONNXKIT_ASSIGN_OR_RETURN(const Array* a, ctx.Required(0));
  ONNXKIT_ASSIGN_OR_RETURN(const Array* b, ctx.Required(1));
  if (ctx.version() < 7 && ctx.Int("broadcast", 0) != 0) {
    return ctx.Unsupported("legacy broadcast attribute (opset < 7)");
  }
  ONNXKIT_ASSIGN_OR_RETURN(Array out, Binary(ctx, *a, *b, fn));
  std::vector<Array> outputs;
  outputs.push_back(std::move(out));
  return outputs;
}

template <typename T>
StatusOr<T> Ok(T v) {
  return v;
}

StatusOr<std::vector<Array>> AddKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) { return Ok(x + y); });
}

StatusOr<std::vector<Array>> SubKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) { return Ok(x - y); });
}

StatusOr<std::vector<Array>> MulKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) { return Ok(x * y); });
}

StatusOr<std::vector<Array>> DivKernel(const KernelContext& ctx) {
  return BinaryKernel(ctx, [](auto x, auto y) -> StatusOr<decltype(x)> {
    if constexpr (std::is_floating_point_v<decltype(x)>) {
      return x / y;
    } else {
      if (y == 0) return absl::InvalidArgumentError("integer division by zero");
      if constexpr (std::is_signed_v<decltype(x)>) {
        if (y == -1) return decltype(x)(0) - x;  // INT64_MIN / -1 wraps, as the width does
      }
      return x / y;
    }
  });
}

}  // namespace

void AddElementwiseKernels(KernelTable& table) {
  constexpr uint64_t kArith = kNumericTypes;
  table.Add({"", "Add", 7, 14, AddKernel, kArith});
  table.Add({"", "Sub", 7, 14, SubKernel, kArith});
  table.Add({"", "Mul", 7, 14, MulKernel, kArith});
  table.Add({"", "Div", 7, 14, DivKernel, kArith});
}

}  // namespace onnxkit::eval
