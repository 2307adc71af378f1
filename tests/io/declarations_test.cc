// A value declared more than once with different contents (graph input and value_info,
// repeated value_info entries) is written back exactly as it was read, at any count.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <string>

#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

void Declare(onnx::ValueInfoProto* info, const std::string& name, int elem_type, int64_t dim) {
  info->set_name(name);
  auto* tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(elem_type);
  tensor->mutable_shape()->add_dim()->set_dim_value(dim);
}

// `count` values, each declared twice in value_info with different types, plus a graph
// input declared again in value_info.
std::string ModelWithDifferingDeclarations(int count) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(17);
  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name("g");
  Declare(graph->add_input(), "X", onnx::TensorProto::FLOAT, 1);
  onnx::NodeProto* node = graph->add_node();
  node->set_op_type("Identity");
  node->add_input("X");
  node->add_output("Y");
  Declare(graph->add_output(), "Y", onnx::TensorProto::FLOAT, 1);
  Declare(graph->add_value_info(), "X", onnx::TensorProto::INT64, 2);
  for (int i = 0; i < count; ++i) {
    std::string name = "v" + std::to_string(i);
    Declare(graph->add_value_info(), name, onnx::TensorProto::FLOAT, i);
    Declare(graph->add_value_info(), name, onnx::TensorProto::INT32, i + 1);
  }
  return model.SerializeAsString();
}

void ExpectSavedUnchanged(const std::string& bytes) {
  auto model = LoadBytes(bytes);
  ASSERT_TRUE(model.ok()) << model.status();
  auto saved = SaveBytes(**model);
  ASSERT_TRUE(saved.ok()) << saved.status();
  std::string expected;
  ASSERT_TRUE(testing::ProtobufReserialize(bytes, &expected));
  EXPECT_TRUE(*saved == expected) << saved->size() << " bytes against " << expected.size();
}

TEST(Declarations, DifferingRepeatsRoundTrip) {
  ExpectSavedUnchanged(ModelWithDifferingDeclarations(3));
}

// 100,000 overriding declarations: the writer looks each one up once (this took minutes
// when every entry scanned the list of overrides).
TEST(Declarations, HundredThousandDifferingRepeatsRoundTrip) {
  ExpectSavedUnchanged(ModelWithDifferingDeclarations(100'000));
}

}  // namespace
}  // namespace onnxkit
