// The evaluator's proof: ONNX's own backend node tests (ONNX 1.12's in onnx-backend/node,
// ONNX 1.22's in onnx-backend-1.22/node), run through EvaluateModel and EvaluateNode and
// compared with the outputs ONNX ships, as ONNX's backend runner compares them: floating
// types within rtol 1e-3 and atol 1e-7 (NaN equals NaN), everything else exactly.
//
// Only tests the evaluator claims are judged: a test is claimed when every node of its main
// graph has a kernel. A claimed test then
//   - passes: every data set's outputs match, from the graph and (for a single-node graph
//     fed by graph inputs) from EvaluateNode too;
//   - is declined: CanEvaluate refuses a node (a version, an element type) or a kernel
//     returns Unimplemented (an attribute value it does not model) — counted with the reason;
//   - fails the test: a mismatch or any other error, naming the test folder, the output and
//     the first differing element.
//
// The same run renders docs/eval.md (EvalDoc below): regenerate it with
//   ONNXKIT_UPDATE_EVAL_DOC=1 build/tests/backend_node_test --gtest_filter='EvalDoc.*'
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "eval/kernel.h"
#include "onnxkit/eval.h"
#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "onnxkit/tensor.h"
#include "schema/onnx_api.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;

constexpr double kRtol = 1e-3;
constexpr double kAtol = 1e-7;

// ---------------------------------------------------------------------------------------
// Comparing one output with its expected value.

bool IsFloating(int32_t type) {
  switch (static_cast<DataType>(type)) {
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kFloat16:
    case DataType::kBfloat16:
    case DataType::kFloat8E4M3FN:
    case DataType::kFloat8E4M3FNUZ:
    case DataType::kFloat8E5M2:
    case DataType::kFloat8E5M2FNUZ:
    case DataType::kFloat8E8M0:
    case DataType::kFloat4E2M1:
    case DataType::kFloat6E2M3:
    case DataType::kFloat6E3M2: return true;
    default: return false;
  }
}

bool Close(double actual, double expected) {
  if (std::isnan(expected) || std::isnan(actual)) return std::isnan(expected) && std::isnan(actual);
  if (std::isinf(expected) || std::isinf(actual)) return actual == expected;
  return std::abs(actual - expected) <= kAtol + kRtol * std::abs(expected);
}

// The multi-index of flat element `i` of `dims`, for messages: "[1,0,2]".
std::string IndexOf(int64_t i, const std::vector<int64_t>& dims) {
  std::vector<int64_t> index(dims.size());
  for (size_t k = dims.size(); k-- > 0;) {
    if (dims[k] > 0) {
      index[k] = i % dims[k];
      i /= dims[k];
    }
  }
  return DimsToString(index);
}

template <typename T>
std::optional<std::string> FirstDifference(const std::vector<T>& actual,
                                           const std::vector<T>& expected,
                                           const std::vector<int64_t>& dims, bool approximate) {
  for (size_t i = 0; i < expected.size(); ++i) {
    bool same;
    if constexpr (std::is_same_v<T, double>) {
      same = approximate ? Close(actual[i], expected[i]) : actual[i] == expected[i];
    } else {
      same = actual[i] == expected[i];
    }
    if (!same) {
      return fmt::format("element {} {}: got {} but expected {}", i,
                         IndexOf(static_cast<int64_t>(i), dims), actual[i], expected[i]);
    }
  }
  return std::nullopt;
}

// Why `actual` is not `expected`, or nullopt when they match.
std::optional<std::string> Mismatch(const Tensor& actual, const Tensor& expected) {
  if (actual.data_type != expected.data_type) {
    return fmt::format("element type {} but expected {}", DataTypeName(actual.data_type),
                       DataTypeName(expected.data_type));
  }
  if (actual.dims != expected.dims) {
    return fmt::format("dims {} but expected {}", DimsToString(actual.dims),
                       DimsToString(expected.dims));
  }
  const int32_t type = actual.data_type;
  constexpr int64_t kAll = INT64_MAX;
  if (type == static_cast<int32_t>(DataType::kString)) {
    return FirstDifference(actual.string_data, expected.string_data, actual.dims, false);
  }
  if (IsFloating(type)) {
    auto a = ToDoubles(actual, kAll);
    auto e = ToDoubles(expected, kAll);
    if (!a.ok() || !e.ok())
      return fmt::format("unreadable: {}", StatusMessage((a.ok() ? e : a).status()));
    return FirstDifference(*a, *e, actual.dims, true);
  }
  if (type == static_cast<int32_t>(DataType::kUint64)) {
    auto a = View<uint64_t>(actual);
    auto e = View<uint64_t>(expected);
    if (!a.ok() || !e.ok())
      return fmt::format("unreadable: {}", StatusMessage((a.ok() ? e : a).status()));
    return FirstDifference(a->ToVector(), e->ToVector(), actual.dims, false);
  }
  if (type == static_cast<int32_t>(DataType::kComplex64) ||
      type == static_cast<int32_t>(DataType::kComplex128)) {
    auto a = actual.Data();
    auto e = expected.Data();
    if (!a.ok() || !e.ok())
      return fmt::format("unreadable: {}", StatusMessage((a.ok() ? e : a).status()));
    if (a->view() != e->view()) return std::string("complex values differ");
    return std::nullopt;
  }
  auto a = ToInt64s(actual, kAll);
  auto e = ToInt64s(expected, kAll);
  if (!a.ok() || !e.ok())
    return fmt::format("unreadable: {}", StatusMessage((a.ok() ? e : a).status()));
  return FirstDifference(*a, *e, actual.dims, false);
}

TEST(BackendCompare, FloatsWithinToleranceMatchAndNanEqualsNan) {
  const float nan = std::nanf("");
  Tensor expected = *Tensor::FromValues<float>({3}, {1.f, nan, 1000.f});
  EXPECT_EQ(Mismatch(*Tensor::FromValues<float>({3}, {1.0005f, nan, 1000.9f}), expected),
            std::nullopt);
  EXPECT_EQ(Mismatch(*Tensor::FromValues<float>({3}, {1.f, nan, 1001.1f}), expected),
            "element 2 [2]: got 1001.0999755859375 but expected 1000");
  EXPECT_EQ(Mismatch(*Tensor::FromValues<float>({3}, {1.f, 0.f, 1000.f}), expected),
            "element 1 [1]: got 0 but expected nan");
}

TEST(BackendCompare, IntegersExactlyTypeAndDimsFirst) {
  Tensor expected = *Tensor::FromValues<int64_t>({2, 2}, {1, 2, 3, int64_t{1} << 60});
  EXPECT_EQ(
      Mismatch(*Tensor::FromValues<int64_t>({2, 2}, {1, 2, 3, (int64_t{1} << 60) + 1}), expected),
      "element 3 [1,1]: got 1152921504606846977 but expected 1152921504606846976");
  EXPECT_EQ(Mismatch(*Tensor::FromValues<int64_t>({4}, {1, 2, 3, 4}), expected),
            "dims [4] but expected [2,2]");
  EXPECT_EQ(Mismatch(*Tensor::FromValues<int32_t>({2, 2}, {1, 2, 3, 4}), expected),
            "element type int32 but expected int64");
  EXPECT_EQ(Mismatch(*Tensor::FromStrings({1}, {"a"}), *Tensor::FromStrings({1}, {"b"})),
            "element 0 [0]: got a but expected b");
}

// ---------------------------------------------------------------------------------------
// Running one backend test folder.

struct Outcome {
  enum class Kind { kPassed, kDeclined, kFailed, kUnclaimed };
  Kind kind = Kind::kUnclaimed;
  std::string test;    // the test folder's name
  std::string reason;  // declined / failed: why; unclaimed: the ops without a kernel
  std::set<std::string> ops;
  // Element type of input 0 of each node, by op (for the doc's "proved on" column).
  std::map<std::string, std::set<std::string>> types;
};

struct FolderRun {
  std::string label;  // "onnx-backend/node"
  std::vector<Outcome> tests;
  std::set<std::string> ops_present;
};

std::string OpKey(const Node& node) {
  const std::string_view domain = NormalDomain(node.domain);
  return domain.empty() ? node.op_type : fmt::format("{}:{}", domain, node.op_type);
}

std::string OpKey(const EvalOpInfo& op) {
  const std::string_view domain = NormalDomain(op.domain);
  return domain.empty() ? op.op_type : fmt::format("{}:{}", domain, op.op_type);
}

const std::set<std::string>& ClaimedOps() {
  static const std::set<std::string> ops = [] {
    std::set<std::string> s;
    for (const EvalOpInfo& op : EvaluatedOps()) s.insert(OpKey(op));
    return s;
  }();
  return ops;
}

int32_t ElementTypeOf(const Value* v) {
  if (v == nullptr || v->type() == nullptr || v->type()->kind != Type::Kind::kTensor) return 0;
  return v->type()->elem_type;
}

bool IsTensorValue(const Value* v) {
  return v->type() == nullptr || v->type()->kind == Type::Kind::kTensor;
}

// input_0.pb, input_1.pb, … in number order.
std::vector<fs::path> NumberedFiles(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (int i = 0;; ++i) {
    fs::path p = dir / fmt::format("{}_{}.pb", prefix, i);
    if (!fs::exists(p)) break;
    files.push_back(p);
  }
  return files;
}

std::string Label(const Node& node) {
  return node.name.empty() ? node.op_type : fmt::format("{} '{}'", node.op_type, node.name);
}

// EvaluateNode on a single-node graph whose inputs are all fed graph inputs or omitted: the
// node-level entry point must give the graph's outputs. nullopt when it does (or does not
// apply); else the failure.
std::optional<std::string> CheckEvaluateNode(const Model& model,
                                             const std::map<std::string, Tensor>& fed,
                                             const std::vector<Tensor>& expected) {
  const Graph& graph = *model.graph;
  if (graph.node_count() != 1) return std::nullopt;
  const Node& node = **graph.nodes().begin();
  std::vector<const Tensor*> inputs;
  for (const Value* in : node.inputs()) {
    if (in == nullptr || in->name().empty()) {
      inputs.push_back(nullptr);
      continue;
    }
    auto it = fed.find(in->name());
    if (it == fed.end()) return std::nullopt;
    inputs.push_back(&it->second);
  }
  auto outputs = EvaluateNode(node, *model.OpsetVersionOf(node), inputs);
  if (!outputs.ok()) return fmt::format("EvaluateNode: {}", StatusMessage(outputs.status()));
  for (size_t i = 0; i < graph.outputs().size() && i < expected.size(); ++i) {
    for (size_t k = 0; k < node.outputs().size(); ++k) {
      if (node.output(k) != graph.outputs()[i]) continue;
      if (auto diff = Mismatch((*outputs)[k], expected[i])) {
        return fmt::format("EvaluateNode output '{}': {}", graph.outputs()[i]->name(), *diff);
      }
    }
  }
  return std::nullopt;
}

Outcome RunTest(const fs::path& dir) {
  Outcome outcome;
  outcome.test = dir.filename().string();
  auto fail = [&](std::string reason) {
    outcome.kind = Outcome::Kind::kFailed;
    outcome.reason = std::move(reason);
    return outcome;
  };
  auto decline = [&](std::string reason) {
    outcome.kind = Outcome::Kind::kDeclined;
    outcome.reason = std::move(reason);
    return outcome;
  };
  auto model = LoadFile((dir / "model.onnx").string());
  if (!model.ok())
    return fail(fmt::format("model.onnx does not load: {}", StatusMessage(model.status())));
  const Graph& graph = *(*model)->graph;

  std::set<std::string> missing;
  for (const Node* node : graph.nodes()) {
    const std::string key = OpKey(*node);
    outcome.ops.insert(key);
    if (!ClaimedOps().contains(key)) missing.insert(key);
  }
  if (!missing.empty() || graph.node_count() == 0) {
    outcome.kind = Outcome::Kind::kUnclaimed;
    for (const std::string& op : missing)
      outcome.reason += (outcome.reason.empty() ? "" : ", ") + op;
    return outcome;
  }

  for (const Value* v : graph.inputs()) {
    if (!IsTensorValue(v))
      return decline(
          fmt::format("graph input '{}' is not a tensor: {}", v->name(), TypeToString(*v->type())));
  }
  for (const Value* v : graph.outputs()) {
    if (!IsTensorValue(v))
      return decline(fmt::format("graph output '{}' is not a tensor: {}", v->name(),
                                 TypeToString(*v->type())));
  }
  for (const Node* node : graph.nodes()) {
    std::vector<int32_t> types;
    for (const Value* in : node->inputs()) types.push_back(ElementTypeOf(in));
    if (!types.empty() && types[0] != 0) {
      outcome.types[OpKey(*node)].insert(DataTypeName(types[0]));
    }
    const std::optional<int64_t> version = (*model)->OpsetVersionOf(*node);
    if (!version) return fail(fmt::format("node {}: no opset for its domain", Label(*node)));
    EvalSupport support = CanEvaluate(*node, *version, types);
    if (!support.supported) return decline(support.reason);
  }

  // Graph inputs fed by the data sets: those without an initializer, in order.
  std::vector<const Value*> fed_inputs;
  for (const Value* v : graph.inputs()) {
    if (v->initializer() == nullptr) fed_inputs.push_back(v);
  }
  std::vector<fs::path> data_sets;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory() && entry.path().filename().string().starts_with("test_data_set_")) {
      data_sets.push_back(entry.path());
    }
  }
  std::sort(data_sets.begin(), data_sets.end());
  if (data_sets.empty()) return decline("no test data set");

  for (const fs::path& set : data_sets) {
    const std::string where = set.filename().string();
    std::vector<std::pair<std::string, Tensor>> feeds;
    std::map<std::string, Tensor> fed;
    const std::vector<fs::path> inputs = NumberedFiles(set, "input");
    if (inputs.size() > fed_inputs.size()) {
      return fail(fmt::format("{}: {} input files for {} graph inputs", where, inputs.size(),
                              fed_inputs.size()));
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto t = LoadTensorFile(inputs[i].string());
      if (!t.ok()) return fail(std::string(StatusMessage(t.status())));
      // ONNX 1.12's bfloat16 Cast tests store their data as uint16: the data is wrong, not
      // the evaluator, which refuses a feed of another type than the declared one.
      if (const int32_t declared = ElementTypeOf(fed_inputs[i]);
          declared != 0 && declared != t->data_type) {
        return decline(
            fmt::format("the test data disagrees with the model: input '{}' is "
                        "declared {}, its file holds {}",
                        fed_inputs[i]->name(), DataTypeName(declared), DataTypeName(t->data_type)));
      }
      feeds.emplace_back(fed_inputs[i]->name(), *t);
      fed.emplace(fed_inputs[i]->name(), *std::move(t));
    }
    std::vector<Tensor> expected;
    for (const fs::path& file : NumberedFiles(set, "output")) {
      auto t = LoadTensorFile(file.string());
      if (!t.ok()) return fail(std::string(StatusMessage(t.status())));
      const size_t k = expected.size();
      if (k < graph.outputs().size()) {
        const int32_t declared = ElementTypeOf(graph.outputs()[k]);
        if (declared != 0 && declared != t->data_type) {
          return decline(fmt::format(
              "the test data disagrees with the model: output '{}' is "
              "declared {}, its file holds {}",
              graph.outputs()[k]->name(), DataTypeName(declared), DataTypeName(t->data_type)));
        }
      }
      expected.push_back(*std::move(t));
    }
    if (expected.size() != graph.outputs().size()) {
      return fail(fmt::format("{}: {} output files for {} graph outputs", where, expected.size(),
                              graph.outputs().size()));
    }
    auto outputs = EvaluateModel(**model, feeds);
    if (!outputs.ok()) {
      if (outputs.status().code() == absl::StatusCode::kUnimplemented) {
        return decline(std::string(StatusMessage(outputs.status())));
      }
      return fail(fmt::format("{}: {}", where, StatusMessage(outputs.status())));
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      if (auto diff = Mismatch((*outputs)[i], expected[i])) {
        return fail(fmt::format("{}: output '{}': {}", where, graph.outputs()[i]->name(), *diff));
      }
    }
    if (auto diff = CheckEvaluateNode(**model, fed, expected)) {
      return fail(fmt::format("{}: {}", where, *diff));
    }
  }
  outcome.kind = Outcome::Kind::kPassed;
  return outcome;
}

const FolderRun& RunFolder(const std::string& label) {
  static std::map<std::string, FolderRun> runs;
  auto it = runs.find(label);
  if (it != runs.end()) return it->second;
  FolderRun run;
  run.label = label;
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(testing::CorpusDir() / label)) {
    if (entry.is_directory() && fs::exists(entry.path() / "model.onnx")) {
      dirs.push_back(entry.path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& dir : dirs) {
    run.tests.push_back(RunTest(dir));
    run.ops_present.insert(run.tests.back().ops.begin(), run.tests.back().ops.end());
  }
  return runs.emplace(label, std::move(run)).first->second;
}

const char* const kFolders[] = {"onnx-backend/node", "onnx-backend-1.22/node"};

// ---------------------------------------------------------------------------------------
// The tests: one per backend folder.

class BackendNode : public ::testing::TestWithParam<const char*> {};

TEST_P(BackendNode, ClaimedTestsMatchOnnxOutputs) {
  const FolderRun& run = RunFolder(GetParam());
  ASSERT_FALSE(run.tests.empty()) << "no backend tests under " << GetParam();
  std::map<Outcome::Kind, int> counts;
  for (const Outcome& o : run.tests) {
    ++counts[o.kind];
    if (o.kind == Outcome::Kind::kFailed) {
      ADD_FAILURE() << GetParam() << "/" << o.test << ": " << o.reason;
    }
  }
  // A harness that declines everything proves nothing: Add, Sub, Mul and Div (the first
  // kernels) have backend tests in both folders.
  EXPECT_GT(counts[Outcome::Kind::kPassed], 0);
  std::cout << fmt::format(
      "{}: {} tests, {} claimed: {} passed, {} declined, {} failed\n", GetParam(), run.tests.size(),
      run.tests.size() - counts[Outcome::Kind::kUnclaimed], counts[Outcome::Kind::kPassed],
      counts[Outcome::Kind::kDeclined], counts[Outcome::Kind::kFailed]);
  for (const Outcome& o : run.tests) {
    if (o.kind == Outcome::Kind::kDeclined)
      std::cout << "  declined " << o.test << ": " << o.reason << "\n";
  }
}

TEST_P(BackendNode, ArithmeticTestsAreClaimedAndPass) {
  const FolderRun& run = RunFolder(GetParam());
  for (const char* name : {"test_add", "test_sub_bcast", "test_mul_example", "test_div"}) {
    auto it = std::find_if(run.tests.begin(), run.tests.end(),
                           [&](const Outcome& o) { return o.test == name; });
    ASSERT_NE(it, run.tests.end()) << name;
    EXPECT_EQ(it->kind, Outcome::Kind::kPassed) << name << ": " << it->reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, BackendNode, ::testing::ValuesIn(kFolders),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param).find("1.22") != std::string::npos
                                      ? std::string("Onnx122")
                                      : std::string("Onnx112");
                         });

// ---------------------------------------------------------------------------------------
// docs/eval.md.

std::string TypesOfMask(uint64_t mask) {
  if (mask == 0) return "all evaluated types";
  std::string out;
  for (int t = 1; t <= kLastDataType && t < 64; ++t) {
    if ((mask & (uint64_t{1} << t)) != 0) out += (out.empty() ? "" : ", ") + DataTypeName(t);
  }
  return out;
}

struct OpCounts {
  int passed = 0, declined = 0, failed = 0;
  std::map<std::string, std::vector<std::string>> declined_by_reason;
  std::set<std::string> types;
};

std::map<std::string, OpCounts> CountsByOp(const FolderRun& run) {
  std::map<std::string, OpCounts> counts;
  for (const Outcome& o : run.tests) {
    if (o.kind == Outcome::Kind::kUnclaimed) continue;
    for (const std::string& op : o.ops) {
      OpCounts& c = counts[op];
      switch (o.kind) {
        case Outcome::Kind::kPassed:
          ++c.passed;
          if (auto it = o.types.find(op); it != o.types.end()) {
            c.types.insert(it->second.begin(), it->second.end());
          }
          break;
        case Outcome::Kind::kDeclined:
          ++c.declined;
          c.declined_by_reason[o.reason].push_back(o.test);
          break;
        default: ++c.failed; break;
      }
    }
  }
  return counts;
}

std::string Cell(const OpCounts* c) {
  if (c == nullptr) return "–";
  std::string cell = fmt::format("{} / {}", c->passed, c->declined);
  if (c->failed > 0) cell += fmt::format(" (**{} failed**)", c->failed);
  return cell;
}

constexpr char kUserSection[] = R"(## Using the evaluator

The evaluator (`include/onnxkit/eval.h`) runs ONNX nodes and graphs on the CPU exactly as
the op specs say; constant folding and `onnxkit eval` run on it.

```
onnxkit eval model.onnx --input x=input.npy --input n=3 --input shape=[2,3]
onnxkit eval model.onnx --input x=x.pb -o out/          # writes out/<output>.pb
```

From C++: `EvaluateModel(model, {{"x", tensor}})` runs the main graph;
`EvaluateNode(node, opset, inputs)` runs one node; `CanEvaluate(node, opset, input_types)`
says, without data, whether a node would run and why not. An op, an opset whose schema
is newer than the kernel, an element type or an attribute value the evaluator does not
model is refused with an `Unimplemented` error naming it — never computed approximately.
Tensor files (`.pb` TensorProto, `.npy` NumPy) are read and written by `LoadTensorFile`
and `SaveTensorFile` (`include/onnxkit/io.h`). What the kernels do where the specs leave
room (rounding, refusals, strings) is in [eval-semantics.md](eval-semantics.md).
)";

// "| a | b |\n"
std::string TableRow(const std::vector<std::string>& cells) {
  std::string row = "|";
  for (const std::string& c : cells) row += " " + c + " |";
  return row + "\n";
}

std::string EvalMarkdown(const std::vector<const FolderRun*>& runs) {
  std::string md =
      "# Evaluator coverage\n\n"
      "Generated from ONNX's backend node tests by `tests/eval/backend_node_test.cc` with\n" +
      fmt::format("onnxkit built on ONNX {}; do not edit. Regenerate with\n\n",
                  schema::OnnxVersion()) +
      "```\n"
      "ONNXKIT_UPDATE_EVAL_DOC=1 build/tests/backend_node_test --gtest_filter='EvalDoc.*'\n"
      "```\n\n";
  md += kUserSection;
  md +=
      "\n## How the backend tests judge it\n\n"
      "A backend test is *claimed* when every node of its graph has a kernel. A claimed test\n"
      "*passes* when EvaluateModel (and, for a single node, EvaluateNode) reproduces every\n"
      "output ONNX ships — floating types within rtol 1e-3 and atol 1e-7 with NaN equal to\n"
      "NaN, other types exactly — and is *declined* when the evaluator refuses it\n"
      "(CanEvaluate, or `Unimplemented` while running), with the reason listed below. Any\n"
      "other error or difference fails `backend_node_test`.\n\n";

  std::vector<std::string> header = {""}, rule = {"---"};
  for (const FolderRun* r : runs) {
    header.push_back(fmt::format("`{}`", r->label));
    rule.push_back("---");
  }
  md += TableRow(header) + TableRow(rule);
  auto row = [&](std::string_view name, auto value) {
    std::vector<std::string> cells = {std::string(name)};
    for (const FolderRun* r : runs) cells.push_back(fmt::format("{}", value(*r)));
    md += TableRow(cells);
  };
  auto count = [](const FolderRun& r, Outcome::Kind kind) {
    return std::count_if(r.tests.begin(), r.tests.end(),
                         [&](const Outcome& o) { return o.kind == kind; });
  };
  row("backend tests", [](const FolderRun& r) { return r.tests.size(); });
  row("claimed", [&](const FolderRun& r) {
    return static_cast<int64_t>(r.tests.size()) - count(r, Outcome::Kind::kUnclaimed);
  });
  row("passed", [&](const FolderRun& r) { return count(r, Outcome::Kind::kPassed); });
  row("declined", [&](const FolderRun& r) { return count(r, Outcome::Kind::kDeclined); });
  row("failed", [&](const FolderRun& r) { return count(r, Outcome::Kind::kFailed); });
  row("ops in the tests", [](const FolderRun& r) { return r.ops_present.size(); });
  row("of them claimed", [](const FolderRun& r) {
    return std::count_if(r.ops_present.begin(), r.ops_present.end(),
                         [](const std::string& op) { return ClaimedOps().contains(op); });
  });

  std::vector<std::map<std::string, OpCounts>> counts;
  for (const FolderRun* r : runs) counts.push_back(CountsByOp(*r));
  md += fmt::format("\n## Ops ({} claimed)\n\n", ClaimedOps().size());
  md +=
      "Per folder: backend tests using the op that passed / were declined (– when none of\n"
      "its tests is claimed). Opsets: the lowest opset the kernel accepts, and the newest\n"
      "schema version it follows (a model whose opset resolves to a newer schema is\n"
      "declined). Proved on: element types of the op's first input in the passed tests.\n\n";
  header = {"op", "opsets", "input 0 types", "proved on"};
  rule = {"---", "---", "---", "---"};
  for (const FolderRun* r : runs) {
    header.push_back(fmt::format("`{}`", r->label));
    rule.push_back("---");
  }
  md += TableRow(header) + TableRow(rule);
  std::vector<const eval::KernelEntry*> entries;
  for (const eval::KernelEntry& e : eval::Kernels().entries()) entries.push_back(&e);
  auto key = [](const eval::KernelEntry* e) {
    return OpKey(EvalOpInfo{std::string(e->domain), std::string(e->op_type), 0});
  };
  std::sort(entries.begin(), entries.end(), [&](auto* a, auto* b) { return key(a) < key(b); });
  for (const eval::KernelEntry* e : entries) {
    const std::string op = key(e);
    std::set<std::string> proved;
    for (const auto& c : counts) {
      if (auto it = c.find(op); it != c.end())
        proved.insert(it->second.types.begin(), it->second.types.end());
    }
    std::string proved_text;
    for (const std::string& t : proved) proved_text += (proved_text.empty() ? "" : ", ") + t;
    std::vector<std::string> cells = {
        op, fmt::format("{}–{}", e->first_version, e->last_schema_version),
        TypesOfMask(e->input0_types), proved_text.empty() ? "–" : proved_text};
    for (const auto& c : counts) {
      auto it = c.find(op);
      cells.push_back(Cell(it == c.end() ? nullptr : &it->second));
    }
    md += TableRow(cells);
  }
  md += "\n## Declined tests\n\n";
  bool any = false;
  for (size_t i = 0; i < runs.size(); ++i) {
    std::map<std::string, std::vector<std::string>> by_reason;
    for (const Outcome& o : runs[i]->tests) {
      if (o.kind == Outcome::Kind::kDeclined) by_reason[o.reason].push_back(o.test);
    }
    if (by_reason.empty()) continue;
    any = true;
    md += fmt::format("`{}`:\n\n", runs[i]->label);
    for (const auto& [reason, tests] : by_reason) {
      std::string names;
      for (const std::string& t : tests) names += (names.empty() ? "" : ", ") + t;
      md += fmt::format("- {}: {}\n", reason, names);
    }
    md += "\n";
  }
  if (!any) md += "None.\n\n";

  md += "## Ops in the backend tests without a kernel\n\n";
  std::set<std::string> unclaimed;
  for (const FolderRun* r : runs) {
    for (const std::string& op : r->ops_present) {
      if (!ClaimedOps().contains(op)) unclaimed.insert(op);
    }
  }
  std::string list;
  for (const std::string& op : unclaimed) list += (list.empty() ? "" : ", ") + op;
  md += (list.empty() ? "None." : list) + "\n";
  return md;
}

TEST(EvalDoc, IsTheRenderingOfTheBackendRun) {
  std::vector<const FolderRun*> runs;
  for (const char* folder : kFolders) runs.push_back(&RunFolder(folder));
  const std::string expected = EvalMarkdown(runs);
  const fs::path doc = fs::path(ONNXKIT_SOURCE_DIR) / "docs" / "eval.md";
  const char* update = std::getenv("ONNXKIT_UPDATE_EVAL_DOC");
  if (update != nullptr && std::string(update) == "1") {
    testing::WriteFile(doc, expected);
    GTEST_SKIP() << "rewrote " << doc;
  }
  ASSERT_TRUE(fs::exists(doc)) << doc << " is missing; create it with ONNXKIT_UPDATE_EVAL_DOC=1";
  // The doc shows the build on the pinned ONNX release; another release (Debian's 1.12)
  // knows fewer opsets, so it declines more tests and renders another table.
  const std::string built_on = fmt::format("built on ONNX {};", schema::OnnxVersion());
  if (testing::ReadFile(doc).find(built_on) == std::string::npos) {
    GTEST_SKIP() << doc << " was rendered on another ONNX release than " << schema::OnnxVersion();
  }
  EXPECT_TRUE(testing::ReadFile(doc) == expected)
      << doc.string() << " is out of date (kernels or their results changed); regenerate it with\n"
      << "  ONNXKIT_UPDATE_EVAL_DOC=1 build/tests/backend_node_test --gtest_filter='EvalDoc.*'\n"
      << "and review the diff.";
}

}  // namespace
}  // namespace onnxkit
