// Input types as inference sees them: dims too large for shape arithmetic become unknown,
// the rest stay.
#include "infer/bounded_types.h"

#include <gtest/gtest.h>

#include <optional>

namespace onnxkit::infer {
namespace {

onnx::TypeProto Tensor(const std::vector<std::optional<int64_t>>& dims) {
  onnx::TypeProto t;
  t.mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = t.mutable_tensor_type()->mutable_shape();
  for (const auto& d : dims) {
    auto* dim = shape->add_dim();
    if (d) dim->set_dim_value(*d);
  }
  return t;
}

// The dims of a bounded type (nullopt: unknown).
std::vector<std::optional<int64_t>> Dims(const onnx::TypeProto& t) {
  std::vector<std::optional<int64_t>> out;
  for (const auto& d : t.tensor_type().shape().dim()) {
    out.push_back(d.has_dim_value() ? std::optional<int64_t>(d.dim_value()) : std::nullopt);
  }
  return out;
}

constexpr int64_t k2To32 = int64_t{1} << 32;

TEST(BoundedInputTypes, OrdinaryTypesAreHandedOnAsTheyAre) {
  onnx::TypeProto a = Tensor({1, 3, 224, 224});
  std::vector<const onnx::TypeProto*> types{&a, nullptr};
  BoundedInputTypes bounded(types);
  EXPECT_EQ(bounded.types(), types);
}

TEST(BoundedInputTypes, DimsAbove2To32BecomeUnknown) {
  onnx::TypeProto a = Tensor({k2To32 + 1, 3, std::nullopt, 0});
  std::vector<const onnx::TypeProto*> types{&a};
  BoundedInputTypes bounded(types);
  EXPECT_NE(bounded.types()[0], &a);
  EXPECT_EQ(Dims(*bounded.types()[0]),
            (std::vector<std::optional<int64_t>>{std::nullopt, 3, std::nullopt, 0}));
}

TEST(BoundedInputTypes, LargestDimsGoUntilTheElementsFitIn2To62) {
  onnx::TypeProto a = Tensor({k2To32, k2To32, 4});
  std::vector<const onnx::TypeProto*> types{&a};
  BoundedInputTypes bounded(types);
  EXPECT_EQ(Dims(*bounded.types()[0]),
            (std::vector<std::optional<int64_t>>{std::nullopt, k2To32, 4}));
}

TEST(BoundedInputTypes, SequenceElementsAreBoundedToo) {
  onnx::TypeProto s;
  *s.mutable_sequence_type()->mutable_elem_type() = Tensor({int64_t{1} << 62});
  std::vector<const onnx::TypeProto*> types{&s};
  BoundedInputTypes bounded(types);
  EXPECT_EQ(Dims(bounded.types()[0]->sequence_type().elem_type()),
            (std::vector<std::optional<int64_t>>{std::nullopt}));
}

}  // namespace
}  // namespace onnxkit::infer
