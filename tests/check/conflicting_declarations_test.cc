// structure.conflicting-declaration: one value declared twice with types that cannot both
// hold is reported, naming both declarations; declarations that only say less (no shape, a
// symbolic dim) are not contradictions.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cctype>

#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "schema/onnx_namespace.h"

namespace onnxkit {
namespace {

void SetType(onnx::ValueInfoProto* v, const std::string& name, int elem_type,
             std::vector<std::string> dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  for (const std::string& d : dims) {
    auto* dim = tt->mutable_shape()->add_dim();
    if (d == "?") continue;
    if (std::isdigit(static_cast<unsigned char>(d[0]))) {
      dim->set_dim_value(std::stoll(d));
    } else {
      dim->set_dim_param(d);
    }
  }
}

// x -> Relu -> y, with x and y declared float32[2] once.
onnx::ModelProto ReluModel() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* opset = m.add_opset_import();
  opset->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("g");
  SetType(g->add_input(), "x", onnx::TensorProto::FLOAT, {"2"});
  auto* n = g->add_node();
  n->set_op_type("Relu");
  n->set_name("relu");
  n->add_input("x");
  n->add_output("y");
  SetType(g->add_output(), "y", onnx::TensorProto::FLOAT, {"2"});
  return m;
}

std::vector<Diagnostic> Conflicts(const onnx::ModelProto& proto) {
  auto model = LoadBytes(proto.SerializeAsString());
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return {};
  std::vector<Diagnostic> out;
  for (Diagnostic& d : Check(**model).items) {
    if (d.code == "structure.conflicting-declaration") out.push_back(std::move(d));
  }
  return out;
}

TEST(ConflictingDeclarations, TwoGraphInputsOfOneName) {
  onnx::ModelProto m = ReluModel();
  SetType(m.mutable_graph()->add_input(), "x", onnx::TensorProto::INT64, {"2"});
  auto found = Conflicts(m);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].location.Path(), "main/x");
  EXPECT_EQ(found[0].message,
            "'x' is declared float32[2] by graph input 0 but int64[2] by graph input 1: the "
            "element types differ");
}

TEST(ConflictingDeclarations, AnOutputListedTwice) {
  onnx::ModelProto m = ReluModel();
  SetType(m.mutable_graph()->add_output(), "y", onnx::TensorProto::FLOAT, {"3"});
  auto found = Conflicts(m);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].message,
            "'y' is declared float32[2] by graph output 0 but float32[3] by graph output 1: "
            "dimension 0 is 2 against 3");
}

TEST(ConflictingDeclarations, RepeatedValueInfo) {
  onnx::ModelProto m = ReluModel();
  m.mutable_graph()->clear_output();
  auto* g = m.mutable_graph();
  SetType(g->add_value_info(), "y", onnx::TensorProto::FLOAT, {"2"});
  SetType(g->add_value_info(), "y", onnx::TensorProto::FLOAT, {"2", "1"});
  SetType(g->add_output(), "y", onnx::TensorProto::FLOAT, {"2"});
  auto found = Conflicts(m);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].message,
            "'y' is declared float32[2] by value_info 0 but float32[2,1] by value_info 1: rank 1 "
            "against rank 2");
}

TEST(ConflictingDeclarations, AnInputAlsoInValueInfo) {
  onnx::ModelProto m = ReluModel();
  SetType(m.mutable_graph()->add_value_info(), "x", onnx::TensorProto::DOUBLE, {"2"});
  auto found = Conflicts(m);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("by graph input 0 but float64[2] by value_info 0"),
            std::string::npos)
      << found[0].message;
}

TEST(ConflictingDeclarations, LessPreciseDeclarationsAgree) {
  onnx::ModelProto m = ReluModel();
  auto* g = m.mutable_graph();
  SetType(g->add_value_info(), "y", onnx::TensorProto::FLOAT, {});  // rank 0 would conflict
  g->mutable_value_info(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  SetType(g->add_value_info(), "y", onnx::TensorProto::FLOAT, {"N"});
  SetType(g->add_value_info(), "y", onnx::TensorProto::FLOAT, {"?"});
  SetType(g->add_value_info(), "x", onnx::TensorProto::UNDEFINED, {"2"});
  EXPECT_TRUE(Conflicts(m).empty());
}

}  // namespace
}  // namespace onnxkit
