// ToOnnx hands libonnx a node with every field the IR has: on a library whose schema knows
// the IR 10 node fields (overload, metadata_props, device_configurations) as those fields,
// on one that does not (libonnx 1.12) as unknown fields that survive serialization.
#include <gtest/gtest.h>

#include <string>

#include "onnxkit/ir.h"
#include "schema/convert.h"

namespace onnxkit {
namespace {

// The overload the proto carries: its field where the library has it, else "" (the test
// then looks for the bytes).
template <typename NodeProto>
std::string OverloadField(const NodeProto& node) {
  if constexpr (requires { node.overload(); }) {
    return node.overload();
  } else {
    return "";
  }
}

template <typename NodeProto>
constexpr bool kHasOverloadField = requires(const NodeProto& node) {
  node.overload();
};

TEST(ConvertNode, CarriesTheOverload) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* call = g.AppendNode("Scale", {x}, {"Y"}, "local");
  call->overload = "twice_overload";
  onnx::NodeProto proto = schema::ToOnnx(*call);
  if (kHasOverloadField<onnx::NodeProto>) {
    EXPECT_EQ(OverloadField(proto), "twice_overload");
  }
  EXPECT_NE(proto.SerializeAsString().find("twice_overload"), std::string::npos);
  EXPECT_EQ(proto.op_type(), "Scale");
  EXPECT_EQ(proto.domain(), "local");
  ASSERT_EQ(proto.input_size(), 1);
  EXPECT_EQ(proto.input(0), "X");
}

TEST(ConvertNode, CarriesMetadataAndDeviceConfigurations) {
  Graph g;
  Value* x = g.AddInput("X");
  Node* relu = g.AppendNode("Relu", {x}, {"Y"});
  relu->metadata_props.push_back({"origin_key", "layer_one", {}});
  NodeDeviceConfiguration config;
  config.configuration_id = "pair_config";
  config.pipeline_stage = 2;
  relu->device_configurations.push_back(config);
  onnx::NodeProto proto = schema::ToOnnx(*relu);
  const std::string bytes = proto.SerializeAsString();
  for (const char* s : {"origin_key", "layer_one", "pair_config"}) {
    EXPECT_NE(bytes.find(s), std::string::npos) << s;
  }
  EXPECT_EQ(proto.op_type(), "Relu");
}

}  // namespace
}  // namespace onnxkit
