// onnxkit extract: the CLI conventions (files, '-' both ways, --in-place, exit codes, nothing
// written on an error), a pipe of three commands, and a model with more than 2 GiB of
// external weights (a sparse file) cut down to a small part without reading the rest.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::CorpusDir;
using ::onnxkit::testing::ReadFile;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const fs::path kSqueezenet = CorpusDir() / "models/squeezenet1_1.onnx";
constexpr char kPool[] = "/features/features.2/MaxPool_output_0";
constexpr char kConv[] = "/features/features.0/Conv_output_0";

constexpr char kChain[] = R"(
  <ir_version: 8, opset_import: ["" : 17, "vendor" : 1]>
  g (float[2,3] X, float[2,3] Z) => (float[2,3] Y, float[2,3] V) <float[3] B = {1.0, 2.0, 3.0}> {
    a = Add(X, B)
    r = Relu(a)
    n = Neg(r)
    Y = Mul(n, Z)
    u = vendor.Mystery(X)
    V = Neg(u)
  })";

std::unique_ptr<Model> LoadOrFail(const std::string& path_or_bytes, bool bytes = false) {
  auto m = bytes ? LoadBytes(path_or_bytes) : LoadFile(path_or_bytes);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? std::move(*m) : nullptr;
}

std::vector<std::string> Names(const std::vector<Value*>& values) {
  std::vector<std::string> out;
  for (const Value* v : values) out.push_back(v->name());
  return out;
}

std::string CheckErrors(const Model& model) {
  std::string out;
  for (const Diagnostic& d : Check(model).items) {
    if (d.severity == Severity::kError) out += FormatDiagnostic(d, "model", false) + "\n";
  }
  return out;
}

TEST(ExtractCli, FileToFile) {
  TempDir dir;
  WriteFile(dir / "in.onnx", testing::ModelFromText(kChain));
  auto r = RunCli({"extract", (dir / "in.onnx").string(), "-o", (dir / "out.onnx").string(),
                   "--inputs", "a,Z", "--outputs", "Y"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("onnxkit extract: 3 node(s), 1 initializer(s), 0 function(s) "
                               "removed; typed by inference: a"));
  auto model = LoadOrFail((dir / "out.onnx").string());
  ASSERT_TRUE(model);
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("a", "Z"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("Y"));
  EXPECT_EQ(model->graph->node_count(), 3u);
  EXPECT_EQ(CheckErrors(*model), "");
}

TEST(ExtractCli, RepeatedFlagsAddToTheLists) {
  TempDir dir;
  auto r = RunCli({"extract", "-", "-o", "-", "--inputs", "a", "--inputs", "Z", "--outputs", "Y",
                   "--outputs", "n"},
                  testing::ModelFromText(kChain));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // quiet when writing to stdout
  auto model = LoadOrFail(r.out, /*bytes=*/true);
  ASSERT_TRUE(model);
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("a", "Z"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("Y", "n"));
}

TEST(ExtractCli, ErrorsNameTheFileAndTheTensorAndWriteNothing) {
  TempDir dir;
  const fs::path in = dir / "in.onnx";
  const fs::path out = dir / "out.onnx";
  WriteFile(in, testing::ModelFromText(kChain));
  struct Case {
    std::vector<std::string> flags;
    int exit_code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--inputs", "X,Z", "--outputs", "relu"},
       2,
       "in.onnx: output 'relu': the main graph has no tensor of that name"},
      {{"--inputs", "r", "--outputs", "Y"},
       2,
       "output 'Y' cannot be computed from the given inputs ('r'): it needs graph input 'Z'"},
      {{"--inputs", "X,B", "--outputs", "Y"}, 2, "input 'B' is an initializer"},
      // A problem of the model: nothing says what `u` is.
      {{"--inputs", "u", "--outputs", "V"},
       1,
       "input 'u' would become a graph input without a type"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"extract", in.string(), "-o", out.string()};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message));
    EXPECT_THAT(r.err, HasSubstr("onnxkit extract: nothing written"));
    EXPECT_FALSE(fs::exists(out));
  }
  auto r = RunCli({"extract", in.string(), "-o", out.string(), "--inputs", "X"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--outputs"));
}

TEST(ExtractCli, TheInputIsReplacedOnlyWithInPlace) {
  TempDir dir;
  const fs::path in = dir / "in.onnx";
  const std::string original = testing::ModelFromText(kChain);
  WriteFile(in, original);
  auto r = RunCli({"extract", in.string(), "--inputs", "X", "--outputs", "a"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--output is required (or --in-place"));
  r = RunCli({"extract", in.string(), "-o", in.string(), "--inputs", "X", "--outputs", "a"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(ReadFile(in) == original);
  r = RunCli({"extract", "-", "--in-place", "--inputs", "X", "--outputs", "a"}, original);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--in-place needs a model file, not '-'"));
  r = RunCli({"extract", in.string(), "--in-place", "--inputs", "X", "--outputs", "a"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto model = LoadOrFail(in.string());
  ASSERT_TRUE(model);
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre("a"));
}

// --- Pipes ----------------------------------------------------------------------------------

struct PipelineResult {
  std::vector<int> exit_codes;
  std::string out;
  std::string err;  // every command's stderr, in order
};

// Runs the onnxkit commands connected by pipes, as `sh -c 'a < stdin_file | b | c'` would,
// each in its own process; the last one's stdout is captured.
PipelineResult RunPipeline(const std::vector<std::vector<std::string>>& commands,
                           const fs::path& stdin_file, const TempDir& dir) {
  PipelineResult result;
  int in = open(stdin_file.c_str(), O_RDONLY);
  EXPECT_GE(in, 0);
  std::vector<pid_t> pids;
  for (size_t i = 0; i < commands.size(); ++i) {
    int p[2];
    EXPECT_EQ(pipe(p), 0);
    const std::string err_file = (dir / ("stderr" + std::to_string(i))).string();
    pid_t pid = fork();
    if (pid == 0) {
      int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (dup2(in, 0) < 0 || dup2(p[1], 1) < 0 || dup2(err, 2) < 0) _exit(127);
      close(in);
      close(p[0]);
      close(p[1]);
      close(err);
      testing::ExecCli(commands[i]);
    }
    pids.push_back(pid);
    close(in);
    close(p[1]);
    in = p[0];
  }
  char buf[65536];
  for (ssize_t n; (n = read(in, buf, sizeof buf)) > 0;) result.out.append(buf, n);
  close(in);
  for (size_t i = 0; i < pids.size(); ++i) {
    int status = 0;
    waitpid(pids[i], &status, 0);
    result.exit_codes.push_back(testing::ShellExitCode(status));
    result.err += ReadFile(dir / ("stderr" + std::to_string(i)));
  }
  return result;
}

TEST(SurgeryPipes, ExtractThenAddOutputThenCheck) {
  TempDir dir;
  PipelineResult r =
      RunPipeline({{"extract", "-", "-o", "-", "--inputs", "input", "--outputs", kPool},
                   {"add-output", "-", "-o", "-", kConv},
                   {"check", "-"}},
                  kSqueezenet, dir);
  EXPECT_THAT(r.exit_codes, ElementsAre(0, 0, 0)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("1 file checked: 0 errors, 0 warnings"));

  // The same two edits, written to a file instead of checked, are the expected model.
  r = RunPipeline({{"extract", "-", "-o", "-", "--inputs", "input", "--outputs", kPool},
                   {"add-output", "-", "-o", "-", kConv},
                   {"remove-output", "-", "-o", "-", kPool, "--prune"}},
                  kSqueezenet, dir);
  ASSERT_THAT(r.exit_codes, ElementsAre(0, 0, 0)) << r.err;
  auto model = LoadOrFail(r.out, /*bytes=*/true);
  ASSERT_TRUE(model);
  EXPECT_THAT(Names(model->graph->inputs()), ElementsAre("input"));
  EXPECT_THAT(Names(model->graph->outputs()), ElementsAre(kConv));
  // The Conv alone is left, with its weight and bias.
  ASSERT_EQ(model->graph->node_count(), 1u);
  EXPECT_EQ(model->graph->first_node()->op_type, "Conv");
  EXPECT_EQ(model->graph->initializers().size(), 2u);
  EXPECT_EQ(CheckErrors(*model), "");
}

TEST(SurgeryPipes, AFailureUpstreamFailsTheNextCommandCleanly) {
  TempDir dir;
  PipelineResult r =
      RunPipeline({{"extract", "-", "-o", "-", "--inputs", "input", "--outputs", "no_such_tensor"},
                   {"add-output", "-", "-o", "-", kConv}},
                  kSqueezenet, dir);
  EXPECT_THAT(r.exit_codes, ElementsAre(2, 1));
  EXPECT_THAT(r.err, HasSubstr("output 'no_such_tensor'"));
  EXPECT_THAT(r.err, HasSubstr("<stdin>: the file is empty"));
  EXPECT_EQ(r.out, "");
}

// --- Past 2 GiB -------------------------------------------------------------------------------

constexpr uint64_t kBigCount = 600'000'000;  // float32: 2.4 GB
constexpr uint64_t kBigBytes = kBigCount * 4;
constexpr uint64_t kSmallOffset = kBigBytes + 4096;  // past 2^31: a 64-bit offset
static_assert(kSmallOffset > (uint64_t{1} << 31));
const std::vector<float> kSmall = {1.5f, -2.0f, 3.25f, 4.0f};

Tensor ExternalTensor(std::string name, std::vector<int64_t> dims, uint64_t offset,
                      uint64_t length) {
  Tensor t;
  t.name = std::move(name);
  t.data_type = static_cast<int32_t>(DataType::kFloat);
  t.dims = std::move(dims);
  t.data_location = 1;
  t.external_data = {{"location", "weights.bin"},
                     {"offset", std::to_string(offset)},
                     {"length", std::to_string(length)}};
  return t;
}

// dir/weights.bin, sparse (no disk but 16 bytes), and dir/model.onnx:
//   a = Add(X, small); Y = Relu(a); Z = Mul(W, big), with big float32[600000000] at offset 0
//   and small float32[4] past 2 GiB in the same file.
void WriteHugeModel(const fs::path& dir) {
  int fd = open((dir / "weights.bin").c_str(), O_CREAT | O_RDWR | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(kSmallOffset + 16)), 0);
  ASSERT_EQ(pwrite(fd, kSmall.data(), 16, static_cast<off_t>(kSmallOffset)), 16);
  close(fd);

  Model model;
  model.ir_version = 8;
  model.opset_import.push_back({"", 17, {}});
  model.graph = std::make_unique<Graph>();
  Graph& g = *model.graph;
  ValueInfo small_input;
  small_input.has_type = true;
  small_input.type = Type::Tensor(DataType::kFloat, {Dim::Value(4)});
  ValueInfo big_input;
  big_input.has_type = true;
  big_input.type = Type::Tensor(DataType::kFloat, {Dim::Value(int64_t{kBigCount})});
  Value* x = g.AddInput("X", small_input);
  Value* w = g.AddInput("W", big_input);
  Value* small = g.AddInitializer(ExternalTensor("small", {4}, kSmallOffset, 16));
  Value* big = g.AddInitializer(ExternalTensor("big", {int64_t{kBigCount}}, 0, kBigBytes));
  Value* a = g.AppendNode("Add", {x, small}, {"a"})->output(0);
  Value* y = g.AppendNode("Relu", {a}, {"Y"})->output(0);
  Value* z = g.AppendNode("Mul", {w, big}, {"Z"})->output(0);
  y->mutable_info() = small_input;
  z->mutable_info() = big_input;
  g.AddOutput(y);
  g.AddOutput(z);
  Status saved = SaveFile(model, (dir / "model.onnx").string());
  ASSERT_TRUE(saved.ok()) << saved;
}

TEST(ExtractCli, CutsAModelOver2GiBWithoutReadingTheWeightsItDrops) {
  TempDir dir;
  WriteHugeModel(dir.path());
  ASSERT_GT(fs::file_size(dir / "weights.bin"), uint64_t{2} << 30);
  fs::create_directory(dir / "out");
  // `a` has no declared type: inference runs on the whole model first.
  auto r = RunCli({"extract", (dir / "model.onnx").string(), "-o", (dir / "out/cut.onnx").string(),
                   "--inputs", "X", "--outputs", "a"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("2 node(s), 1 initializer(s), 0 function(s) removed; typed by "
                               "inference: a"));

  auto model = LoadOrFail((dir / "out/cut.onnx").string());
  ASSERT_TRUE(model);
  const Graph& g = *model->graph;
  EXPECT_THAT(Names(g.inputs()), ElementsAre("X"));
  EXPECT_THAT(Names(g.outputs()), ElementsAre("a"));
  ASSERT_EQ(g.initializers().size(), 1u);
  // The kept weight went to a new side file beside the output (its old file is not reachable
  // from there), read from past 2 GiB.
  const Tensor& small = *g.initializers()[0]->initializer();
  auto data = small.Data();
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->size(), 16u);
  EXPECT_EQ(std::memcmp(data->data(), kSmall.data(), 16), 0);
  EXPECT_LT(fs::file_size(dir / "out/cut.onnx") + fs::file_size(dir / "out/cut.onnx.data"),
            uint64_t{1} << 20);
  EXPECT_EQ(CheckErrors(*model), "");

  // Reading the 2.4 GB weight would have made the child's resident set that large. (Each
  // test runs in a process of its own under ctest, so the children's peak is this one's.)
  if (testing::kUnderAddressSanitizer) {
    GTEST_SKIP() << "peak memory is not measured under AddressSanitizer";
  }
  struct rusage usage {};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &usage), 0);
  EXPECT_LT(usage.ru_maxrss, 128 * 1024) << "peak RSS in KiB";
  std::cout << "peak RSS of the extract: " << usage.ru_maxrss << " KiB\n";
}

TEST(ExtractCli, AModelOver2GiBCutThroughAPipeCarriesItsKeptWeightsInline) {
  TempDir dir;
  WriteHugeModel(dir.path());
  // A stream has no folder for a side file: the kept weight travels inline.
  auto r = RunCli(
      {"extract", (dir / "model.onnx").string(), "-o", "-", "--inputs", "X", "--outputs", "Y"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(r.out.size(), size_t{1} << 20);
  auto model = LoadOrFail(r.out, /*bytes=*/true);
  ASSERT_TRUE(model);
  ASSERT_EQ(model->graph->initializers().size(), 1u);
  EXPECT_FALSE(model->graph->initializers()[0]->initializer()->is_external());
  EXPECT_EQ(model->graph->node_count(), 2u);
  r = RunCli({"check", "-"}, r.out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace onnxkit
