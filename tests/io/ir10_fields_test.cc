// The fields IR 10 added are modelled, not only preserved: the reader puts them into the IR
// (tests/data/ir10/ir10_fields.onnx, written by make_ir10_models.py with onnx 1.23.2), the
// writer writes what the IR says in protobuf's order, calls resolve by (domain, name,
// overload), a function's value_info types its body's values, and a field set by a program
// is saved and read back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "onnxkit/clone.h"
#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

const fs::path kData = fs::path(ONNXKIT_SOURCE_DIR) / "tests/data/ir10";

std::unique_ptr<Model> MustLoad(const fs::path& file) {
  auto model = LoadFile(file.string());
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

std::unique_ptr<Model> Reload(const Model& model) {
  auto bytes = SaveBytes(model);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  auto loaded = LoadBytes(*bytes);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return loaded.ok() ? *std::move(loaded) : nullptr;
}

Node* NodeNamed(const Graph& g, std::string_view name) {
  for (Node* n : g.nodes()) {
    if (n->name == name) return n;
  }
  return nullptr;
}

MATCHER_P2(Pair, key, value, "") { return arg.key == key && arg.value == value; }

TEST(Ir10Fields, TheReaderModelsEveryField) {
  auto model = MustLoad(kData / "ir10_fields.onnx");
  ASSERT_TRUE(model);
  const Graph& g = *model->graph;
  EXPECT_THAT(g.metadata_props, ElementsAre(Pair("stage", "test")));
  EXPECT_THAT(g.inputs()[0]->info().metadata_props, ElementsAre(Pair("layout", "NC")));
  EXPECT_THAT(g.initializers()[0]->initializer()->metadata_props,
              ElementsAre(Pair("source", "ones")));

  const Node* doubled = NodeNamed(g, "double");
  ASSERT_TRUE(doubled);
  EXPECT_EQ(doubled->overload, "twice");
  EXPECT_THAT(doubled->metadata_props, ElementsAre(Pair("origin", "layer1"), Pair("note", "")));

  const Node* add = NodeNamed(g, "add");
  ASSERT_TRUE(add);
  ASSERT_EQ(add->device_configurations.size(), 1u);
  const NodeDeviceConfiguration& config = add->device_configurations[0];
  EXPECT_EQ(config.configuration_id, "pair");
  EXPECT_EQ(config.pipeline_stage, 1);
  ASSERT_EQ(config.sharding_spec.size(), 1u);
  const ShardingSpec& spec = config.sharding_spec[0];
  EXPECT_EQ(spec.tensor_name, "X");
  EXPECT_THAT(spec.devices, ElementsAre(0, 1));
  ASSERT_EQ(spec.index_to_device_group_map.size(), 1u);
  EXPECT_EQ(spec.index_to_device_group_map[0].key, 1);
  EXPECT_THAT(spec.index_to_device_group_map[0].devices, ElementsAre(1, 2));
  ASSERT_EQ(spec.sharded_dim.size(), 1u);
  ASSERT_EQ(spec.sharded_dim[0].simple_sharding.size(), 2u);
  EXPECT_EQ(spec.sharded_dim[0].simple_sharding[0].dim.kind, Dim::Kind::kParam);
  EXPECT_EQ(spec.sharded_dim[0].simple_sharding[0].dim.param, "N");
  EXPECT_EQ(spec.sharded_dim[0].simple_sharding[1].dim.value, 4);
  EXPECT_EQ(spec.sharded_dim[0].simple_sharding[1].num_shards, 2);

  ASSERT_EQ(model->configuration.size(), 2u);
  EXPECT_EQ(model->configuration[0].name, "pair");
  EXPECT_EQ(model->configuration[0].num_devices, 2);
  EXPECT_THAT(model->configuration[0].devices, ElementsAre("cuda:0", "cuda:1"));
  EXPECT_TRUE(model->configuration[1].devices.empty());

  ASSERT_EQ(model->functions.size(), 2u);
  const Function& twice = *model->functions[0];
  EXPECT_EQ(twice.overload, "twice");
  EXPECT_EQ(model->functions[1]->overload, "thrice");
  EXPECT_THAT(twice.metadata_props, ElementsAre(Pair("purpose", "scale by 2.0")));
  // FunctionProto.value_info is the body's value_info, and types the body's value.
  ASSERT_EQ(twice.body->value_info().size(), 1u);
  const Value* k = twice.body->value_info()[0];
  EXPECT_EQ(k->name(), "k");
  EXPECT_EQ(k->producer()->op_type, "Constant");
  ASSERT_TRUE(k->type());
  EXPECT_EQ(TypeToString(*k->type()), "float32[]");
}

TEST(Ir10Fields, CallsResolveByDomainNameAndOverload) {
  auto model = MustLoad(kData / "ir10_fields.onnx");
  ASSERT_TRUE(model);
  const Function* twice = model->functions[0].get();
  const Function* thrice = model->functions[1].get();
  EXPECT_EQ(model->FindFunction("local", "Scale", "twice"), twice);
  EXPECT_EQ(model->FindFunction("local", "Scale", "thrice"), thrice);
  EXPECT_EQ(model->FindFunction("local", "Scale"), nullptr);  // no overload-less one
  EXPECT_EQ(model->FindFunction("local", "Scale", "four_times"), nullptr);
  EXPECT_EQ(model->FindFunction(*NodeNamed(*model->graph, "double")), twice);
  EXPECT_EQ(model->FindFunction(*NodeNamed(*model->graph, "triple")), thrice);
}

TEST(Ir10Fields, RoundTripIsByteIdentical) {
  for (const char* name : {"ir10_fields.onnx", "ir10_missing_overload.onnx"}) {
    SCOPED_TRACE(name);
    std::string original = testing::ReadFile(kData / name);
    auto model = LoadBytes(original);
    ASSERT_TRUE(model.ok()) << model.status();
    auto saved = SaveBytes(**model);
    ASSERT_TRUE(saved.ok());
    EXPECT_TRUE(*saved == original);
    std::string expected;
    ASSERT_TRUE(testing::ProtobufReserialize(original, &expected));
    EXPECT_TRUE(*saved == expected);
  }
}

// A field a program sets is written where protobuf puts it: the bytes are what protobuf
// gives for them, and reading them gives the fields back.
TEST(Ir10Fields, FieldsSetInCodeAreSavedAndReadBack) {
  auto model = MustLoad(kData / "ir10_fields.onnx");
  ASSERT_TRUE(model);
  Graph& g = *model->graph;
  Node* add = NodeNamed(g, "add");
  add->overload = "o";
  add->metadata_props.push_back({"k", "v", {}});
  g.metadata_props.clear();
  g.outputs()[0]->mutable_info().metadata_props.push_back({"unit", "m", {}});
  Function& thrice = *model->functions[1];
  thrice.overload = "three";
  NodeNamed(g, "triple")->overload = "three";
  thrice.metadata_props.push_back({"more", "yes", {}});
  thrice.body->AddValueInfo(thrice.body->outputs()[0]);
  thrice.body->outputs()[0]->mutable_info().has_type = true;
  thrice.body->outputs()[0]->mutable_info().type = Type::Tensor(DataType::kFloat, {});
  model->configuration.push_back({"third", 3, {}, {}});

  auto bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok());
  std::string canonical;
  ASSERT_TRUE(testing::ProtobufReserialize(*bytes, &canonical));
  EXPECT_TRUE(*bytes == canonical);

  auto back = Reload(*model);
  ASSERT_TRUE(back);
  const Graph& h = *back->graph;
  EXPECT_EQ(NodeNamed(h, "add")->overload, "o");
  EXPECT_THAT(NodeNamed(h, "add")->metadata_props, ElementsAre(Pair("k", "v")));
  EXPECT_TRUE(h.metadata_props.empty());
  EXPECT_THAT(h.outputs()[0]->info().metadata_props, ElementsAre(Pair("unit", "m")));
  EXPECT_EQ(back->FindFunction(*NodeNamed(h, "triple")), back->functions[1].get());
  EXPECT_EQ(back->functions[1]->overload, "three");
  EXPECT_THAT(back->functions[1]->metadata_props,
              ElementsAre(Pair("purpose", "scale by 3.0"), Pair("more", "yes")));
  ASSERT_EQ(back->functions[1]->body->value_info().size(), 2u);
  EXPECT_EQ(TypeToString(*back->functions[1]->body->value_info()[1]->type()), "float32[]");
  ASSERT_EQ(back->configuration.size(), 3u);
  EXPECT_EQ(back->configuration[2].num_devices, 3);
}

// Known fields come before unknown ones, whatever the order a program added them in: an
// unknown field (a vendor's field 1000) kept on a node stays after the node's IR 10 fields.
TEST(Ir10Fields, UnknownFieldsStayAfterTheKnownOnes) {
  auto model = MustLoad(kData / "ir10_fields.onnx");
  ASSERT_TRUE(model);
  Node* add = NodeNamed(*model->graph, "add");
  // Field 1000, varint 7: tag (1000 << 3) = 8000 = 0xC0 0x3E.
  add->preserved.unknown_fields = std::string("\xc0\x3e\x07", 3);
  add->metadata_props.push_back({"k", "v", {}});
  auto bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok());
  std::string canonical;
  ASSERT_TRUE(testing::ProtobufReserialize(*bytes, &canonical));
  EXPECT_TRUE(*bytes == canonical);
}

TEST(Ir10Fields, CloneCopiesThem) {
  auto model = MustLoad(kData / "ir10_fields.onnx");
  ASSERT_TRUE(model);
  const Graph& g = *model->graph;
  ValueMap map;
  std::unique_ptr<Graph> copy = CloneGraph(g, nullptr, map);
  EXPECT_THAT(copy->metadata_props, ElementsAre(Pair("stage", "test")));
  const Node* doubled = NodeNamed(*copy, "double");
  ASSERT_TRUE(doubled);
  EXPECT_EQ(doubled->overload, "twice");
  EXPECT_EQ(doubled->metadata_props.size(), 2u);
  EXPECT_EQ(NodeNamed(*copy, "add")->device_configurations.size(), 1u);
  EXPECT_THAT(copy->inputs()[0]->info().metadata_props, ElementsAre(Pair("layout", "NC")));

  // Saved in place of the source, the copy gives the same bytes.
  auto original = SaveBytes(*model);
  model->graph = std::move(copy);
  auto saved = SaveBytes(*model);
  ASSERT_TRUE(original.ok() && saved.ok());
  EXPECT_TRUE(*saved == *original);
}

}  // namespace
}  // namespace onnxkit
