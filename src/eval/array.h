// The evaluator's tensor (internal): dense, in memory, one value vector by storage class.
//
// Kernels compute on three number types instead of one per element type: every floating
// type (float, double, float16, bfloat16) as double, the signed integers, bool and the
// unsigned integers up to 32 bits as int64, uint64 as uint64; strings as strings. After a
// computation a kernel rounds or wraps each result to its element type (RoundTo), so float
// arithmetic gives the float32 answer (double holds every float32 sum, product and quotient
// exactly before the one rounding) and integer overflow wraps as the fixed width would.
// One kernel body therefore serves all element types, without a template per type.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "onnxkit/status.h"
#include "onnxkit/tensor.h"

namespace onnxkit::eval {

enum class Storage { kReal, kInt, kUint, kString };

// Whether the evaluator represents `type`: float, double, float16, bfloat16, int8…int64,
// uint8…uint64, bool, string.
bool IsEvaluatedType(int32_t type);
bool IsFloatingType(int32_t type);     // float, double, float16, bfloat16
bool IsSignedIntType(int32_t type);    // int8…int64
bool IsUnsignedIntType(int32_t type);  // uint8…uint64
// The storage of an evaluated type (kInt for bool).
Storage StorageOf(int32_t type);

struct Array {
  int32_t type = 0;
  std::vector<int64_t> dims;
  std::vector<double> reals;
  std::vector<int64_t> ints;
  std::vector<uint64_t> uints;
  std::vector<std::string> strings;

  // A tensor of `type` and `dims`, every element zero (empty strings, false).
  static Array Zeros(int32_t type, std::vector<int64_t> dims);
  // Row-major int64 / float tensors from values (count must match dims).
  static Array Ints(int32_t type, std::vector<int64_t> dims, std::vector<int64_t> values);
  static Array Reals(int32_t type, std::vector<int64_t> dims, std::vector<double> values);
  // A 1-D int64 tensor.
  static Array Int64s(std::vector<int64_t> values);

  Storage storage() const { return StorageOf(type); }
  int64_t size() const;  // the element count (1 for a scalar)
  int64_t rank() const { return static_cast<int64_t>(dims.size()); }

  // Calls f with the vector that holds the elements (double, int64_t, uint64_t or string).
  template <typename F>
  decltype(auto) Visit(F&& f) {
    switch (storage()) {
      case Storage::kReal: return f(reals);
      case Storage::kInt: return f(ints);
      case Storage::kUint: return f(uints);
      case Storage::kString: break;
    }
    return f(strings);
  }
  template <typename F>
  decltype(auto) Visit(F&& f) const {
    switch (storage()) {
      case Storage::kReal: return f(reals);
      case Storage::kInt: return f(ints);
      case Storage::kUint: return f(uints);
      case Storage::kString: break;
    }
    return f(strings);
  }

  // Element i as double / int64 (strings: 0). For indices, axes and shapes.
  double RealAt(int64_t i) const;
  int64_t IntAt(int64_t i) const;
  // All elements as int64 (floating ones truncated), for shape, axes and index inputs.
  std::vector<int64_t> ToInt64s() const;
  // The same elements under other dims (the count must match).
  Array Reshaped(std::vector<int64_t> new_dims) const;
};

// The value `v` takes when stored as `type`: float32/float16/bfloat16 rounding for the
// floating types, two's-complement wrapping for the integer types, 0/1 for bool.
double RoundTo(int32_t type, double v);
int64_t WrapTo(int32_t type, int64_t v);
// Applies RoundTo / WrapTo to every element of `a` (after a computation in wider types).
void Normalize(Array& a);

// A tensor's elements; an error for types the evaluator does not represent, for data that
// disagrees with the dims and for more than `max_elements` elements.
StatusOr<Array> FromTensor(const Tensor& tensor, int64_t max_elements);
// The tensor of `a` (raw_data, or string_data for strings), named `name`.
StatusOr<Tensor> ToTensor(const Array& a, std::string name);

// Row-major strides of `dims`.
std::vector<int64_t> Strides(std::span<const int64_t> dims);
// The product of `dims`; ResourceExhausted beyond `max_elements`, InvalidArgument for a
// negative dim.
StatusOr<int64_t> CheckedCount(std::span<const int64_t> dims, int64_t max_elements);

// The elements of `src` at `indices` (flat, row-major), as a tensor of dims `dims`: every
// op that only moves elements (Transpose, Slice, Gather, Expand, Tile, …) computes its
// index list and calls this, so one body serves all element types.
Array Take(const Array& src, std::span<const int64_t> indices, std::vector<int64_t> dims);

// Copies element `from` of `src` to element `to` of `dst` (same storage).
void CopyElement(const Array& src, int64_t from, Array& dst, int64_t to);

}  // namespace onnxkit::eval
