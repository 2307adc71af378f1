// Helpers of the fusion pass tests: a model from ONNX text rewritten by one pass (the result
// must stay clean), a constant's values, and the ONNX Runtime comparison of the text model
// before and after the pass.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/constant.h"
#include "passes/pass_test_util.h"
#include "support/ort_oracle.h"
#include "support/test_support.h"

namespace onnxkit::fusion_test {

struct Rewritten {
  std::unique_ptr<Model> model;
  PassResult result;
};

// Parses `text` and runs the built-in pass `pass` on it; the result must verify and check
// clean.
inline Rewritten Rewrite(const char* text, std::string_view pass) {
  Rewritten r{pass_test::Parse(text), {}};
  auto result = pass_test::RunPass(pass, *r.model);
  EXPECT_TRUE(result.ok()) << result.status();
  if (result.ok()) r.result = *result;
  EXPECT_CLEAN(*r.model);
  return r;
}

// The values of the constant input `index` of the first node of type `op` in the main graph.
inline std::vector<double> InputValues(const Model& model, std::string_view op, size_t index) {
  for (const Node* n : model.graph->nodes()) {
    if (n->op_type != op) continue;
    auto t = ConstantTensor(n->input(index));
    EXPECT_TRUE(t.ok()) << t.status();
    if (!t.ok()) return {};
    auto values = ToDoubles(*t);
    return values.ok() ? *values : std::vector<double>{};
  }
  ADD_FAILURE() << "no " << op;
  return {};
}

}  // namespace onnxkit::fusion_test

// The model of `text` and its rewrite by `pass` compute the same under ONNX Runtime.
#define EXPECT_SAME_UNDER_ORT(text, pass)                                                    \
  do {                                                                                       \
    ::onnxkit::testing::TempDir dir_;                                                        \
    ::onnxkit::testing::WriteFile(dir_ / "m.onnx", ::onnxkit::testing::ModelFromText(text)); \
    EXPECT_PASSES_KEEP_OUTPUTS(dir_ / "m.onnx", {pass});                                     \
  } while (0)
