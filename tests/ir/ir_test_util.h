// Helpers shared by the IR tests: small models from ONNX text, and Verify as an expectation.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "support/test_support.h"

namespace onnxkit::ir_test {

// The model serialized in `bytes`, loaded; nullptr (and a failed expectation) otherwise.
inline std::unique_ptr<Model> ParseBytes(const std::string& bytes) {
  auto model = LoadBytes(bytes);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

// A model written in ONNX text (onnx::OnnxParser syntax), loaded.
inline std::unique_ptr<Model> Parse(const char* text) {
  return ParseBytes(testing::ModelFromText(text));
}

}  // namespace onnxkit::ir_test

// Expects `graph` (and its sub-graphs) to hold every IR invariant.
#define EXPECT_VERIFIED(graph)              \
  do {                                      \
    Status verified = (graph).Verify();     \
    EXPECT_TRUE(verified.ok()) << verified; \
  } while (0)
