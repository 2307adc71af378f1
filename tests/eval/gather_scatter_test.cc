// The indexing kernels (src/eval/gather_scatter.cc) through EvaluateModel: negative and
// out-of-range indices, batch_dims, reductions by opset, NonZero.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/eval.h"
#include "onnxkit/tensor.h"

namespace onnxkit {
namespace {

using ir_test::Parse;
using I = std::vector<int64_t>;

StatusOr<std::vector<Tensor>> EvalText(const char* text) {
  auto model = Parse(text);
  if (model == nullptr) return absl::InvalidArgumentError("model does not parse");
  return EvaluateModel(*model, {});
}

std::vector<int64_t> Ints(const Tensor& t) { return *ToInt64s(t); }

TEST(GatherScatter, GatherCountsNegativeIndicesFromTheBack) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (string[a,b] y) <string[2,3] x = {"a", "b", "c", "d", "e", "f"}, int32[2] i = {-1, 0}> {
      y = Gather<axis = 1>(x, i)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (I{2, 2}));
  EXPECT_EQ((*out)[0].string_data, (std::vector<std::string>{"c", "a", "f", "d"}));
}

TEST(GatherScatter, OutOfRangeIndexIsAnErrorNamingIt) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[a] y) <float[3] x = {1, 2, 3}, int64[1] i = {3}> {
      y = Gather(x, i)
    })");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("index 3 is out of range"), std::string::npos)
      << out.status();
}

TEST(GatherScatter, GatherElementsAndGatherNDWithBatchDims) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int64[a,b] e, int64[c,d] n)
        <int64[2,2] x = {1, 2, 3, 4}, int64[2,2] ei = {0, 0, 1, 0},
         int64[2,2,2] d = {0, 1, 2, 3, 4, 5, 6, 7}, int64[2,1] ni = {1, 0}> {
      e = GatherElements<axis = 1>(x, ei)
      n = GatherND<batch_dims = 1>(d, ni)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Ints((*out)[0]), (I{1, 1, 4, 3}));
  EXPECT_EQ((*out)[1].dims, (I{2, 2}));
  EXPECT_EQ(Ints((*out)[1]), (I{2, 3, 4, 5}));
}

TEST(GatherScatter, ScatterNDReductionsByOpset) {
  ONNXKIT_SKIP_WITHOUT_OPSET(18);
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 18]>
    g () => (int8[a] add, int8[b] mx)
        <int8[4] x = {1, 2, 3, 100}, int64[3,1] i = {3, 3, 0}, int8[3] u = {20, 10, 5}> {
      add = ScatterND<reduction = "add">(x, i, u)
      mx = ScatterND<reduction = "max">(x, i, u)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Ints((*out)[0]), (I{6, 2, 3, -126}));  // 100 + 30 wraps in int8
  EXPECT_EQ(Ints((*out)[1]), (I{5, 2, 3, 100}));
  auto max16 = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    g () => (int8[a] mx) <int8[2] x = {1, 2}, int64[1,1] i = {0}, int8[1] u = {5}> {
      mx = ScatterND<reduction = "max">(x, i, u)
    })");
  ASSERT_FALSE(max16.ok());
  EXPECT_NE(max16.status().message().find("reduction 'max'"), std::string::npos);
  auto duplicate = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (float[a] y) <float[2] x = {1, 2}, int64[2,1] i = {1, 1}, float[2] u = {5, 6}> {
      y = ScatterND(x, i, u)
    })");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.status().message().find("twice"), std::string::npos);
}

TEST(GatherScatter, ScatterElementsWithMultiplication) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    g () => (float[a,b] y)
        <float[2,2] x = {1, 2, 3, 4}, int64[1,2] i = {1, 0}, float[1,2] u = {10, 0.5}> {
      y = ScatterElements<axis = 0, reduction = "mul">(x, i, u)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*ToDoubles((*out)[0]), (std::vector<double>{1, 1, 30, 4}));
}

TEST(GatherScatter, NonZeroListsCoordinatesRowByRow) {
  auto out = EvalText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g () => (int64[a,b] y) <bool[2,2] x = {1, 0, 1, 1}> {
      y = NonZero(x)
    })");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (I{2, 3}));
  EXPECT_EQ(Ints((*out)[0]), (I{0, 1, 1, 0, 0, 1}));
}

}  // namespace
}  // namespace onnxkit
