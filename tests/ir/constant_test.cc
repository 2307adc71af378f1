// The constant behind a value (onnxkit/constant.h): initializers, overridable defaults,
// every form of `Constant`, sparse tensors densified, and what is not constant.
#include "onnxkit/constant.h"

#include <gtest/gtest.h>

#include "ir/ir_test_util.h"

namespace onnxkit {
namespace {

constexpr int32_t T(DataType type) { return static_cast<int32_t>(type); }

std::unique_ptr<Model> ConstantsModel() {
  return ir_test::Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[2] x, float[2] d) => (float[2] y)
    <float[2] w = {1.0, 2.0}, float[2] d = {5.0, 6.0}>
    {
      t = Constant <value = float[2] {3.0, 4.0}> ()
      f = Constant <value_float = 2.5> ()
      fs = Constant <value_floats = [1.5, -2.0, 0.25]> ()
      i = Constant <value_int = 7> ()
      is = Constant <value_ints = [1, -1, 9]> ()
      s = Constant <value_string = "hi"> ()
      ss = Constant <value_strings = ["a", "bc"]> ()
      a = Add(x, w)
      b = Add(a, d)
      y = Add(b, t)
    }
  )");
}

Value* Find(const Graph& g, std::string_view name) { return g.Lookup(name); }

TEST(Constant, InitializerIsConstantAndSharesItsBytes) {
  auto model = ConstantsModel();
  ASSERT_NE(model, nullptr);
  const Value* w = Find(*model->graph, "w");
  EXPECT_TRUE(IsConstant(w));
  StatusOr<Tensor> t = ConstantTensor(w);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name, "w");
  EXPECT_EQ(*ToDoubles(*t), (std::vector<double>{1, 2}));
}

TEST(Constant, OverridableDefaultOnlyWhenAsked) {
  auto model = ConstantsModel();
  ASSERT_NE(model, nullptr);
  const Value* d = Find(*model->graph, "d");
  ASSERT_TRUE(d->is_graph_input());
  EXPECT_FALSE(IsConstant(d));
  EXPECT_EQ(ConstantTensor(d).status().code(), absl::StatusCode::kNotFound);
  ConstantOptions options;
  options.include_overridable_inputs = true;
  EXPECT_TRUE(IsConstant(d, options));
  EXPECT_EQ(*ToDoubles(*ConstantTensor(d, options)), (std::vector<double>{5, 6}));
}

TEST(Constant, PlainValuesAreNot) {
  auto model = ConstantsModel();
  ASSERT_NE(model, nullptr);
  for (const char* name : {"x", "a", "y"}) {
    EXPECT_FALSE(IsConstant(Find(*model->graph, name))) << name;
    EXPECT_EQ(ConstantTensor(Find(*model->graph, name)).status().code(),
              absl::StatusCode::kNotFound)
        << name;
  }
  EXPECT_FALSE(IsConstant(nullptr));
}

TEST(Constant, ValueTensor) {
  auto model = ConstantsModel();
  ASSERT_NE(model, nullptr);
  StatusOr<Tensor> t = ConstantTensor(Find(*model->graph, "t"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name, "t");
  EXPECT_EQ(t->dims, std::vector<int64_t>{2});
  EXPECT_EQ(*ToDoubles(*t), (std::vector<double>{3, 4}));
}

TEST(Constant, FloatForms) {
  auto model = ConstantsModel();
  ASSERT_NE(model, nullptr);
  StatusOr<Tensor> f = ConstantTensor(Find(*model->graph, "f"));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->data_type, T(DataType::kFloat));
  EXPECT_TRUE(f->dims.empty());
  EXPECT_EQ(*ToDoubles(*f), std::vector<double>{2.5});

  StatusOr<Tensor> fs = ConstantTensor(Find(*model->graph, "fs"));
  ASSERT_TRUE(fs.ok()) << fs.status();
  EXPECT_EQ(fs->dims, std::vector<int64_t>{3});
  EXPECT_EQ(*ToDoubles(*fs), (std::vector<double>{1.5, -2, 0.25}));
}

TEST(Constant, IntForms) {
  auto model = ConstantsModel();
  ASSERT_NE(model, nullptr);
  StatusOr<Tensor> i = ConstantTensor(Find(*model->graph, "i"));
  ASSERT_TRUE(i.ok()) << i.status();
  EXPECT_EQ(i->data_type, T(DataType::kInt64));
  EXPECT_TRUE(i->dims.empty());
  EXPECT_EQ(*ToInt64s(*i), std::vector<int64_t>{7});

  StatusOr<Tensor> is = ConstantTensor(Find(*model->graph, "is"));
  ASSERT_TRUE(is.ok()) << is.status();
  EXPECT_EQ(is->dims, std::vector<int64_t>{3});
  EXPECT_EQ(*ToInt64s(*is), (std::vector<int64_t>{1, -1, 9}));
}

TEST(Constant, StringForms) {
  auto model = ConstantsModel();
  ASSERT_NE(model, nullptr);
  StatusOr<Tensor> s = ConstantTensor(Find(*model->graph, "s"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->data_type, T(DataType::kString));
  EXPECT_TRUE(s->dims.empty());
  EXPECT_EQ(s->string_data, std::vector<std::string>{"hi"});

  StatusOr<Tensor> ss = ConstantTensor(Find(*model->graph, "ss"));
  ASSERT_TRUE(ss.ok()) << ss.status();
  EXPECT_EQ(ss->dims, std::vector<int64_t>{2});
  EXPECT_EQ(ss->string_data, (std::vector<std::string>{"a", "bc"}));
}

SparseTensor Sparse(std::vector<int64_t> dims, std::vector<float> values,
                    std::vector<int64_t> index_dims, std::vector<int64_t> indices) {
  SparseTensor st;
  st.dims = std::move(dims);
  st.values = *Tensor::FromValues<float>({static_cast<int64_t>(values.size())}, values);
  st.indices = *Tensor::FromValues<int64_t>(std::move(index_dims), indices);
  return st;
}

Attribute SparseAttribute(SparseTensor st) {
  Attribute a;
  a.name = "sparse_value";
  a.type = AttributeType::kSparseTensor;
  a.sparse_tensor = std::move(st);
  return a;
}

TEST(Constant, SparseValueIsDensified) {
  Graph g;
  Node* linear = g.AppendNode("Constant", {}, {"linear"});
  linear->SetAttribute(SparseAttribute(Sparse({2, 3}, {1.5f, -2}, {2}, {1, 5})));
  Node* coordinates = g.AppendNode("Constant", {}, {"coordinates"});
  coordinates->SetAttribute(SparseAttribute(Sparse({2, 3}, {7, 8}, {2, 2}, {0, 0, 1, 2})));

  StatusOr<Tensor> a = ConstantTensor(linear->output(0));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(*ToDoubles(*a), (std::vector<double>{0, 1.5, 0, 0, 0, -2}));

  StatusOr<Tensor> b = ConstantTensor(coordinates->output(0));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*ToDoubles(*b), (std::vector<double>{7, 0, 0, 0, 0, 8}));
}

TEST(Constant, SparseErrors) {
  Graph g;
  Node* out_of_range = g.AppendNode("Constant", {}, {"r"});
  out_of_range->SetAttribute(SparseAttribute(Sparse({2}, {1}, {1}, {2})));
  EXPECT_EQ(ConstantTensor(out_of_range->output(0)).status().code(),
            absl::StatusCode::kInvalidArgument);

  Node* huge = g.AppendNode("Constant", {}, {"h"});
  huge->SetAttribute(SparseAttribute(Sparse({int64_t{1} << 40}, {1}, {1}, {0})));
  EXPECT_EQ(ConstantTensor(huge->output(0)).status().code(), absl::StatusCode::kResourceExhausted);

  SparseTensor packed = Sparse({4}, {1}, {1}, {0});
  packed.values->data_type = static_cast<int32_t>(DataType::kInt4);
  EXPECT_EQ(Densify(packed).status().code(), absl::StatusCode::kUnimplemented);
}

TEST(Constant, SparseInitializerIsDensified) {
  Graph g;
  Value* v = g.AddSparseInitializer("sp", Sparse({3}, {4}, {1}, {2}));
  EXPECT_TRUE(IsConstant(v));
  StatusOr<Tensor> t = ConstantTensor(v);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name, "sp");
  EXPECT_EQ(*ToDoubles(*t), (std::vector<double>{0, 0, 4}));
}

TEST(Constant, MalformedOrReferencingConstants) {
  Graph g;
  Node* empty = g.AppendNode("Constant", {}, {"e"});
  EXPECT_FALSE(IsConstant(empty->output(0)));
  EXPECT_EQ(ConstantTensor(empty->output(0)).status().code(), absl::StatusCode::kInvalidArgument);

  Node* two = g.AppendNode("Constant", {}, {"two"});
  two->SetAttribute(Attribute::Float("value_float", 1));
  two->SetAttribute(Attribute::Int("value_int", 1));
  EXPECT_EQ(ConstantTensor(two->output(0)).status().code(), absl::StatusCode::kInvalidArgument);

  // Inside a function body: the value is the caller's attribute.
  Node* ref = g.AppendNode("Constant", {}, {"ref"});
  Attribute a;
  a.name = "value_float";
  a.type = AttributeType::kFloat;
  a.ref_attr_name = "alpha";
  ref->SetAttribute(std::move(a));
  EXPECT_FALSE(IsConstant(ref->output(0)));
  EXPECT_EQ(ConstantTensor(ref->output(0)).status().code(), absl::StatusCode::kNotFound);

  Node* custom = g.AppendNode("Constant", {}, {"custom"}, "com.example");
  custom->SetAttribute(Attribute::Float("value_float", 1));
  EXPECT_FALSE(IsConstant(custom->output(0)));

  Node* plain = g.AppendNode("Constant", {}, {"plain"}, "ai.onnx");
  plain->SetAttribute(Attribute::Float("value_float", 1));
  EXPECT_TRUE(IsConstant(plain->output(0)));
}

}  // namespace
}  // namespace onnxkit
