// The single-node sweep's generator covers what it promises: every schema, inputs of every
// rank 0–5, every boundary value of an attribute, the same model for the same numbers.
#include "infer/single_node_models.h"

#include <gtest/gtest.h>
#include <onnx/defs/schema.h>

#include <set>

#include "onnxkit/io.h"

namespace onnxkit::testing {
namespace {

const onnx::OpSchema& SchemaOf(const std::string& label) {
  for (const auto* s : AllSchemas()) {
    if (SchemaLabel(*s) == label) return *s;
  }
  ADD_FAILURE() << "no schema " << label;
  return *AllSchemas().front();
}

TEST(SingleNodeModels, EverySchemaGivesLoadableModelsOfItsOp) {
  SweepOptions options;
  ASSERT_GT(AllSchemas().size(), 400u);  // every domain and since-version of libonnx
  for (const auto* s : AllSchemas()) {
    uint64_t count = VariantCount(*s, options);
    ASSERT_GT(count, options.random_variants) << SchemaLabel(*s);
    for (uint64_t v : {uint64_t{0}, count / 2, count - 1}) {
      onnx::ModelProto m = SingleNodeModel(*s, v, options);
      ASSERT_EQ(m.graph().node_size(), 1);
      EXPECT_EQ(m.graph().node(0).op_type(), s->Name());
      EXPECT_TRUE(LoadBytes(m.SerializeAsString()).ok()) << SchemaLabel(*s) << " " << v;
    }
  }
}

TEST(SingleNodeModels, TheSameNumbersGiveTheSameModel) {
  SweepOptions options;
  const onnx::OpSchema& conv = SchemaOf("Conv-11");
  uint64_t last = VariantCount(conv, options) - 1;  // a random variant
  EXPECT_EQ(SingleNodeModel(conv, last, options).SerializeAsString(),
            SingleNodeModel(conv, last, options).SerializeAsString());
  options.seed = 2;
  SweepOptions other;
  EXPECT_NE(SingleNodeModel(conv, last, options).SerializeAsString(),
            SingleNodeModel(conv, last, other).SerializeAsString());
}

TEST(SingleNodeModels, SystematicVariantsCoverEveryRankAndBoundary) {
  SweepOptions options;
  options.random_variants = 0;
  const onnx::OpSchema& conv = SchemaOf("Conv-11");
  std::set<int> ranks;
  std::set<int64_t> group_values;
  for (uint64_t v = 0; v < SystematicVariants(conv); ++v) {
    onnx::ModelProto m = SingleNodeModel(conv, v, options);
    if (m.graph().input_size() > 0 && m.graph().input(0).type().has_tensor_type()) {
      ranks.insert(m.graph().input(0).type().tensor_type().shape().dim_size());
    }
    for (const auto& a : m.graph().node(0).attribute()) {
      if (a.name() == "group") group_values.insert(a.i());
    }
  }
  EXPECT_EQ(ranks, (std::set<int>{0, 1, 2, 3, 4, 5}));
  for (int64_t boundary : {int64_t{0}, int64_t{-1}, std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min()}) {
    EXPECT_TRUE(group_values.count(boundary)) << boundary;
  }
}

}  // namespace
}  // namespace onnxkit::testing
