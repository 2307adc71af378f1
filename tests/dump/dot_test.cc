// DumpDot and RenderGraph: what the picture shows (boxes, folded initializers, typed edges,
// sub-graph clusters), how the filters and the size limit focus it, that any string of a
// model is safe in it, and that Graphviz lays it out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "ir/ir_test_util.h"
#include "onnxkit/dump.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kConvIf[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[1,3,8,8] x, bool c) => (float[1,4,8,8] y, float[1,4,8,8] z)
    <float[4,3,1,1] w = {1,1,1,1,1,1,1,1,1,1,1,1}, float[4] b = {0,0,0,0}> {
    t = Conv<kernel_shape=[1,1]>(x, w, b)
    y = Relu(t)
    z = If(c) <then_branch = g1 () => (float[1,4,8,8] r) { r = Neg(t) },
               else_branch = g2 () => (float[1,4,8,8] r2) { r2 = Abs(t) }>
  })";

// Relu × 6 in a chain: a0 … a5, the last the output.
constexpr char kChain[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2] x) => (float[2] a5) {
    a0 = Relu(x)
    a1 = Relu(a0)
    a2 = Sigmoid(a1)
    a3 = Relu(a2)
    a4 = Relu(a3)
    a5 = Relu(a4)
  })";

int Count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// Node boxes: statements "nK [label=...".
int Boxes(const std::string& dot) { return Count(dot, R"(\n *n\d+ \[label=)"); }

TEST(DumpDot, BoxesCarryOpAttributesAndTheInitializersTheyRead) {
  auto m = ir_test::Parse(kConvIf);
  std::string dot = DumpDot(*m);
  EXPECT_TRUE(dot.starts_with("digraph onnxkit {\n")) << dot;
  EXPECT_TRUE(dot.ends_with("}\n"));
  EXPECT_THAT(dot,
              HasSubstr(R"(label="Conv\nkernel_shape=[1,1]\nw: float32[4,3,1,1]\nb: float32[4]")"));
  // Initializers are folded into their reader: no ellipse or edge of their own.
  EXPECT_THAT(dot, Not(HasSubstr(R"(label="w)")));
  EXPECT_THAT(dot, Not(HasSubstr(R"(tooltip="w")")));
  EXPECT_EQ(Boxes(dot), 5);  // Conv, Relu, If, Neg, Abs
}

TEST(DumpDot, EdgesCarryTypeAndShapeOrTheNameWhenUntyped) {
  auto m = ir_test::Parse(kConvIf);
  std::string dot = DumpDot(*m);
  EXPECT_THAT(dot, HasSubstr(R"(label="float32[1,3,8,8]", tooltip="x")"));
  // t has no declared type: its edges say its name.
  EXPECT_THAT(dot, HasSubstr(R"(label="t", tooltip="t")"));
  EXPECT_THAT(dot, HasSubstr(R"(label="x\nfloat32[1,3,8,8]")"));  // the input's ellipse
  EXPECT_THAT(dot, HasSubstr(R"(label="z\nfloat32[1,4,8,8]")"));  // the output's
}

TEST(DumpDot, SubgraphsAreClustersFlowingBackIntoTheirNode) {
  auto m = ir_test::Parse(kConvIf);
  std::string dot = DumpDot(*m);
  EXPECT_EQ(Count(dot, "subgraph cluster_"), 2);
  EXPECT_THAT(dot, HasSubstr(R"(label="If then_branch")"));
  EXPECT_THAT(dot, HasSubstr(R"(label="If else_branch")"));
  EXPECT_EQ(Count(dot, R"(-> n2 \[style=dashed\])"), 2) << dot;  // n2 is the If
}

TEST(DumpDot, DepthZeroSummarisesSubgraphsInTheBox) {
  auto m = ir_test::Parse(kConvIf);
  DumpOptions options;
  options.max_depth = 0;
  std::string dot = DumpDot(*m, options);
  EXPECT_EQ(Count(dot, "subgraph cluster_"), 0);
  EXPECT_THAT(dot, HasSubstr(R"(then_branch: 1 node(s), not expanded)"));
  EXPECT_EQ(Boxes(dot), 3);
}

TEST(DumpDot, AFilterDrawsTheMatchesWithTheirNeighbours) {
  auto m = ir_test::Parse(kChain);
  DumpOptions options;
  options.op_types = {"Sigmoid"};
  options.context = 0;
  std::string alone = DumpDot(*m, options);
  EXPECT_EQ(Boxes(alone), 1);
  // Its input comes from a node not drawn: a plain stub names the value.
  EXPECT_THAT(alone, HasSubstr(R"(shape=plaintext, fillcolor="#d9f2d9", label="a1")"));
  options.context = 1;
  EXPECT_EQ(Boxes(DumpDot(*m, options)), 3);
  options.context = 2;
  std::string wider = DumpDot(*m, options);
  EXPECT_EQ(Boxes(wider), 5);
  EXPECT_THAT(wider, HasSubstr("5 node(s) drawn around the nodes that match the filter"));
}

TEST(DumpDot, AFilterReachesIntoSubgraphsThroughTheirNode) {
  auto m = ir_test::Parse(kConvIf);
  DumpOptions options;
  options.op_types = {"Abs"};
  options.context = 0;
  std::string dot = DumpDot(*m, options);
  EXPECT_THAT(dot, HasSubstr(R"(label="Abs")"));
  EXPECT_THAT(dot, HasSubstr(R"(label="If")"));  // drawn as the Abs's context
  EXPECT_THAT(dot, Not(HasSubstr(R"(label="Neg")")));
  EXPECT_THAT(dot, Not(HasSubstr(R"(label="Relu")")));
}

TEST(DumpDot, TheLimitSaysWhatItLeftOut) {
  auto m = ir_test::Parse(kChain);
  DumpOptions options;
  options.max_nodes = 4;
  std::string dot = DumpDot(*m, options);
  EXPECT_EQ(Boxes(dot), 4);
  EXPECT_THAT(dot, HasSubstr("4 node(s) drawn; 2 of 6 left out by the limit of 4"));
  options.max_nodes = 0;
  EXPECT_EQ(Boxes(DumpDot(*m, options)), 6);
}

TEST(DumpDot, StringsOfTheModelCannotBreakThePicture) {
  auto m = ir_test::Parse(kChain);
  Node* first = m->graph->first_node();
  first->name = "quote\" back\\slash \nnew line \x1b[2J";
  std::string dot = DumpDot(*m);
  EXPECT_THAT(dot, HasSubstr(R"(quote\" back\\slash)"));
  EXPECT_THAT(dot, Not(HasSubstr("\x1b")));
  EXPECT_THAT(dot, Not(HasSubstr("\nnew line")));
  auto svg = RenderGraph(*m, {}, "svg");
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_THAT(*svg, HasSubstr("<svg"));
}

TEST(DumpDot, StreamedEqualsTheString) {
  auto m = ir_test::Parse(kConvIf);
  std::ostringstream out;
  ASSERT_TRUE(DumpDot(*m, {}, out).ok());
  EXPECT_EQ(out.str(), DumpDot(*m));
}

TEST(RenderGraph, GraphvizLaysOutSvgPngAndPdf) {
  auto m = ir_test::Parse(kConvIf);
  auto svg = RenderGraph(*m, {}, "svg");
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_THAT(*svg, HasSubstr("<svg"));
  EXPECT_THAT(*svg, HasSubstr(">Conv</text>"));
  EXPECT_THAT(*svg, HasSubstr(">float32[1,3,8,8]</text>"));
  auto png = RenderGraph(*m, {}, "png");
  ASSERT_TRUE(png.ok()) << png.status();
  EXPECT_TRUE(png->starts_with("\x89PNG"));
  auto pdf = RenderGraph(*m, {}, "pdf");
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_TRUE(pdf->starts_with("%PDF"));
}

TEST(RenderGraph, RefusesAnUnknownFormat) {
  auto m = ir_test::Parse(kChain);
  auto out = RenderGraph(*m, {}, "gif");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(out.status().message(), HasSubstr("'gif'"));
}

// Graphviz accepts the picture of every model of valid-edge (names, types and graphs of
// every odd kind); 100 nodes of each are enough for that, and keep the layout quick.
TEST(RenderGraph, EveryValidEdgeModelLaysOut) {
  DumpOptions options;
  options.max_nodes = 100;
  for (const auto& path : testing::OnnxFilesUnder(testing::CorpusDir() / "valid-edge")) {
    SCOPED_TRACE(path.string());
    auto model = LoadFile(path.string());
    if (!model.ok()) continue;  // a few need their external data folder; dump tests cover them
    auto svg = RenderGraph(**model, options, "svg");
    EXPECT_TRUE(svg.ok()) << svg.status();
  }
}

}  // namespace
}  // namespace onnxkit
