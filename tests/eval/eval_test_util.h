// Helpers shared by the evaluator's kernel tests: run a model written in ONNX text.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/eval.h"
#include "onnxkit/tensor.h"
#include "support/test_support.h"

namespace onnxkit::eval_test {

using Feeds = std::vector<std::pair<std::string, Tensor>>;

// The outputs of the model written in `text` run on `feeds` (initializers need no feed).
inline StatusOr<std::vector<Tensor>> Evaluate(const std::string& text, const Feeds& feeds = {}) {
  auto model = ir_test::Parse(text.c_str());
  if (model == nullptr) return absl::InvalidArgumentError("the test model does not parse");
  return EvaluateModel(*model, feeds);
}

// The elements of `t` as doubles (exact for every type up to 2^53).
inline std::vector<double> Values(const Tensor& t) {
  StatusOr<std::vector<double>> values = ToDoubles(t);
  EXPECT_TRUE(values.ok()) << values.status();
  return values.ok() ? *std::move(values) : std::vector<double>{};
}

// The single output of `text` as values of T (an empty vector and a failure otherwise).
template <typename T>
std::vector<T> Output(const std::string& text, const Feeds& feeds = {}) {
  auto outputs = Evaluate(text, feeds);
  EXPECT_TRUE(outputs.ok()) << outputs.status();
  if (!outputs.ok() || outputs->empty()) return {};
  auto view = View<T>(outputs->front());
  EXPECT_TRUE(view.ok()) << view.status();
  return view.ok() ? view->ToVector() : std::vector<T>{};
}

// Expects `text` to fail with `code`, the message naming `fragment`.
inline void ExpectFailure(const std::string& text, absl::StatusCode code,
                          const std::string& fragment, const Feeds& feeds = {}) {
  auto outputs = Evaluate(text, feeds);
  ASSERT_FALSE(outputs.ok()) << "expected a failure naming '" << fragment << "'";
  EXPECT_EQ(outputs.status().code(), code) << outputs.status();
  EXPECT_NE(outputs.status().message().find(fragment), std::string::npos) << outputs.status();
}

}  // namespace onnxkit::eval_test

// Runs `text` (with optional feeds) and asserts it succeeded; `outputs` names the tensors.
#define ASSERT_RUNS(outputs, ...)                                  \
  auto outputs##_or = ::onnxkit::eval_test::Evaluate(__VA_ARGS__); \
  ASSERT_TRUE(outputs##_or.ok()) << outputs##_or.status();         \
  const std::vector<::onnxkit::Tensor>& outputs = *outputs##_or
