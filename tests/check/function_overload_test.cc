// IR 10 functions in the checker: calls resolve by (domain, name, overload), a call naming an
// overload nobody defines is functions.undefined-overload (and no op for the other rules),
// overloads of one name are not duplicates, and the types a function's value_info declares
// for its formal inputs and outputs are compared with the call's declared types.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(ONNXKIT_SOURCE_DIR) / "tests/data/ir10";

std::unique_ptr<Model> MustLoad(const fs::path& file) {
  auto model = LoadFile(file.string());
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

std::vector<std::string> ErrorCodes(const Model& model) {
  std::vector<std::string> out;
  for (const Diagnostic& d : Check(model).items) {
    if (d.severity == Severity::kError) out.push_back(d.code + ": " + d.message);
  }
  return out;
}

Node* NodeNamed(const Graph& g, std::string_view name) {
  for (Node* n : g.nodes()) {
    if (n->name == name) return n;
  }
  return nullptr;
}

TEST(FunctionOverloads, OverloadedCallsCheckClean) {
  auto model = MustLoad(kData / "ir10_fields.onnx");
  ASSERT_TRUE(model);
  EXPECT_THAT(ErrorCodes(*model), ::testing::IsEmpty());
}

TEST(FunctionOverloads, ACallOfAMissingOverloadIsReportedOnce) {
  auto model = MustLoad(kData / "ir10_missing_overload.onnx");
  ASSERT_TRUE(model);
  Diagnostics d = Check(*model);
  std::vector<const Diagnostic*> errors;
  for (const Diagnostic& item : d.items) {
    if (item.severity == Severity::kError) errors.push_back(&item);
  }
  ASSERT_EQ(errors.size(), 1u) << ::testing::PrintToString(ErrorCodes(*model));
  EXPECT_EQ(errors[0]->code, "functions.undefined-overload");
  EXPECT_EQ(errors[0]->location.node_name, "triple");
  EXPECT_THAT(errors[0]->message, ::testing::HasSubstr("'four_times'"));
  // Nothing else treats the call as an op (no "custom op" warning either).
  for (const Diagnostic& item : d.items) EXPECT_NE(item.code, "schema.custom-op");
}

TEST(FunctionOverloads, OnlyTheSameOverloadTwiceIsADuplicate) {
  auto model = MustLoad(kData / "ir10_fields.onnx");
  ASSERT_TRUE(model);
  model->functions[1]->overload = "twice";
  NodeNamed(*model->graph, "triple")->overload = "twice";
  EXPECT_THAT(ErrorCodes(*model),
              ::testing::ElementsAre("functions.duplicate-definition: local.Scale:twice is "
                                     "defined more than once"));
}

TEST(FunctionOverloads, ArityIsTheCalledOverloads) {
  auto model = MustLoad(kData / "ir10_fields.onnx");
  ASSERT_TRUE(model);
  Graph& g = *model->graph;
  Node* triple = NodeNamed(g, "triple");
  triple->AddInput(g.inputs()[0]);
  EXPECT_THAT(
      ErrorCodes(*model),
      ::testing::ElementsAre(::testing::HasSubstr(
          "functions.call-arity: passes 2 inputs to local.Scale:thrice, which declares 1")));
}

// The function's value_info declares X; a call passing a value declared as another element
// type or rank is an error, one of the same type is not.
TEST(FunctionOverloads, ValueInfoTypesAreComparedWithTheCall) {
  auto model = MustLoad(kData / "ir10_fields.onnx");
  ASSERT_TRUE(model);
  Graph& body = *model->functions[0]->body;  // local.Scale:twice, called with X (float32[N,4])
  Value* formal = body.inputs()[0];
  body.AddValueInfo(formal);
  formal->mutable_info().has_type = true;
  formal->mutable_info().type = Type::Tensor(DataType::kFloat, {Dim::Param("A"), Dim::Value(4)});
  EXPECT_THAT(ErrorCodes(*model), ::testing::IsEmpty());

  formal->mutable_info().type = Type::Tensor(DataType::kInt64, {Dim::Param("A"), Dim::Value(4)});
  EXPECT_THAT(ErrorCodes(*model),
              ::testing::ElementsAre(::testing::HasSubstr(
                  "functions.call-type-mismatch: input 0 is float32[N,4] but local.Scale:twice "
                  "declares its input 'X' as int64[A,4] (float32 vs int64)")));

  formal->mutable_info().type = Type::Tensor(DataType::kFloat, {Dim::Value(4)});
  EXPECT_THAT(ErrorCodes(*model), ::testing::ElementsAre(::testing::HasSubstr("(rank 2 vs 1)")));

  // Survives a save: the declaration is FunctionProto.value_info.
  auto bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok());
  auto back = LoadBytes(*bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_THAT(ErrorCodes(**back), ::testing::ElementsAre(::testing::HasSubstr("(rank 2 vs 1)")));
}

}  // namespace
}  // namespace onnxkit
