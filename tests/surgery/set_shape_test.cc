// set-shape (edit.h SetInputShapes): input dims fixed, made symbolic or unknown; the types
// inferred for the old shapes are refreshed, in sub-graphs too; a shape the model cannot
// take is an error that changes nothing; resnet18 at batch 4 infers and checks clean.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "onnxkit/edit.h"
#include "onnxkit/io.h"
#include "support/corpus_rewrites.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"
#include "surgery/surgery_test_util.h"

namespace onnxkit {
namespace {

using surgery_test::Parse;
using surgery_test::TypeOf;
using ::testing::HasSubstr;

InputShape Shape(const char* text) {
  auto shape = ParseInputShape(text);
  EXPECT_TRUE(shape.ok()) << shape.status();
  return shape.ok() ? *shape : InputShape{};
}

Status Set(Model& model, std::vector<InputShape> shapes, const SetShapeOptions& options = {},
           std::vector<std::string>* conflicts = nullptr) {
  return SetInputShapes(model, shapes, options, conflicts);
}

TEST(ParseInputShape, NumbersSymbolsAndUnknownDims) {
  InputShape shape = Shape("images:N,3,?,224");
  EXPECT_EQ(shape.name, "images");
  ASSERT_EQ(shape.dims.size(), 4u);
  EXPECT_EQ(shape.dims[0].kind, Dim::Kind::kParam);
  EXPECT_EQ(shape.dims[0].param, "N");
  EXPECT_EQ(shape.dims[1].value, 3);
  EXPECT_EQ(shape.dims[2].kind, Dim::Kind::kUnknown);
  EXPECT_EQ(Shape("a:b:1").name, "a:b");  // the last ':' separates
  EXPECT_TRUE(Shape("scalar:").dims.empty());
}

TEST(ParseInputShape, RejectsWhatIsNoDim) {
  for (const char* text : {"X:2,-1", "X:2,,3", "X:2,", "X:3x", "X", ":1"}) {
    EXPECT_FALSE(ParseInputShape(text).ok()) << text;
  }
  EXPECT_THAT(std::string(ParseInputShape("X:2,-1").status().message()),
              HasSubstr("'-1' is not a dim"));
}

TEST(SetInputShapes, FixingASymbolRefreshesIntermediatesAndOutputs) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,3] X) => (float[N,3] Y) {
      A = Relu(X)
      Y = Sigmoid(A)
    })");
  ASSERT_TRUE(Set(*model, {Shape("X:4,3")}).ok());
  EXPECT_EQ(TypeOf(*model->graph, "X"), "float32[4,3]");
  EXPECT_EQ(TypeOf(*model->graph, "A"), "float32[4,3]");
  EXPECT_EQ(TypeOf(*model->graph, "Y"), "float32[4,3]");
  EXPECT_VERIFIED(*model->graph);
}

TEST(SetInputShapes, StaleFullyKnownTypesAreReplaced) {
  // Inferred for batch 1; at batch 4 those declarations would contradict the input.
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,3] X) => (float[1,3] Y) <float[1,3] A> {
      A = Relu(X)
      Y = Sigmoid(A)
    })");
  ASSERT_TRUE(Set(*model, {Shape("X:4,3")}).ok());
  EXPECT_EQ(TypeOf(*model->graph, "A"), "float32[4,3]");
  EXPECT_EQ(TypeOf(*model->graph, "Y"), "float32[4,3]");
}

TEST(SetInputShapes, FreesDims) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,3] X) => (float[1,3] Y) <float[1,3] A> {
      A = Relu(X)
      Y = Sigmoid(A)
    })");
  ASSERT_TRUE(Set(*model, {Shape("X:batch,?")}).ok());
  EXPECT_EQ(TypeOf(*model->graph, "X"), "float32[batch,?]");
  EXPECT_EQ(TypeOf(*model->graph, "A"), "float32[batch,?]");
  EXPECT_EQ(TypeOf(*model->graph, "Y"), "float32[batch,?]");
}

TEST(SetInputShapes, SeveralInputsAndTheirSharedSymbol) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,3] X, float[N,3] Z) => (float[N,3] Y) {
      Y = Add(X, Z)
    })");
  ASSERT_TRUE(Set(*model, {Shape("X:2,3")}).ok());
  // N named one size: the other input that declared it follows.
  EXPECT_EQ(TypeOf(*model->graph, "Z"), "float32[2,3]");
  EXPECT_EQ(TypeOf(*model->graph, "Y"), "float32[2,3]");
}

TEST(SetInputShapes, SubGraphsReadingOuterValuesAreRefreshed) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (bool C, float[1,3] X) => (float[1,3] R) {
      A = Relu(X)
      R = If(C) <
        then_branch = t () => (float[1,3] o) { o = Sigmoid(A) },
        else_branch = e () => (float[1,3] p) { p = Neg(A) }
      >
    })");
  ASSERT_TRUE(Set(*model, {Shape("X:5,3")}).ok());
  EXPECT_EQ(TypeOf(*model->graph, "R"), "float32[5,3]");
  const Node* branch = model->graph->last_node();
  EXPECT_EQ(TypeOf(*branch->GetGraph("then_branch"), "o"), "float32[5,3]");
  EXPECT_EQ(TypeOf(*branch->GetGraph("else_branch"), "p"), "float32[5,3]");
  EXPECT_VERIFIED(*model->graph);
}

// B does not broadcast against X at any batch but 1 and 2.
constexpr char kFixedBias[] = R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] X) => (float[2,3] Y) <float[2,3] B = {1, 2, 3, 4, 5, 6}> {
      Y = Add(X, B)
    })";

TEST(SetInputShapes, AShapeTheModelCannotTakeIsAnErrorAndChangesNothing) {
  auto model = Parse(kFixedBias);
  Status status = Set(*model, {Shape("X:4,3")});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("Add"));
  EXPECT_EQ(TypeOf(*model->graph, "X"), "float32[2,3]");
  EXPECT_EQ(TypeOf(*model->graph, "Y"), "float32[2,3]");
  EXPECT_TRUE(model->graph->value_info().empty());
}

TEST(SetInputShapes, AllowConflictsKeepsTheShapesAndReportsThem) {
  auto model = Parse(kFixedBias);
  SetShapeOptions options;
  options.allow_conflicts = true;
  std::vector<std::string> conflicts;
  ASSERT_TRUE(Set(*model, {Shape("X:4,3")}, options, &conflicts).ok());
  EXPECT_EQ(TypeOf(*model->graph, "X"), "float32[4,3]");
  ASSERT_FALSE(conflicts.empty());
  EXPECT_THAT(conflicts[0], HasSubstr("Add"));
}

TEST(SetInputShapes, BadRequestsChangeNothing) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,3] X) => (float[N,3] Y) { Y = Relu(X) })");
  Status unknown = Set(*model, {Shape("X:2,3"), Shape("Q:1")});
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("no input 'Q' (its inputs: 'X')"));
  // The first shape, already pinned when the second failed, is undone.
  EXPECT_EQ(TypeOf(*model->graph, "X"), "float32[N,3]");
  Status rank = Set(*model, {Shape("X:2")});
  EXPECT_THAT(std::string(rank.message()), HasSubstr("has rank 2, not 1"));
  EXPECT_EQ(TypeOf(*model->graph, "Y"), "float32[N,3]");
}

TEST(SetInputShapes, NoInferOnlyChangesTheInputs) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[1,3] X) => (float[1,3] Y) { Y = Relu(X) })");
  SetShapeOptions options;
  options.reinfer = false;
  ASSERT_TRUE(Set(*model, {Shape("X:4,3")}, options).ok());
  EXPECT_EQ(TypeOf(*model->graph, "X"), "float32[4,3]");
  EXPECT_EQ(TypeOf(*model->graph, "Y"), "float32[1,3]");
}

TEST(SetInputShapes, Resnet18AtBatchFourInfersAndChecksClean) {
  auto path = testing::ReadableCorpusModel(testing::CorpusDir() / "models/resnet18.onnx");
  auto model = LoadFile(path.string());
  ASSERT_TRUE(model.ok()) << model.status();
  Graph& graph = *(*model)->graph;
  const std::string input = graph.inputs()[0]->name();
  ASSERT_TRUE(Set(**model, {Shape((input + ":4,3,224,224").c_str())}).ok());
  EXPECT_EQ(TypeToString(*graph.outputs()[0]->type()), "float32[4,1000]");
  // Every intermediate value has its batch-4 type.
  for (const Value* v : graph.value_info()) {
    // Copies of weights (Identity of an initializer) have no batch.
    if (v->kind() != Value::Kind::kNodeOutput || v->producer()->op_type == "Identity") continue;
    ASSERT_NE(v->type(), nullptr) << v->name();
    ASSERT_TRUE(v->type()->shape) << v->name();
    ASSERT_FALSE(v->type()->shape->dims.empty()) << v->name();
    EXPECT_EQ(v->type()->shape->dims[0].value, 4) << v->name() << " " << TypeToString(*v->type());
  }
  EXPECT_GT(graph.value_info().size(), 10u);
  EXPECT_EQ(testing::ModelProblems(**model), "");
}

}  // namespace
}  // namespace onnxkit
