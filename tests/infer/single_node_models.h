// Single-node models for every operator schema the linked ONNX library registers, built to
// hit what inference functions assume: inputs of rank 0–5 with unknown, symbolic, zero and
// huge dims, attributes at boundary values (0, negative, out of range, INT64_MAX, empty and
// wrongly sized lists), and small integer/float constants as inputs.
//
// The space is an ordered list of (schema, variant) pairs. Variants of one schema come in
// two parts: a systematic part (every rank with every dim kind; every attribute with every
// boundary value at every rank, the others left out) and a seeded random part (everything
// mixed). A model is a pure function of (schema, variant, seed): a failure is reproduced
// from its three numbers.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "schema/onnx_namespace.h"

namespace onnxkit::testing {

struct SweepOptions {
  uint64_t seed = 1;
  // Random variants per schema after the systematic ones.
  uint64_t random_variants = 100;
  // Keep only every `stride`-th systematic variant (1: all of them).
  uint64_t systematic_stride = 1;
};

// Every schema of every domain and since-version the linked library knows (deprecated ones
// included), in a fixed order: domain, name, since-version.
const std::vector<const onnx::OpSchema*>& AllSchemas();

// The number of systematic variants of `schema` (before the stride).
uint64_t SystematicVariants(const onnx::OpSchema& schema);
// The number of variants of `schema` the options ask for.
uint64_t VariantCount(const onnx::OpSchema& schema, const SweepOptions& options);

// The model of `variant` of `schema`: one node, graph inputs (some of them constants) for
// its inputs, untyped graph outputs for its outputs.
onnx::ModelProto SingleNodeModel(const onnx::OpSchema& schema, uint64_t variant,
                                 const SweepOptions& options);

// "Conv-11" or "ai.onnx.ml/TreeEnsembleClassifier-1".
std::string SchemaLabel(const onnx::OpSchema& schema);

}  // namespace onnxkit::testing
