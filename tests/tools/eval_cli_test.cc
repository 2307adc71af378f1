// onnxkit eval: inputs from tensor files and command-line values, outputs printed or
// written as tensor files, and the exit codes of its refusals (1: the model cannot be
// evaluated; 2: usage and I/O).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "onnxkit/io.h"
#include "onnxkit/tensor.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using testing::CliResult;
using ::testing::HasSubstr;
using testing::RunCli;
using testing::TempDir;

// Writes the model of ONNX text `text` into `dir` and returns its path.
std::string WriteModel(const TempDir& dir, const char* text, const std::string& name = "m.onnx") {
  const std::string path = (dir / name).string();
  testing::WriteFile(path, testing::ModelFromText(text));
  return path;
}

constexpr char kAddModel[] = R"(
  <ir_version: 8, opset_import: ["" : 13]>
  g (float[2,2] x, float[2,2] y) => (float[2,2] z) {
    z = Add(x, y)
  })";

TEST(EvalCli, PrintsEachOutputsTypeDimsValuesAndStatistics) {
  TempDir dir;
  CliResult r = RunCli({"eval", WriteModel(dir, kAddModel), "--input", "x=[1,2,3,4]", "--input",
                        "y=[[10,20],[30,40]]"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "z: float32[2,2] [11,22,33,44]  min 11 max 44 mean 27.5\n");
}

TEST(EvalCli, ValuesArgumentLimitsThePrintedValues) {
  TempDir dir;
  CliResult r = RunCli({"eval", WriteModel(dir, kAddModel), "-i", "x=[1,2,3,4]", "-i",
                        "y=[1,1,1,1]", "--values", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "z: float32[2,2] [2,3,…]  min 2 max 5 mean 3.5\n");
}

TEST(EvalCli, JsonFormatIsDumpsTensorObject) {
  TempDir dir;
  CliResult r = RunCli({"eval", WriteModel(dir, kAddModel), "-i", "x=[1,2,3,4]", "-i",
                        "y=[0,0,0,0.5]", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"outputs\": [\n    {\n      \"name\": \"z\",\n"
                               "      \"dtype\": \"float32\",\n"));
  EXPECT_THAT(r.out, HasSubstr("\"values\": [\n        1.0,\n        2.0,\n        3.0,\n"
                               "        4.5\n      ]"));
}

TEST(EvalCli, ValuesTakeTheDeclaredElementTypeAndStaticDimsElseTheirOwn) {
  TempDir dir;
  const std::string model = WriteModel(dir, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int64[2,2] a, int64[N] b, int64 s) => (int64[2,2] p, int64[N] q) {
      p = Mul(a, s)
      q = Sub(b, s)
    })");
  CliResult r = RunCli({"eval", model, "-i", "a=[1,2,3,4]", "-i", "b=[5,6,7]", "-i", "s=-2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "p: int64[2,2] [-2,-4,-6,-8]  min -8 max -2 mean -5\n"
            "q: int64[3] [7,8,9]  min 7 max 9 mean 8\n");

  CliResult fraction = RunCli({"eval", model, "-i", "a=[1,2,3,4.5]", "-i", "b=[1]", "-i", "s=1"});
  EXPECT_EQ(fraction.exit_code, 2);
  EXPECT_THAT(fraction.err, HasSubstr("--input a: 4.5 is not a value of type int64"));

  CliResult shape = RunCli({"eval", model, "-i", "a=[1,2,3]", "-i", "b=[1]", "-i", "s=1"});
  EXPECT_EQ(shape.exit_code, 2);
  EXPECT_THAT(shape.err, HasSubstr("--input a: its dims are [3] but the model declares "
                                   "int64[2,2]"));

  CliResult ragged = RunCli({"eval", model, "-i", "a=[[1,2],[3]]", "-i", "b=[1]", "-i", "s=1"});
  EXPECT_EQ(ragged.exit_code, 2);
  EXPECT_THAT(ragged.err, HasSubstr("not all of the same length"));
}

TEST(EvalCli, ReadsPbAndNpyInputsAndWritesOutputsToAFolder) {
  ONNXKIT_SKIP_WITH_OLD_TEXT_PARSER("quoted value names");
  TempDir dir;
  const std::string model = WriteModel(dir, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[3] x, float[3] y) => (float[3] "block/out:0") {
      "block/out:0" = Div(x, y)
    })");
  ASSERT_TRUE(
      SaveTensorFile(*Tensor::FromValues<float>({3}, {1.f, 2.f, 3.f}), (dir / "x.pb").string())
          .ok());
  ASSERT_TRUE(
      SaveTensorFile(*Tensor::FromValues<float>({3}, {2.f, 4.f, 8.f}), (dir / "y.npy").string())
          .ok());
  for (const char* format : {"pb", "npy"}) {
    const std::string out = (dir / format).string();
    std::vector<std::string> args = {"eval",         model,
                                     "-i",           "x=" + (dir / "x.pb").string(),
                                     "-i",           "y=" + (dir / "y.npy").string(),
                                     "--output-dir", out};
    if (std::string(format) == "npy") args.push_back("--npy");
    CliResult r = RunCli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    const std::string file = out + "/block_out_0." + format;
    EXPECT_THAT(r.err, HasSubstr(file + ": float32[3]"));
    auto z = LoadTensorFile(file);
    ASSERT_TRUE(z.ok()) << z.status();
    EXPECT_EQ(View<float>(*z)->ToVector(), (std::vector<float>{0.5f, 0.5f, 0.375f}));
  }
}

TEST(EvalCli, UsageErrorsExitTwoAndNameTheInput) {
  TempDir dir;
  const std::string model = WriteModel(dir, kAddModel);
  CliResult missing = RunCli({"eval", model, "-i", "x=[1,2,3,4]"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("no --input for the model's input 'y' (float32[2,2])"));

  CliResult unknown = RunCli({"eval", model, "-i", "w=1"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("the model has no input 'w' (inputs: x, y)"));

  CliResult bad_file =
      RunCli({"eval", model, "-i", "x=" + (dir / "nothere.npy").string(), "-i", "y=[1,2,3,4]"});
  EXPECT_EQ(bad_file.exit_code, 2);
  EXPECT_THAT(bad_file.err, HasSubstr("--input x: " + (dir / "nothere.npy").string()));

  testing::WriteFile(dir / "junk.npy", "\x93NUMPY\x01");
  CliResult junk =
      RunCli({"eval", model, "-i", "x=" + (dir / "junk.npy").string(), "-i", "y=[1,2,3,4]"});
  EXPECT_EQ(junk.exit_code, 2);
  EXPECT_THAT(junk.err, HasSubstr((dir / "junk.npy").string() + ": byte 7: the file ends inside"));

  ASSERT_TRUE(
      SaveTensorFile(*Tensor::FromValues<double>({2, 2}, {1, 2, 3, 4}), (dir / "d.npy").string())
          .ok());
  CliResult type =
      RunCli({"eval", model, "-i", "x=" + (dir / "d.npy").string(), "-i", "y=[1,2,3,4]"});
  EXPECT_EQ(type.exit_code, 2);
  EXPECT_THAT(type.err, HasSubstr("--input x: it holds float64 but the model declares "
                                  "float32[2,2]"));

  CliResult twice = RunCli({"eval", model, "-i", "x=[1,2,3,4]", "-i", "x=[1,2,3,4]"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_THAT(twice.err, HasSubstr("--input x: given twice"));

  CliResult not_a_value = RunCli({"eval", model, "-i", "x=[1,2", "-i", "y=[1,2,3,4]"});
  EXPECT_EQ(not_a_value.exit_code, 2);
  EXPECT_THAT(not_a_value.err, HasSubstr("is neither a tensor file"));
}

TEST(EvalCli, NodesTheEvaluatorRefusesAreListedWithTheirReasonAndExitOne) {
  TempDir dir;
  const std::string model = WriteModel(dir, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[2] x) => (float[2] y) {
      t = Add(x, x)
      y = MadeUpOp <alpha = 1.0> (t)
    })");
  CliResult r = RunCli({"eval", model, "-i", "x=[1,2]"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("node MadeUpOp: op MadeUpOp is not evaluated"));
  EXPECT_THAT(r.err, HasSubstr("1 node(s) the evaluator does not run"));
}

TEST(EvalCli, ValuesThatBreakTheSpecExitOneNamingTheNode) {
  TempDir dir;
  const std::string model = WriteModel(dir, R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (int32[2] x, int32[2] y) => (int32[2] z) {
      z = Div(x, y)
    })");
  CliResult r = RunCli({"eval", model, "-i", "x=[1,2]", "-i", "y=[1,0]"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Div"));
  EXPECT_THAT(r.err, HasSubstr("division by zero"));
  EXPECT_EQ(r.out, "");
}

TEST(EvalCli, OpsListsTheEvaluatedOps) {
  CliResult r = RunCli({"eval", "--ops"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Add (from opset 7)\n"));
  CliResult none = RunCli({"eval"});
  EXPECT_EQ(none.exit_code, 2);
}

}  // namespace
}  // namespace onnxkit
