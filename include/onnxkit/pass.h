// Passes: named rewrites of a Model, their options, and the pipelines that run them.
//
// A pass is a class with one method, Run(Model&, PassContext&) -> PassResult: whether it
// changed the model, its statistics, and for every candidate it did not rewrite, why. Every
// built-in pass is declared once, in the table of passes/pass_table.cc (name, summary,
// options with their types and defaults, factory); the registry, `onnxkit passes`, `--help`
// and docs/passes.md all come from that table. Registration is explicit (no self-registering
// static objects, which a static library's linker silently drops): PassRegistry::Builtins()
// holds the table, and a program adds its own passes with Register().
//
// Pipelines are text: `eliminate-identity,dedupe-initializers{min-size=16},topological-sort`.
// Pipeline::Parse and Pipeline::Print round-trip, so a printed pipeline can be replayed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onnxkit/check.h"
#include "onnxkit/ir.h"
#include "onnxkit/progress.h"
#include "onnxkit/status.h"

namespace onnxkit {

// One option of a pass, as its table entry declares it.
struct PassOptionSpec {
  enum class Kind {
    kBool,    // true / false
    kInt,     // a decimal integer
    kSize,    // a byte count: 4096, 64KiB, 1MiB, 2GiB
    kString,  // any text without ',', '{', '}' or '='
    kList,    // names separated by ':' (a ',' would end the pipeline step)
  };
  std::string_view name;
  Kind kind = Kind::kBool;
  std::string_view default_value;  // as text, in the syntax of `kind`
  std::string_view summary;
};
std::string_view PassOptionKindName(PassOptionSpec::Kind kind);

// The option values a pass runs with: what the pipeline gave, and the declared default for
// every other option. Made (and validated) only by PassOptions::Make, so the getters cannot
// fail: asking for an option the pass did not declare is a programming error (it aborts).
class PassOptions {
 public:
  PassOptions() = default;
  // Checks `given` (name, text) against `specs`: unknown names (the error suggests the
  // closest declared one), repeated names, and values that do not parse as their kind.
  static StatusOr<PassOptions> Make(std::span<const PassOptionSpec> specs,
                                    const std::vector<std::pair<std::string, std::string>>& given);

  bool GetBool(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;
  uint64_t GetSize(std::string_view name) const;
  std::string GetString(std::string_view name) const;
  std::vector<std::string> GetList(std::string_view name) const;
  // Whether the pipeline set the option (rather than its default applying).
  bool IsSet(std::string_view name) const;

 private:
  struct Entry {
    const PassOptionSpec* spec;
    std::string text;  // the given value, or the default
    bool set;
  };
  const Entry& Find(std::string_view name) const;
  std::vector<Entry> entries_;
};

// A candidate a pass looked at and left alone, and why: "main/Resize_3: scales are computed
// at run time". `where` is a Location path (check.h) so the CLI prints it like a diagnostic.
struct SkippedCandidate {
  std::string where;
  std::string reason;
};

struct PassResult {
  bool changed = false;
  // Named counters in the order the pass reports them ("nodes-removed", 12).
  std::vector<std::pair<std::string, int64_t>> stats;
  std::vector<SkippedCandidate> skipped;

  // Adds `delta` to the counter `name`, creating it at its first use.
  void Count(std::string_view name, int64_t delta = 1);
  // The counter's value (0 if never counted).
  int64_t Stat(std::string_view name) const;
  void Skip(std::string where, std::string reason);
};

// What a running pass may use besides the model.
struct PassContext {
  // Collects notes for `--explain`: a pass may stay silent.
  bool explain = false;
};

class Pass {
 public:
  virtual ~Pass() = default;
  // Rewrites `model`. An error means the pass could not run as asked (a refused option
  // combination, a model it cannot handle); the model must then be unchanged.
  virtual StatusOr<PassResult> Run(Model& model, PassContext& context) = 0;
};

// One pass, as the table declares it. The views must outlive the registry (string literals
// and static arrays, as in the table).
struct PassInfo {
  std::string_view name;     // "eliminate-dead-code"
  std::string_view summary;  // one line
  std::span<const PassOptionSpec> options;
  // Makes the pass with its (validated) options; an error for combinations Make cannot see.
  std::function<StatusOr<std::unique_ptr<Pass>>(const PassOptions&)> create;
};

// The passes a PassManager can find by name.
class PassRegistry {
 public:
  // A registry holding exactly the built-in passes of passes/pass_table.cc.
  static PassRegistry Builtins();
  // Adds a pass; an error if the name is taken or is not lower-case words joined by '-', the
  // summary is empty, there is no create function, or an option's name is not such a name,
  // is repeated, or has a default that does not parse as its kind.
  Status Register(PassInfo info);
  // The pass of that name, or nullptr.
  const PassInfo* Find(std::string_view name) const;
  // Every pass, in registration order (the table's order first).
  std::span<const PassInfo> passes() const& { return passes_; }
  // Not on a temporary: `for (… : PassRegistry::Builtins().passes())` would read a registry
  // destroyed before the loop's first step.
  std::span<const PassInfo> passes() && = delete;
  // The registered name closest to `name` (edit distance), or "" when none is close.
  std::string ClosestName(std::string_view name) const;

 private:
  std::vector<PassInfo> passes_;
};

// A pipeline: steps of (pass name, options as given), in order.
struct PipelineStep {
  std::string pass;
  std::vector<std::pair<std::string, std::string>> options;
  // "name" or "name{key=value,other=1}".
  std::string Print() const;
  bool operator==(const PipelineStep&) const = default;
};
class Pipeline {
 public:
  // "a,b{key=value,other=1},c". Spaces around names, keys and values are ignored; "" is the
  // empty pipeline and "a{}" a step without options. A name or key is any run of characters
  // other than spaces and ",{}="; a value may be empty and may hold inner spaces. The
  // error names the column (1-based) and what was expected there.
  static StatusOr<Pipeline> Parse(std::string_view text);
  // The same syntax without spaces; Parse(Print()) gives back an equal pipeline.
  std::string Print() const;
  bool operator==(const Pipeline&) const = default;
  std::vector<PipelineStep> steps;
};

struct PassManagerOptions {
  // Repeat the whole pipeline until no pass changes the model, at most this many rounds
  // (1 = run once).
  int max_rounds = 1;
  // After each pass: Graph::Verify() on the main graph, function bodies and training graphs
  // (sub-graphs through Verify's recursion), then Check(). A problem the model did not have
  // before the pipeline started (an error counted by code and message, or a Verify failure
  // of a graph that verified before) stops the run with an error naming the pass and the
  // problem. Costs a Check() per pass.
  bool verify_each = false;
  // Sets PassContext::explain: passes record why they skipped candidates.
  bool explain = false;
  // Told of each pass as it starts ("fold-constants (round 2)", its index among the steps of
  // the run so far); not owned, may be null. Run does not End it: its caller does.
  Progress* progress = nullptr;
};

// What one run of one pass did.
struct PassRun {
  std::string pass;  // the step as printed, options included
  int round = 0;     // 0-based
  PassResult result;
  double seconds = 0;  // wall time of Run
};

struct PipelineReport {
  std::vector<PassRun> runs;
  int rounds = 0;
  bool changed = false;
  bool reached_fixed_point = false;  // the last round changed nothing
};

class PassManager {
 public:
  // Resolves every step against `registry`, validates its options and creates its pass; an
  // unknown pass or option is an InvalidArgument error that suggests the closest name.
  static StatusOr<PassManager> Make(const PassRegistry& registry, const Pipeline& pipeline,
                                    PassManagerOptions options = {});
  // Runs the steps in order, round after round until a round changes nothing or max_rounds
  // rounds ran. A pass's error stops the run with that error's code and a message naming the
  // pass and round; a pass that --verify-each finds broke the model is an Internal error.
  // Either way the model holds what the passes before did.
  StatusOr<PipelineReport> Run(Model& model) const;

 private:
  struct Step {
    std::string printed;
    std::shared_ptr<Pass> pass;
  };
  std::vector<Step> steps_;
  PassManagerOptions options_;
};

// The description of one pass as plain text: its name and summary, then one line per option
// (name, kind, default, summary). What `onnxkit passes` and `onnxkit rewrite --explain` print.
std::string DescribePass(const PassInfo& info);
// docs/passes.md: the pipeline syntax, then a section per pass of `registry` with a table of
// its options. `onnxkit passes --format=markdown` prints it; a test keeps the file in step.
std::string PassesMarkdown(const PassRegistry& registry);

}  // namespace onnxkit
