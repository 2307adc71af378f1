// What `onnxkit dump` promises, case by case: schema names and versions, labels of inputs
// and outputs, attribute rendering, filters, sub-graph depth, the initializer modes, the
// limits on reading weights, JSON shape, and the CLI's inputs and exit codes.
#include "onnxkit/dump.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <nlohmann/json.hpp>
#include <string>

#include "onnxkit/io.h"
#include "onnxkit/version.h"
#include "support/test_support.h"

namespace onnxkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::ordered_json;

std::string Corpus(const std::string& relative) { return (CorpusDir() / relative).string(); }

std::unique_ptr<Model> Load(const std::string& path) {
  auto model = LoadFile(path);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? std::move(*model) : nullptr;
}

std::string Text(const std::string& relative, const DumpOptions& options = {}) {
  auto model = Load(Corpus(relative));
  return model ? DumpText(*model, options) : "";
}

Json JsonOf(const std::string& relative, const DumpOptions& options = {}) {
  auto model = Load(Corpus(relative));
  return model ? Json::parse(DumpJson(*model, options)) : Json();
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// --- Nodes: schema versions, labels, constants -------------------------------------------

TEST(DumpNodes, ShowsTheSchemaSinceVersionForTheImportedOpset) {
  std::string text = Text("models/srcnn_x3.onnx");  // opset 11
  EXPECT_THAT(text, HasSubstr("#2 Resize  /img_upsampler/Resize  ai.onnx v11"));
  EXPECT_THAT(text, HasSubstr("#4 Relu  /relu/Relu  ai.onnx v6"));  // Relu-6 at opset 11
}

TEST(DumpNodes, LabelsInputsWithFormalParameterNamesAndSummarisesConstants) {
  std::string text = Text("models/srcnn_x3.onnx");
  EXPECT_THAT(text, HasSubstr("X=input  roi=/img_upsampler/Constant_1_output_0 (Constant "
                              "float32[0] [])"));
  EXPECT_THAT(text, HasSubstr("scales=/img_upsampler/Constant_output_0 (Constant float32[4] "
                              "[1,1,3,3])"));
  EXPECT_THAT(text, HasSubstr("W=conv1.weight (const float32[64,3,9,9])"));
  EXPECT_THAT(text, HasSubstr("-> Y=output float32[1,3,768,768]"));
}

TEST(DumpNodes, NamesVariadicSlotsByIndex) {
  std::string text = Text("valid-edge/optional_outputs.onnx");
  EXPECT_THAT(text, HasSubstr("-> outputs[0]=s0  outputs[1]=s1_unused float32[1,1,1]  "
                              "outputs[2]=s2"));
}

TEST(DumpNodes, ShowsOmittedOptionalInputsAndOutputs) {
  std::string text = Text("valid-edge/optional_outputs.onnx");
  EXPECT_THAT(text, HasSubstr("B=(omitted)"));
  EXPECT_THAT(text, HasSubstr("sequence_lens=(omitted)  initial_h=h0"));
  EXPECT_THAT(text, HasSubstr("-> Y=(omitted)  Y_h=Y_h float32[1,1,3]"));
}

TEST(DumpNodes, SaysWhyThereIsNoSchema) {
  EXPECT_THAT(Text("valid-edge/custom_domain.onnx"),
              HasSubstr("com.example (no schema: custom domain)"));
  // An opset beyond the linked library: no parameter names rather than possibly wrong ones.
  int64_t beyond = LinkedOnnxLibrary().max_opset + 1;
  auto model = LoadBytes(ModelFromText(fmt::format(R"(
    <ir_version: 8, opset_import: ["" : {}]>
    g (float[2] X) => (float[2] Y) {{
      Y = Relu(X)
    }})",
                                                   beyond)
                                           .c_str()));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_THAT(DumpText(**model, {}),
              HasSubstr(fmt::format("ai.onnx (no schema: opset {} is newer than libonnx's {})",
                                    beyond, beyond - 1)));
}

TEST(DumpNodes, ResolvesModelLocalFunctionsByDomainAndName) {
  std::string text = Text("valid-edge/function_named_like_onnx_op.onnx");
  EXPECT_THAT(text, HasSubstr("local (local function)"));
  EXPECT_THAT(text, HasSubstr("ai.onnx v14"));  // the real Relu next to it
}

TEST(DumpNodes, LabelsFunctionCallsWithTheFunctionsFormalNames) {
  std::string text = Text("valid-edge/function_local.onnx");
  EXPECT_THAT(text, HasSubstr("#0 AddRelu  call_0  local (local function)\n      a=X  b=Y\n"
                              "      -> c=Z float32[2,3]"));
  EXPECT_THAT(text, HasSubstr("local.AddRelu(a, b) -> (c)"));
}

TEST(DumpNodes, FunctionBodiesUseTheFunctionsOwnOpsets) {
  // The function imports ai.onnx 14 while the model imports 17.
  Json doc = JsonOf("valid-edge/function_opset_differs.onnx");
  ASSERT_EQ(doc["functions"].size(), 1u);
  EXPECT_EQ(doc["functions"][0]["opset_import"][0]["version"], 14);
  for (const Json& n : doc["functions"][0]["nodes"]) {
    EXPECT_EQ(n["resolution"]["kind"], "schema") << n.dump();
  }
}

TEST(DumpNodes, ShowsFunctionAttributeDefaults) {
  EXPECT_THAT(Text("valid-edge/function_attr_default_ir9.onnx"),
              HasSubstr("local.LeakyDefault(x) -> (y)\n      attributes  alpha=0.3\n"));
}

TEST(DumpNodes, ShowsFunctionAttributeReferences) {
  EXPECT_THAT(Text("valid-edge/function_ref_attr.onnx"), HasSubstr("alpha=@"));
}

// --- Attributes ---------------------------------------------------------------------------

TEST(DumpAttributes, PrintsFloatsShortestRoundTrip) {
  EXPECT_THAT(Text("models/srcnn_x3.onnx"), HasSubstr("cubic_coeff_a=-0.75"));
  EXPECT_THAT(Text("valid-edge/metadata.onnx"), HasSubstr("alpha=0.1\n"));
}

TEST(DumpAttributes, NamesDataTypes) {
  EXPECT_THAT(Text("onnx-backend/node/test_cast_FLOAT_to_DOUBLE/model.onnx"),
              HasSubstr("to=float64"));
  EXPECT_THAT(Text("valid-edge/training_info.onnx"), HasSubstr("dtype=float32"));
  Json doc = JsonOf("onnx-backend/node/test_cast_FLOAT_to_DOUBLE/model.onnx");
  const Json& to = doc["graph"]["nodes"][0]["attributes"][0];
  EXPECT_EQ(to["value"], 11);
  EXPECT_EQ(to["dtype"], "float64");
}

TEST(DumpAttributes, RendersEveryAttributeType) {
  std::string text = Text("valid-edge/attributes_all_types.onnx");
  EXPECT_THAT(text, HasSubstr("f=0.25  floats=[1,-2]  i=-3  ints=[1,2,3]"));
  EXPECT_THAT(text, HasSubstr(R"(s="bytes with \x00 NUL")"));
  EXPECT_THAT(text, HasSubstr(R"(strings=["x","y"])"));
  EXPECT_THAT(text, HasSubstr("t=float32[2] [1,2]"));
  EXPECT_THAT(text, HasSubstr("tensors=[float32[1] [1], int64[1] [5]]"));
  EXPECT_THAT(text, HasSubstr("sparse_tensor=sparse float32[4] nnz 1 values [9] indices [2]"));
  EXPECT_THAT(text, HasSubstr("tp=float32[N,3]"));
  EXPECT_THAT(text, HasSubstr("type_protos=[int64[2], bool[?]]"));
  EXPECT_THAT(text, HasSubstr("empty_ints=[]"));
  EXPECT_THAT(text, HasSubstr("g=graph attr_graph (1 node)"));
  EXPECT_THAT(text, HasSubstr("graphs=graphs (2)"));
}

TEST(DumpAttributes, QuotesNamesThatWouldBeAmbiguous) {
  std::string text = Text("valid-edge/unicode_names.onnx");
  EXPECT_THAT(text, HasSubstr(R"(-> output="say \"hi\"\tnow")"));
  EXPECT_THAT(text, HasSubstr("A=café"));  // plain UTF-8 stays as is
}

// --- Sub-graphs and --depth ---------------------------------------------------------------

TEST(DumpDepth, ExpandsEverySubgraphByDefault) {
  std::string text = Text("valid-edge/nested_if_in_loop.onnx");
  EXPECT_THAT(text, Not(HasSubstr("not expanded")));
}

TEST(DumpDepth, ZeroExpandsNoSubgraph) {
  DumpOptions options;
  options.max_depth = 0;
  std::string text = Text("valid-edge/if_outer_scope.onnx", options);
  EXPECT_THAT(text, HasSubstr("then_branch=graph then_branch (2 nodes, not expanded)"));
  EXPECT_THAT(text, Not(HasSubstr("then_add")));
}

TEST(DumpDepth, LimitsNestingToTheGivenLevel) {
  // Loop_0.body -> If_1.then_branch -> If_2 branches.
  DumpOptions options;
  options.max_depth = 1;
  Json doc = JsonOf("valid-edge/nested_if_in_loop.onnx", options);
  const Json& body = doc["graph"]["nodes"][0]["attributes"][0]["value"];
  ASSERT_TRUE(body.contains("nodes")) << body.dump();
  bool saw_unexpanded = false;
  for (const Json& n : body["nodes"]) {
    for (const Json& a : n["attributes"]) {
      if (a["type"] == "graph") {
        EXPECT_EQ(a["value"]["expanded"], false);
        saw_unexpanded = true;
      }
    }
  }
  EXPECT_TRUE(saw_unexpanded);
}

// --- Filters ------------------------------------------------------------------------------

TEST(DumpFilters, OpShowsOnlyNodesOfThatTypeAndTheirInitializers) {
  DumpOptions options;
  options.op_types = {"Conv"};
  std::string text = Text("models/srcnn_x3.onnx", options);
  EXPECT_THAT(text, HasSubstr("nodes (3 of 8 shown)"));
  EXPECT_EQ(Count(text, " Conv  "), 3u);
  EXPECT_THAT(text, Not(HasSubstr(" Relu  ")));
  EXPECT_THAT(text, Not(HasSubstr(" Resize  ")));
  EXPECT_THAT(text, HasSubstr("initializers (6 · 78.5 KiB)"));
}

TEST(DumpFilters, NodeShowsOnlyNodesWithThatName) {
  DumpOptions options;
  options.node_names = {"/conv2/Conv"};
  Json doc = JsonOf("models/srcnn_x3.onnx", options);
  ASSERT_EQ(doc["graph"]["nodes"].size(), 1u);
  EXPECT_EQ(doc["graph"]["nodes"][0]["index"], 5);
  const Json& inits = doc["graph"]["initializers"];
  ASSERT_EQ(inits.size(), 2u);  // only what the shown node reads
  EXPECT_EQ(inits[0]["name"], "conv2.weight");
  EXPECT_EQ(inits[1]["name"], "conv2.bias");
}

TEST(DumpFilters, BothFiltersMustMatch) {
  DumpOptions options;
  options.node_names = {"/conv2/Conv"};
  options.op_types = {"Relu"};
  EXPECT_TRUE(JsonOf("models/srcnn_x3.onnx", options)["graph"]["nodes"].empty());
}

TEST(DumpFilters, KeepsNodesWhoseSubgraphsHoldMatchesAsContext) {
  DumpOptions options;
  options.op_types = {"Add"};
  Json doc = JsonOf("valid-edge/if_outer_scope.onnx", options);
  const Json& if_node = doc["graph"]["nodes"][0];
  EXPECT_EQ(if_node["op_type"], "If");
  EXPECT_EQ(if_node["context"], true);
  for (const Json& a : if_node["attributes"]) {
    const Json& nodes = a["value"]["nodes"];
    if (a["name"] == "then_branch") {
      ASSERT_EQ(nodes.size(), 1u);
      EXPECT_EQ(nodes[0]["op_type"], "Add");
    } else {
      EXPECT_TRUE(nodes.empty());
    }
  }
}

TEST(DumpFilters, ApplyToFunctionBodies) {
  DumpOptions options;
  options.op_types = {"Relu"};
  Json doc = JsonOf("valid-edge/function_local.onnx", options);
  EXPECT_TRUE(doc["graph"]["nodes"].empty());
  ASSERT_EQ(doc["functions"].size(), 1u);
  ASSERT_EQ(doc["functions"][0]["nodes"].size(), 1u);
  EXPECT_EQ(doc["functions"][0]["nodes"][0]["name"], "fn_relu");
}

TEST(DumpFilters, CliTakesRepeatedFlags) {
  CliResult r = RunCli({"dump", "--op", "Relu", "--op", "Resize", Corpus("models/srcnn_x3.onnx")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("filter  --op Relu --op Resize"));
  EXPECT_THAT(r.out, HasSubstr("nodes (3 of 8 shown)"));
}

// --- Initializers -------------------------------------------------------------------------

TEST(DumpInitializers, SummaryShowsTypeSizeStatsAndAPreview) {
  std::string text = Text("models/srcnn_x3.onnx");
  EXPECT_THAT(text, HasSubstr("initializers (6 · 78.5 KiB)"));
  EXPECT_THAT(text, HasSubstr("conv1.weight  float32[64,3,9,9]   60.8 KiB  min -0.06414 max "
                              "0.06414 mean 0.0001602  [-0.0004803, 0.03441, -0.0528, "));
  EXPECT_THAT(text, HasSubstr(", …]"));
}

TEST(DumpInitializers, NoneListsNothingButCounts) {
  DumpOptions options;
  options.initializers = DumpOptions::Initializers::kNone;
  std::string text = Text("models/srcnn_x3.onnx", options);
  EXPECT_THAT(text, HasSubstr("initializers (6 · 78.5 KiB, not listed)"));
  EXPECT_THAT(text, Not(HasSubstr("mean")));
  Json doc = JsonOf("models/srcnn_x3.onnx", options);
  EXPECT_FALSE(doc["graph"].contains("initializers"));
  EXPECT_EQ(doc["graph"]["initializer_count"], 6);
}

TEST(DumpInitializers, FullListsEveryValueWithStatistics) {
  DumpOptions options;
  options.initializers = DumpOptions::Initializers::kFull;
  options.stats_limit = 0;  // full ignores the limits
  Json doc = JsonOf("models/srcnn_x3.onnx", options);
  const Json& weight = doc["graph"]["initializers"][0];
  EXPECT_EQ(weight["name"], "conv1.weight");
  EXPECT_EQ(weight["values"].size(), 64u * 3 * 9 * 9);
  EXPECT_TRUE(weight.contains("stats"));
  std::string text = Text("models/srcnn_x3.onnx", options);
  EXPECT_GT(Count(text, "\n"), 100u);  // the values wrap over many lines
}

TEST(DumpInitializers, StatisticsCountNonFiniteValuesApart) {
  Json doc = JsonOf("valid-edge/tensors_raw_data.onnx");
  const Json& t = doc["graph"]["initializers"][0];
  ASSERT_EQ(t["name"], "t_float");
  EXPECT_EQ(t["values"], Json::parse(R"([1.5, -0.0, "nan", "inf", "-inf", 1e-45])"));
  EXPECT_EQ(t["stats"]["max"], 1.5);
  EXPECT_EQ(t["stats"]["nan"], 1);
  EXPECT_EQ(t["stats"]["inf"], 2);
}

TEST(DumpInitializers, IntegerExtremesStayExact) {
  Json doc = JsonOf("valid-edge/tensors_raw_data.onnx");
  for (const Json& t : doc["graph"]["initializers"]) {
    if (t["name"] == "t_uint64") {
      EXPECT_EQ(t["stats"]["max"].get<uint64_t>(), UINT64_MAX);
    }
    if (t["name"] == "t_int64") {
      EXPECT_EQ(t["stats"]["min"].get<int64_t>(), INT64_MIN);
    }
  }
}

TEST(DumpInitializers, ShowsWhereExternalDataLives) {
  std::string text = Text("valid-edge/external_data/model.onnx");
  EXPECT_THAT(text, HasSubstr("external weights.bin @ 128"));
}

TEST(DumpInitializers, SkipsStatisticsAboveTheLimitAndSaysWhereTheDataIs) {
  auto model = Load((WeightsDir() / "vit_b_16.onnx").string());
  ASSERT_TRUE(model);
  DumpOptions options;
  options.stats_limit = 1 << 20;
  options.stats_budget = 256 << 10;
  Json doc = Json::parse(DumpJson(*model, options));
  uint64_t read_for_stats = 0;
  size_t skipped = 0;
  for (const Json& t : doc["graph"]["initializers"]) {
    const uint64_t bytes = t["bytes"];
    if (t.contains("stats")) read_for_stats += bytes;
    if (bytes > options.stats_limit) {
      EXPECT_FALSE(t.contains("stats")) << t["name"];
      EXPECT_EQ(t["stats_skipped"], "larger than 1.0 MiB") << t["name"];
      EXPECT_EQ(t["external"]["location"], "vit_b_16.onnx.data") << t["name"];
      ++skipped;
    }
  }
  EXPECT_GT(skipped, 40u);
  EXPECT_LE(read_for_stats, options.stats_budget);
  std::string text = DumpText(*model, options);
  EXPECT_THAT(text, HasSubstr("external vit_b_16.onnx.data @ "));
  EXPECT_THAT(text, HasSubstr("stats skipped (larger than 1.0 MiB)"));
  EXPECT_THAT(text, HasSubstr("stats skipped (256.0 KiB read for statistics already)"));
}

TEST(DumpInitializers, DumpingAModelWithLargeExternalWeightsReadsLittleOfThem) {
  // 330 MiB of external weights; the dump reads some of them for statistics but must not
  // hold them. This test runs in a process of its own (one per test under ctest), so the
  // children's peak is the dump's.
  const std::string model = (WeightsDir() / "vit_b_16.onnx").string();
  CliResult r = RunCli({"dump", model});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("read for statistics already"));
  // AddressSanitizer's quarantine keeps freed blocks (256 MiB by default), so the buffers the
  // statistics read and freed count as resident: the bound holds for the real build only.
  if (testing::kUnderAddressSanitizer) {
    GTEST_SKIP() << "peak memory is not measured under AddressSanitizer";
  }
  struct rusage usage {};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &usage), 0);
  EXPECT_LT(usage.ru_maxrss, 128 * 1024) << "peak RSS in KiB";
}

TEST(DumpInitializers, ListsSparseInitializers) {
  EXPECT_THAT(Text("valid-edge/sparse_initializer.onnx"),
              HasSubstr("S  sparse float32[3,4] nnz 3 values [1.5,-2,3.25] indices [1,6,11]"));
}

// --- Whole-model sections -----------------------------------------------------------------

TEST(DumpModel, ShowsPropertiesMetadataAndDocStrings) {
  std::string text = Text("valid-edge/metadata.onnx");
  EXPECT_THAT(text, HasSubstr("model  ir 8 · producer onnxkit-corpus 1.2.3-edge · domain "
                              "org.example.corpus · model_version 42 · opsets ai.onnx 17"));
  EXPECT_THAT(text, HasSubstr("metadata (4)"));
  EXPECT_THAT(text, HasSubstr("empty_value      \"\""));
  EXPECT_THAT(text, HasSubstr("doc \"node doc: LeakyRelu with alpha 0.1\""));
}

TEST(DumpModel, ShowsTrainingGraphs) {
  std::string text = Text("valid-edge/training_info.onnx");
  EXPECT_THAT(text, HasSubstr("training_info (1)"));
  EXPECT_THAT(text, HasSubstr("bindings  W <- W_init, B <- B_init"));
  EXPECT_THAT(text, HasSubstr("bindings  W <- W_new"));
}

TEST(DumpModel, IsDeterministic) {
  auto model = Load(Corpus("models/funcs_nested.onnx"));
  ASSERT_TRUE(model);
  EXPECT_EQ(DumpText(*model), DumpText(*model));
  EXPECT_EQ(DumpJson(*model), DumpJson(*model));
}

// --- JSON ---------------------------------------------------------------------------------

TEST(DumpJson, HasTheDocumentedKeysInOrder) {
  Json doc = JsonOf("models/srcnn_x3.onnx");
  std::vector<std::string> keys;
  for (const auto& [key, value] : doc.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"model", "opset_import", "options", "graph",
                                            "functions", "training_info"}));
  const Json& graph = doc["graph"];
  for (const char* key : {"name", "inputs", "outputs", "value_info_count", "node_count", "nodes",
                          "initializer_count", "initializer_bytes", "initializers"}) {
    EXPECT_TRUE(graph.contains(key)) << key;
  }
  const Json& resize = graph["nodes"][2];
  EXPECT_EQ(resize["op_type"], "Resize");
  EXPECT_EQ(resize["resolution"]["since_version"], 11);
  EXPECT_EQ(resize["inputs"][2]["label"], "scales");
  EXPECT_EQ(resize["inputs"][2]["constant"]["values"], Json::parse("[1,1,3,3]"));
  EXPECT_EQ(graph["initializers"][0]["dims"], Json::parse("[64,3,9,9]"));
}

TEST(DumpJson, KeepsSubgraphsNestedUnderTheirAttribute) {
  Json doc = JsonOf("valid-edge/if_outer_scope.onnx");
  const Json& then_branch = doc["graph"]["nodes"][0]["attributes"][1];
  EXPECT_EQ(then_branch["name"], "then_branch");
  EXPECT_EQ(then_branch["value"]["nodes"][0]["op_type"], "Add");
  EXPECT_EQ(then_branch["value"]["nodes"][0]["inputs"][1]["constant"]["source"], "initializer");
}

TEST(DumpJson, ParsesForModelsWithNonUtf8Strings) {
  // Attribute strings are bytes; the JSON must still be valid.
  CliResult r = RunCli({"dump", "--format=json", Corpus("valid-edge/attributes_all_types.onnx")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NO_THROW(Json::parse(r.out));
}

// --- CLI ----------------------------------------------------------------------------------

TEST(DumpCli, ReadsStandardInput) {
  const std::string path = Corpus("models/srcnn_x3.onnx");
  CliResult from_file = RunCli({"dump", path});
  CliResult from_stdin = RunCli({"dump", "-"}, ReadFile(path));
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_EQ(from_stdin.out, from_file.out);
}

TEST(DumpCli, MissingFileIsAnIoErrorNamingTheFile) {
  CliResult r = RunCli({"dump", "/nonexistent/model.onnx"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/model.onnx"));
  EXPECT_TRUE(r.out.empty());
}

TEST(DumpCli, InvalidModelIsAModelProblemNamingTheFile) {
  const std::string path = Corpus("invalid/fmt_random_bytes.onnx");
  CliResult r = RunCli({"dump", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(path));
}

TEST(DumpCli, BadFlagsAreUsageErrors) {
  const std::string path = Corpus("models/srcnn_x3.onnx");
  EXPECT_EQ(RunCli({"dump", "--format=xml", path}).exit_code, 2);
  EXPECT_EQ(RunCli({"dump", "--initializers=some", path}).exit_code, 2);
  EXPECT_EQ(RunCli({"dump", "--depth", "-3", path}).exit_code, 2);
  EXPECT_EQ(RunCli({"dump"}).exit_code, 2);
}

TEST(DumpCli, StatsLimitTakesASize) {
  CliResult r = RunCli({"dump", "--stats-limit", "1KiB", Corpus("models/srcnn_x3.onnx")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("stats skipped (larger than 1.0 KiB)"));
}

// Exports declare no intermediate types; --infer shows what inference finds, without
// changing the file.
TEST(DumpCli, InferShowsTheTypesOfIntermediateValues) {
  const std::string model = Corpus("models/ffdnet_s2d_slices.onnx");
  CliResult plain = RunCli({"dump", "--op", "ScatterND", model});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_THAT(plain.out, HasSubstr("-> output=/ScatterND_output_0\n"));
  CliResult inferred = RunCli({"dump", "--infer", "--op", "ScatterND", model});
  ASSERT_EQ(inferred.exit_code, 0) << inferred.err;
  EXPECT_THAT(inferred.out, HasSubstr("-> output=/ScatterND_output_0 float32[1,12,50,50]\n"));
  EXPECT_EQ(inferred.err, "");
}

// What inference finds wrong goes to stderr as check reports it; the dump still comes.
TEST(DumpCli, InferReportsWhatItFindsWrongAndStillDumps) {
  auto text = ModelFromText(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[2,3] a, float[4,5] b) => (float c) {
      c = Add(a, b)
    })");
  TempDir dir;
  const std::string path = (dir / "bad.onnx").string();
  WriteFile(path, text);
  CliResult r = RunCli({"dump", "--infer", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Add"));
  EXPECT_THAT(r.err, HasSubstr("bad.onnx"));
  EXPECT_THAT(r.err, HasSubstr("inference found 1 problem(s)"));
}

}  // namespace
}  // namespace onnxkit::testing
