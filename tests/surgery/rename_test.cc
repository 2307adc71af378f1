// rename (edit.h Rename): values and nodes renamed with every reference kept (graph inputs
// and outputs, initializers, value_info, sub-graphs reading an outer name, training
// bindings), all at once (so swaps work); function bodies keep their own names; unknown
// names, ambiguity and clashes are errors that change nothing; resnet18 with every
// intermediate value and weight renamed computes what it did under ONNX Runtime.
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

using surgery_test::Names;
using surgery_test::NodeNames;
using surgery_test::Parse;
using surgery_test::TypeOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// X read by the main graph and, from the outer scope, by both branches of an If.
constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (bool C, float[2] X) => (float[2] Y, float[2] R) <float[2] W = {1, 2}, float[2] A> {
    A = Add(X, W)
    Y = Relu(A)
    R = If(C) <
      then_branch = t () => (float[2] o) { o = Sigmoid(A) },
      else_branch = e () => (float[2] p) { p = Mul(X, A) }
    >
  })";

std::string Message(const Status& status) { return std::string(status.message()); }

// The model saved and loaded again: names must agree in the file, not only in the IR.
std::unique_ptr<Model> RoundTrip(const Model& model) {
  auto bytes = SaveBytes(model);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? ir_test::ParseBytes(*bytes) : nullptr;
}

TEST(Rename, AValueIsRenamedEverywhereItIsNamed) {
  auto model = Parse(kModel);
  std::vector<NamePair> renames = {{"X", "input"}, {"A", "sum"}, {"W", "weight"}, {"Y", "out"}};
  ASSERT_TRUE(Rename(*model, renames).ok());
  auto back = RoundTrip(*model);
  ASSERT_TRUE(back);
  const Graph& g = *back->graph;
  EXPECT_THAT(Names(g.inputs()), ElementsAre("C", "input"));
  EXPECT_THAT(Names(g.outputs()), ElementsAre("out", "R"));
  EXPECT_THAT(Names(g.initializers()), ElementsAre("weight"));
  EXPECT_THAT(Names(g.value_info()), ElementsAre("sum"));
  EXPECT_EQ(TypeOf(g, "sum"), "float32[2]");
  EXPECT_THAT(Names(g.first_node()->inputs()), ElementsAre("input", "weight"));
  const Node* branch = g.last_node();
  EXPECT_THAT(Names(branch->GetGraph("then_branch")->first_node()->inputs()), ElementsAre("sum"));
  EXPECT_THAT(Names(branch->GetGraph("else_branch")->first_node()->inputs()),
              ElementsAre("input", "sum"));
  EXPECT_VERIFIED(g);
}

TEST(Rename, ValuesDefinedInsideASubGraph) {
  auto model = Parse(kModel);
  ASSERT_TRUE(Rename(*model, std::vector<NamePair>{{"o", "then_out"}}).ok());
  auto back = RoundTrip(*model);
  ASSERT_TRUE(back);
  EXPECT_THAT(Names(back->graph->last_node()->GetGraph("then_branch")->outputs()),
              ElementsAre("then_out"));
}

TEST(Rename, RenamesApplyAllAtOnceSoSwapsWork) {
  auto model = Parse(kModel);
  ASSERT_TRUE(Rename(*model, std::vector<NamePair>{{"Y", "R"}, {"R", "Y"}}).ok());
  auto back = RoundTrip(*model);
  ASSERT_TRUE(back);
  EXPECT_THAT(Names(back->graph->outputs()), ElementsAre("R", "Y"));
  EXPECT_EQ(back->graph->outputs()[0]->producer()->op_type, "Relu");
}

TEST(Rename, FunctionBodiesAreScopesOfTheirOwn) {
  auto model = Parse(R"(
    <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
    g (float[2] a, float[2] s) => (float[2] out) {
      out = local.AddRelu(a, s)
    }
    <domain: "local", opset_import: ["" : 17]>
    AddRelu (x, y) => (z) {
      s = Add(x, y)
      z = Relu(s)
    })");
  // 's' is a main-graph input and, separately, a name inside the function; 'z' exists only
  // inside the function, so it is free in the model's scope.
  ASSERT_TRUE(Rename(*model, std::vector<NamePair>{{"s", "z"}}).ok());
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("a", "z"));
  const Graph& body = *model->functions[0]->body;
  EXPECT_THAT(Names(body.first_node()->outputs()), ElementsAre("s"));
  EXPECT_THAT(Names(body.outputs()), ElementsAre("z"));
  // A name only a function has is not the model's.
  EXPECT_EQ(Rename(*model, std::vector<NamePair>{{"x", "q"}}).code(), absl::StatusCode::kNotFound);
}

TEST(Rename, TrainingBindingsFollow) {
  auto model = Parse(kModel);
  TrainingInfo info;
  info.update_binding.push_back({"W", "W_new", {}});
  model->training_info.push_back(std::move(info));
  model->graph->quantization_annotation.push_back({"A", {{"SCALE_TENSOR", "W", {}}}, {}});
  ASSERT_TRUE(Rename(*model, std::vector<NamePair>{{"W", "weight"}, {"A", "sum"}}).ok());
  EXPECT_EQ(model->training_info[0].update_binding[0].key, "weight");
  EXPECT_EQ(model->graph->quantization_annotation[0].tensor_name, "sum");
  EXPECT_EQ(model->graph->quantization_annotation[0].quant_parameter_tensor_names[0].value,
            "weight");
}

TEST(Rename, Nodes) {
  auto model = Parse(kModel);
  model->graph->first_node()->name = "add";
  model->graph->last_node()->name = "branch";
  ASSERT_TRUE(Rename(*model, std::vector<NamePair>{{"add", "plus"}}).ok());
  EXPECT_THAT(NodeNames(*model->graph), ElementsAre("plus", "", "branch"));
  ASSERT_TRUE(Rename(*model, std::vector<NamePair>{{"branch", "cond"}}, RenameTarget::kNodes).ok());
  EXPECT_THAT(NodeNames(*model->graph), ElementsAre("plus", "", "cond"));
  Status clash = Rename(*model, std::vector<NamePair>{{"plus", "cond"}});
  EXPECT_EQ(clash.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Message(clash), HasSubstr("cannot rename node 'plus' to 'cond': a node named "
                                        "'cond' already exists"));
}

TEST(Rename, ANameOfBothAValueAndANodeMustBeSaidWhich) {
  auto model = Parse(kModel);
  model->graph->first_node()->name = "A";
  Status ambiguous = Rename(*model, std::vector<NamePair>{{"A", "B"}});
  EXPECT_EQ(ambiguous.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(ambiguous), HasSubstr("names both a value and a node"));
  EXPECT_EQ(model->graph->first_node()->name, "A");
  ASSERT_TRUE(Rename(*model, std::vector<NamePair>{{"A", "B"}}, RenameTarget::kValues).ok());
  EXPECT_EQ(model->graph->first_node()->name, "A");
  EXPECT_EQ(model->graph->first_node()->output(0)->name(), "B");
}

TEST(Rename, ErrorsChangeNothing) {
  auto model = Parse(kModel);
  Status unknown = Rename(*model, std::vector<NamePair>{{"Y", "y"}, {"Wx", "w"}});
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(unknown), HasSubstr("no value or node named 'Wx'; did you mean 'W'?"));
  Status clash = Rename(*model, std::vector<NamePair>{{"Y", "A"}});
  EXPECT_EQ(clash.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Message(clash),
              HasSubstr("cannot rename value 'Y' to 'A': a value named 'A' already exists"));
  // A name of a sub-graph is taken too: an inner graph may not redefine it.
  EXPECT_EQ(Rename(*model, std::vector<NamePair>{{"Y", "o"}}).code(),
            absl::StatusCode::kAlreadyExists);
  Status both = Rename(*model, std::vector<NamePair>{{"Y", "Z"}, {"R", "Z"}});
  EXPECT_THAT(Message(both), HasSubstr("values 'Y' and 'R' would both be named 'Z'"));
  Status twice = Rename(*model, std::vector<NamePair>{{"Y", "Z"}, {"Y", "Q"}});
  EXPECT_THAT(Message(twice), HasSubstr("'Y' is renamed more than once"));
  Status empty = Rename(*model, std::vector<NamePair>{{"Y", ""}});
  EXPECT_THAT(Message(empty), HasSubstr("the new name of 'Y' is empty"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("Y", "R"));
  Status nodes = Rename(*model, std::vector<NamePair>{{"Y", "Z"}}, RenameTarget::kNodes);
  EXPECT_THAT(Message(nodes), HasSubstr("no node named 'Y'"));
}

TEST(ParseRenameMap, LinesWithCommentsAndJson) {
  auto lines = ParseRenameMap("# outputs\nY=out\n\n  A = sum \na=b=c\n", "map.txt");
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_THAT(*lines,
              ElementsAre(NamePair{"Y", "out"}, NamePair{"A", "sum"}, NamePair{"a=b", "c"}));
  auto json = ParseRenameMap(R"({"Y": "out", "A": "sum"})", "map.json");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->size(), 2u);
  auto bad = ParseRenameMap("Y=out\nnonsense\n", "map.txt");
  EXPECT_THAT(Message(bad.status()), HasSubstr("map.txt:2: 'nonsense' is not OLD=NEW"));
  auto bad_json = ParseRenameMap(R"({"Y": 3})", "map.json");
  EXPECT_THAT(Message(bad_json.status()), HasSubstr("map.json: entry 'Y'"));
  EXPECT_FALSE(ParseRenameMap("{not json", "m.json").ok());
}

TEST(Rename, Resnet18KeepsItsOutputsWithEveryInnerNameChanged) {
  auto original = testing::ReadableCorpusModel(testing::CorpusDir() / "models/resnet18.onnx");
  auto model = LoadFile(original.string());
  ASSERT_TRUE(model.ok()) << model.status();
  Graph& graph = *(*model)->graph;
  std::vector<NamePair> renames;
  for (const Value* v : graph.values()) {
    if (v->is_graph_input() || v->is_graph_output()) continue;  // the oracle feeds by name
    renames.emplace_back(v->name(), "t" + std::to_string(renames.size()));
  }
  int node_index = 0;
  for (const Node* n : graph.nodes()) {
    if (!n->name.empty()) renames.emplace_back(n->name, "n" + std::to_string(node_index++));
  }
  ASSERT_GT(renames.size(), 100u);
  ASSERT_TRUE(Rename(**model, renames).ok());
  EXPECT_EQ(testing::ModelProblems(**model), "");
  testing::TempDir dir;
  const std::string renamed = (dir / "renamed.onnx").string();
  ASSERT_TRUE(SaveFile(**model, renamed).ok());
  auto verdict = testing::CompareUnderOrt(original, {renamed});
  if (verdict.kind == testing::OrtVerdict::Kind::kSkipped) GTEST_SKIP() << verdict.report;
  EXPECT_EQ(verdict.kind, testing::OrtVerdict::Kind::kMatch) << verdict.report;
}

}  // namespace
}  // namespace onnxkit
