// Integer arithmetic that wraps like the fixed-width types (internal).
//
// The evaluator computes every signed or narrow unsigned integer in int64 and wraps the
// result to the element width at the end (Normalize); signed overflow is undefined in C++,
// so sums and products go through uint64, whose wrapping every narrower width inherits.
// Doubles and uint64 use their own + and ×.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace onnxkit::eval {

template <typename T>
T WrapAdd(T a, T b) {
  if constexpr (std::is_same_v<T, int64_t>) {
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  } else {
    return a + b;
  }
}

template <typename T>
T WrapMul(T a, T b) {
  if constexpr (std::is_same_v<T, int64_t>) {
    return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
  } else {
    return a * b;
  }
}

template <typename T>
T WrapAbs(T a) {
  if constexpr (std::is_same_v<T, double>) {
    return std::fabs(a);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return a < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(a)) : a;
  } else {
    return a;
  }
}

}  // namespace onnxkit::eval
