// PassManager: resolving a pipeline (unknown passes and options suggest the closest name),
// running it once or to a bounded fixed point, stopping at a pass's error, and --verify-each
// naming the pass that broke the model while forgiving problems the model already had.
// Every built-in pass is also run over small models with verification on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/check.h"
#include "onnxkit/pass.h"

namespace onnxkit {
namespace {

using ::testing::HasSubstr;
using Kind = PassOptionSpec::Kind;

// ---------------------------------------------------------------------------------------
// Test-only passes.

// Changes the model `times` times (appending '+' to its doc_string), then no more: a pass
// that reaches a fixed point after `times` changes.
class CountdownPass : public Pass {
 public:
  explicit CountdownPass(const PassOptions& options) : left_(options.GetInt("times")) {}
  StatusOr<PassResult> Run(Model& model, PassContext& context) override {
    PassResult result;
    if (left_ <= 0) {
      if (context.explain) result.Skip("model", "countdown finished");
      return result;
    }
    --left_;
    model.doc_string += "+";
    result.changed = true;
    result.Count("ticks");
    return result;
  }

 private:
  int64_t left_;
};
constexpr PassOptionSpec kCountdownOptions[] = {
    {"times", Kind::kInt, "2", "How many runs change the model"},
    {"label", Kind::kString, "", "Unused"},
};

// Records which passes ran, in order, in the model's doc_string.
class MarkPass : public Pass {
 public:
  StatusOr<PassResult> Run(Model& model, PassContext&) override {
    model.doc_string += "[mark]";
    return PassResult{};
  }
};

// Refuses every model, leaving it unchanged.
class RefusePass : public Pass {
 public:
  StatusOr<PassResult> Run(Model&, PassContext&) override {
    return absl::FailedPreconditionError("cannot handle this model");
  }
};

// Renames the first node's output to the graph's first input name: two values of one name,
// which Graph::Verify() refuses.
class DuplicateNamePass : public Pass {
 public:
  StatusOr<PassResult> Run(Model& model, PassContext&) override {
    Node* node = *model.graph->nodes().begin();
    node->outputs()[0]->set_name(model.graph->inputs()[0]->name());
    PassResult result;
    result.changed = true;
    return result;
  }
};

// Turns every Relu into an op no opset defines, which Check() reports and Verify does not.
class UnknownOpPass : public Pass {
 public:
  StatusOr<PassResult> Run(Model& model, PassContext&) override {
    PassResult result;
    for (Node* node : model.graph->nodes()) {
      if (node->op_type != "Relu") continue;
      node->op_type = "NoSuchOperator";
      result.changed = true;
    }
    return result;
  }
};

template <typename P>
StatusOr<std::unique_ptr<Pass>> Make(const PassOptions&) {
  return std::unique_ptr<Pass>(std::make_unique<P>());
}

StatusOr<std::unique_ptr<Pass>> MakeCountdown(const PassOptions& options) {
  if (options.GetInt("times") < 0) {
    return absl::InvalidArgumentError("times must not be negative");
  }
  return std::unique_ptr<Pass>(std::make_unique<CountdownPass>(options));
}

PassRegistry TestRegistry() {
  PassRegistry registry;
  for (PassInfo info : {
           PassInfo{"countdown", "changes the model a given number of times", kCountdownOptions,
                    &MakeCountdown},
           PassInfo{"mark", "notes that it ran", {}, &Make<MarkPass>},
           PassInfo{"refuse", "refuses every model", {}, &Make<RefusePass>},
           PassInfo{"duplicate-name", "breaks Verify", {}, &Make<DuplicateNamePass>},
           PassInfo{"unknown-op", "breaks Check", {}, &Make<UnknownOpPass>},
       }) {
    Status s = registry.Register(info);
    EXPECT_TRUE(s.ok()) << s;
  }
  return registry;
}

constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2] x) => (float[2] y) {
    t = Relu(x)
    y = Neg(t)
  }
)";

// Already invalid: Check reports the unknown op before any pass runs.
constexpr char kInvalidModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2] x) => (float[2] y) {
    t = NoSuchOperator(x)
    y = Relu(t)
  }
)";

StatusOr<PipelineReport> RunPipeline(Model& model, std::string_view text,
                                     PassManagerOptions options = {}) {
  auto pipeline = Pipeline::Parse(text);
  if (!pipeline.ok()) return pipeline.status();
  auto manager = PassManager::Make(TestRegistry(), *pipeline, options);
  if (!manager.ok()) return manager.status();
  return manager->Run(model);
}

Status MakeError(std::string_view text, PassManagerOptions options = {}) {
  auto manager = PassManager::Make(TestRegistry(), *Pipeline::Parse(text), options);
  return manager.status();
}

std::string MessageOf(const Status& s) { return std::string(s.message()); }

// ---------------------------------------------------------------------------------------
// Make.

TEST(PassManagerMake, UnknownPassSuggestsTheClosestName) {
  Status s = MakeError("mark,countdwn");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(s), HasSubstr("unknown pass 'countdwn' (did you mean 'countdown'?)"));
  EXPECT_EQ(MessageOf(MakeError("fold-constants")), "unknown pass 'fold-constants'");
}

TEST(PassManagerMake, UnknownOptionSuggestsTheClosestOption) {
  Status s = MakeError("countdown{time=3}");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(s),
              HasSubstr("pass 'countdown': unknown option 'time' (did you mean 'times'?)"));
  EXPECT_THAT(MessageOf(MakeError("mark{times=3}")),
              HasSubstr("pass 'mark': unknown option 'times'"));
}

TEST(PassManagerMake, BadOptionValuesAndRepeatsAreErrors) {
  EXPECT_THAT(MessageOf(MakeError("countdown{times=three}")),
              HasSubstr("pass 'countdown': option 'times': 'three' is not a int"));
  EXPECT_THAT(MessageOf(MakeError("countdown{times=1,times=2}")),
              HasSubstr("option 'times' given twice"));
}

TEST(PassManagerMake, TheFactorysErrorNamesTheStep) {
  Status s = MakeError("countdown{times=-1}");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(s), HasSubstr("pass 'countdown{times=-1}': times must not be negative"));
}

TEST(PassManagerMake, RoundsMustBePositive) {
  PassManagerOptions options;
  options.max_rounds = 0;
  EXPECT_THAT(MessageOf(MakeError("mark", options)), HasSubstr("max_rounds"));
}

// ---------------------------------------------------------------------------------------
// Run.

TEST(PassManagerRun, RunsStepsInOrderOnceByDefault) {
  auto model = ir_test::Parse(kModel);
  auto report = RunPipeline(*model, "countdown{times=5},mark");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(model->doc_string, "+[mark]");
  EXPECT_EQ(report->rounds, 1);
  EXPECT_TRUE(report->changed);
  EXPECT_FALSE(report->reached_fixed_point);
  ASSERT_EQ(report->runs.size(), 2u);
  EXPECT_EQ(report->runs[0].pass, "countdown{times=5}");
  EXPECT_EQ(report->runs[0].round, 0);
  EXPECT_TRUE(report->runs[0].result.changed);
  EXPECT_EQ(report->runs[0].result.Stat("ticks"), 1);
  EXPECT_GE(report->runs[0].seconds, 0);
  EXPECT_EQ(report->runs[1].pass, "mark");
  EXPECT_FALSE(report->runs[1].result.changed);
}

TEST(PassManagerRun, AnUnchangedRunIsAFixedPoint) {
  auto model = ir_test::Parse(kModel);
  auto report = RunPipeline(*model, "mark");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->changed);
  EXPECT_TRUE(report->reached_fixed_point);
}

TEST(PassManagerRun, TheEmptyPipelineChangesNothing) {
  auto model = ir_test::Parse(kModel);
  auto report = RunPipeline(*model, "");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->runs.empty());
  EXPECT_EQ(report->rounds, 1);
  EXPECT_TRUE(report->reached_fixed_point);
}

TEST(PassManagerRun, RepeatsUntilARoundChangesNothing) {
  auto model = ir_test::Parse(kModel);
  PassManagerOptions options;
  options.max_rounds = 10;
  auto report = RunPipeline(*model, "mark,countdown{times=3}", options);
  ASSERT_TRUE(report.ok()) << report.status();
  // Three rounds change the model; the fourth proves nothing changes any more.
  EXPECT_EQ(report->rounds, 4);
  EXPECT_TRUE(report->reached_fixed_point);
  EXPECT_TRUE(report->changed);
  EXPECT_EQ(model->doc_string, "[mark]+[mark]+[mark]+[mark]");
  ASSERT_EQ(report->runs.size(), 8u);
  EXPECT_EQ(report->runs[7].round, 3);
  EXPECT_EQ(report->runs[7].pass, "countdown{times=3}");
  EXPECT_FALSE(report->runs[7].result.changed);
}

TEST(PassManagerRun, StopsWithinARoundOnceEveryStepRanWithoutAChange) {
  auto model = ir_test::Parse(kModel);
  PassManagerOptions options;
  options.max_rounds = 10;
  auto report = RunPipeline(*model, "countdown{times=1},mark", options);
  ASSERT_TRUE(report.ok()) << report.status();
  // mark ran unchanged after the last change, then countdown did: mark would see the same
  // model again, so round 2 ends there.
  EXPECT_EQ(report->rounds, 2);
  EXPECT_TRUE(report->reached_fixed_point);
  EXPECT_TRUE(report->changed);
  EXPECT_EQ(model->doc_string, "+[mark]");
  ASSERT_EQ(report->runs.size(), 3u);
  EXPECT_EQ(report->runs[2].pass, "countdown{times=1}");
  EXPECT_EQ(report->runs[2].round, 1);
  EXPECT_FALSE(report->runs[2].result.changed);
}

TEST(PassManagerRun, StopsAfterMaxRoundsWithoutAFixedPoint) {
  auto model = ir_test::Parse(kModel);
  PassManagerOptions options;
  options.max_rounds = 4;
  auto report = RunPipeline(*model, "countdown{times=100}", options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rounds, 4);
  EXPECT_FALSE(report->reached_fixed_point);
  EXPECT_EQ(model->doc_string, "++++");
}

TEST(PassManagerRun, ExplainReachesThePasses) {
  auto model = ir_test::Parse(kModel);
  PassManagerOptions options;
  options.explain = true;
  auto report = RunPipeline(*model, "countdown{times=0}", options);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->runs[0].result.skipped.size(), 1u);
  EXPECT_EQ(report->runs[0].result.skipped[0].reason, "countdown finished");

  auto quiet = RunPipeline(*model, "countdown{times=0}");
  ASSERT_TRUE(quiet.ok());
  EXPECT_TRUE(quiet->runs[0].result.skipped.empty());
}

TEST(PassManagerRun, APassErrorStopsThePipelineAndNamesThePass) {
  auto model = ir_test::Parse(kModel);
  PassManagerOptions options;
  options.max_rounds = 3;
  auto report = RunPipeline(*model, "countdown{times=5},refuse,mark", options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(MessageOf(report.status()), "pass 'refuse' (round 1) failed: cannot handle this model");
  EXPECT_EQ(model->doc_string, "+");  // the pass before it ran; the one after did not
}

TEST(PassManagerVerifyEach, NamesThePassThatBreaksGraphVerify) {
  auto model = ir_test::Parse(kModel);
  PassManagerOptions options;
  options.verify_each = true;
  auto report = RunPipeline(*model, "mark,duplicate-name,mark", options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(MessageOf(report.status()),
            "pass 'duplicate-name' (round 1) broke the model: graph 'main' fails "
            "Graph::Verify(): graph 'g': 'x' is defined twice");
  EXPECT_EQ(model->doc_string, "[mark]");
}

TEST(PassManagerVerifyEach, NamesThePassThatMakesCheckFailAndTheFirstDiagnostic) {
  auto model = ir_test::Parse(kModel);
  PassManagerOptions options;
  options.verify_each = true;
  options.max_rounds = 2;
  auto report = RunPipeline(*model, "mark,unknown-op", options);
  ASSERT_FALSE(report.ok());
  std::string message = MessageOf(report.status());
  EXPECT_EQ(message,
            "pass 'unknown-op' (round 1) broke the model: error[schema.unknown-op]: main/#0 "
            "(NoSuchOperator): the default domain has no op 'NoSuchOperator'");
}

TEST(PassManagerVerifyEach, ProblemsTheModelAlreadyHadAreNotBlamedOnAPass) {
  auto model = ir_test::Parse(kInvalidModel);
  ASSERT_TRUE(Check(*model).has_errors());
  PassManagerOptions options;
  options.verify_each = true;
  options.max_rounds = 5;
  auto report = RunPipeline(*model, "countdown{times=2},mark", options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->reached_fixed_point);

  // A second node of the same unknown op is a new error, though the code is the same.
  auto broken = RunPipeline(*model, "unknown-op", options);
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(MessageOf(broken.status()), HasSubstr("pass 'unknown-op' (round 1) broke"));
}

TEST(PassManagerVerifyEach, WithoutItABrokenModelIsNotNoticed) {
  auto model = ir_test::Parse(kModel);
  auto report = RunPipeline(*model, "unknown-op");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(Check(*model).has_errors());
}

// ---------------------------------------------------------------------------------------
// The built-in passes, each with its defaults, keep small models valid (a function, an If
// with outer-scope reads, an Identity chain, duplicated initializers) and reach a fixed point.

constexpr const char* kSampleModels[] = {
    R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2] x) => (float[2] y) <float[2] w = {1.0, 2.0}, float[2] v = {1.0, 2.0}> {
    a = Identity(x)
    b = Add(a, w)
    c = Add(b, v)
    unused = Neg(c)
    k = Constant<value = float[2] {3.0, 4.0}>()
    y = Mul(c, k)
  }
)",
    R"(
  <ir_version: 8, opset_import: ["" : 17, "local" : 1]>
  g (float[2] x, bool cond) => (float[2] y) {
    t = local.AddRelu(x, x)
    y = If(cond) <
      then_branch = then_g () => (float[2] out) { out = Identity(t) },
      else_branch = else_g () => (float[2] out) { out = Neg(t) }
    >
  }
  <domain: "local", opset_import: ["" : 17]>
  AddRelu (a, b) => (c) {
    s = Add(a, b)
    i = Identity(s)
    c = Relu(i)
  }
)",
};

TEST(BuiltinPasses, SampleModelsAreValid) {
  for (const char* text : kSampleModels) {
    auto model = ir_test::Parse(text);
    ASSERT_NE(model, nullptr);
    EXPECT_VERIFIED(*model->graph);
    for (const auto& function : model->functions) EXPECT_VERIFIED(*function->body);
    Diagnostics diagnostics = Check(*model);
    for (const Diagnostic& d : diagnostics.items) {
      EXPECT_NE(d.severity, Severity::kError) << d.code << ": " << d.message;
    }
  }
}

TEST(BuiltinPasses, EachKeepsSampleModelsValidAndReachesAFixedPoint) {
  PassRegistry registry = PassRegistry::Builtins();
  PassManagerOptions options;
  options.verify_each = true;
  options.max_rounds = 10;
  for (const PassInfo& info : registry.passes()) {
    for (const char* text : kSampleModels) {
      auto model = ir_test::Parse(text);
      ASSERT_NE(model, nullptr);
      ASSERT_FALSE(Check(*model).has_errors()) << text;
      Pipeline pipeline{{PipelineStep{std::string(info.name), {}}}};
      auto manager = PassManager::Make(registry, pipeline, options);
      ASSERT_TRUE(manager.ok()) << info.name << ": " << manager.status();
      auto report = manager->Run(*model);
      ASSERT_TRUE(report.ok()) << info.name << ": " << report.status();
      EXPECT_TRUE(report->reached_fixed_point) << info.name;
    }
  }
}

}  // namespace
}  // namespace onnxkit
