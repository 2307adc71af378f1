// Helpers shared by the pass tests: a model from ONNX text, a built-in pass run through the
// table's factory, and the two promises every pass makes (Verify and Check stay clean).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/check.h"
#include "onnxkit/ir.h"
#include "onnxkit/pass.h"
#include "passes/pass_table.h"

namespace onnxkit::pass_test {

using ir_test::Parse;

// The table entry of the built-in pass `name`, or nullptr (and a failed expectation).
inline const PassInfo* FindBuiltin(std::string_view name) {
  for (const PassInfo& info : passes::BuiltinPassTable()) {
    if (info.name == name) return &info;
  }
  ADD_FAILURE() << "no built-in pass " << name;
  return nullptr;
}

// Runs the built-in pass `name` with `options` on `model` through the table's factory.
inline StatusOr<PassResult> RunPass(
    std::string_view name, Model& model,
    const std::vector<std::pair<std::string, std::string>>& options = {}) {
  const PassInfo* info = FindBuiltin(name);
  if (!info) return absl::NotFoundError(std::string(name));
  ONNXKIT_ASSIGN_OR_RETURN(PassOptions parsed, PassOptions::Make(info->options, options));
  ONNXKIT_ASSIGN_OR_RETURN(std::unique_ptr<Pass> pass, info->create(parsed));
  PassContext context;
  return pass->Run(model, context);
}

// The errors Check reports, one line each ("" when there are none).
inline std::string CheckErrors(const Model& model) {
  std::string out;
  for (const Diagnostic& d : Check(model).items) {
    if (d.severity == Severity::kError) out += FormatDiagnostic(d, "model", false) + "\n";
  }
  return out;
}

// "Op(in,in)->out" for every node of `graph`, in order.
inline std::vector<std::string> Nodes(const Graph& graph) {
  std::vector<std::string> out;
  for (const Node* n : graph.nodes()) {
    std::string s = n->op_type + "(";
    for (size_t i = 0; i < n->inputs().size(); ++i) {
      s += (i ? "," : "") + (n->input(i) ? n->input(i)->name() : std::string());
    }
    s += ")->";
    for (size_t i = 0; i < n->outputs().size(); ++i) {
      s += (i ? "," : "") + (n->output(i) ? n->output(i)->name() : std::string());
    }
    out.push_back(s);
  }
  return out;
}

// The op types of `graph`'s nodes, in order.
inline std::vector<std::string> OpTypes(const Graph& graph) {
  std::vector<std::string> out;
  for (const Node* n : graph.nodes()) out.push_back(n->op_type);
  return out;
}

inline std::vector<std::string> Names(const std::vector<Value*>& values) {
  std::vector<std::string> out;
  for (const Value* v : values) out.push_back(v ? v->name() : "");
  return out;
}

// "where: reason" for every skipped candidate.
inline std::vector<std::string> Skips(const PassResult& result) {
  std::vector<std::string> out;
  for (const SkippedCandidate& s : result.skipped) out.push_back(s.where + ": " + s.reason);
  return out;
}

}  // namespace onnxkit::pass_test

// Expects the model to hold every IR invariant and Check to report no error.
#define EXPECT_CLEAN(model)                                              \
  do {                                                                   \
    if ((model).graph) EXPECT_VERIFIED(*(model).graph);                  \
    for (const auto& fn : (model).functions) EXPECT_VERIFIED(*fn->body); \
    EXPECT_EQ(::onnxkit::pass_test::CheckErrors(model), "");             \
  } while (0)

// Runs the built-in pass and binds its result; fails the test when the pass fails.
#define RUN_PASS_OR_FAIL(result, name, model, ...)                                          \
  auto result##_or = ::onnxkit::pass_test::RunPass(name, model __VA_OPT__(, ) __VA_ARGS__); \
  ASSERT_TRUE(result##_or.ok()) << result##_or.status();                                    \
  const PassResult& result = *result##_or
