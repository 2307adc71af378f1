// replace-initializer (edit.h ReplaceInitializer): new data of the same type and dims, in
// the main graph or a sub-graph; other types and dims only with force (the declaration
// follows); unknown names and values that are no initializer are errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/edit.h"
#include "onnxkit/io.h"
#include "surgery/surgery_test_util.h"

namespace onnxkit {
namespace {

using surgery_test::Parse;
using surgery_test::TypeOf;
using ::testing::HasSubstr;

// W is an initializer; D an input with a default (an initializer too); K lives in a branch.
constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (bool C, float[2] X, float[2] D) => (float[2] Y, float[2] R)
    <float[2] W = {1, 2}, float[2] D = {5, 6}> {
    A = Add(X, W)
    Y = Mul(A, D)
    R = If(C) <
      then_branch = t () => (float[2] o) <float[2] K = {3, 4}> { o = Add(A, K) },
      else_branch = e () => (float[2] p) { p = Neg(A) }
    >
  })";

Tensor Floats(std::vector<int64_t> dims, std::vector<float> values) {
  auto t = Tensor::FromValues<float>(std::move(dims), values);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

std::string Message(const Status& status) { return std::string(status.message()); }

std::string DataOf(const Tensor& t) {
  auto bytes = t.Data();
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? std::string(bytes->view()) : "";
}

TEST(ReplaceInitializer, SameTypeAndDims) {
  auto model = Parse(kModel);
  Tensor w = Floats({2}, {7, 8});
  const std::string expected = DataOf(w);
  ASSERT_TRUE(ReplaceInitializer(*model, "W", w).ok());
  const Value* v = model->graph->Lookup("W");
  EXPECT_EQ(v->initializer()->name, "W");
  EXPECT_EQ(DataOf(*v->initializer()), expected);
  ASSERT_TRUE(ReplaceInitializer(*model, "K", Floats({2}, {0, 0})).ok());
  auto bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto back = ir_test::ParseBytes(*bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(DataOf(*back->graph->Lookup("W")->initializer()), expected);
}

TEST(ReplaceInitializer, OtherTypesOrDimsNeedForce) {
  auto model = Parse(kModel);
  Status dims = ReplaceInitializer(*model, "D", Floats({1, 2}, {1, 2}));
  EXPECT_EQ(dims.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(dims), HasSubstr("initializer 'D' is float32[2], the new tensor "
                                       "float32[1,2]"));
  auto ints = Tensor::FromValues<int64_t>({2}, std::vector<int64_t>{1, 2});
  ASSERT_TRUE(ints.ok());
  EXPECT_THAT(Message(ReplaceInitializer(*model, "W", *ints)),
              HasSubstr("the new tensor int64[2]"));
  EXPECT_EQ(TypeOf(*model->graph, "D"), "float32[2]");

  ReplaceInitializerOptions force;
  force.force = true;
  ASSERT_TRUE(ReplaceInitializer(*model, "D", Floats({1, 2}, {1, 2}), force).ok());
  // D is also a graph input: its declaration follows the new default.
  EXPECT_EQ(TypeOf(*model->graph, "D"), "float32[1,2]");
  EXPECT_EQ(model->graph->Lookup("D")->initializer()->dims, (std::vector<int64_t>{1, 2}));
}

TEST(ReplaceInitializer, NamesThatAreNoInitializer) {
  auto model = Parse(kModel);
  Status unknown = ReplaceInitializer(*model, "Wx", Floats({2}, {1, 2}));
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(unknown), HasSubstr("no initializer named 'Wx'; did you mean 'W'?"));
  EXPECT_THAT(Message(ReplaceInitializer(*model, "A", Floats({2}, {1, 2}))),
              HasSubstr("'A' is a value but not a (dense) initializer"));
}

}  // namespace
}  // namespace onnxkit
