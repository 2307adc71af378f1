// Builds the SRCNN super-resolution model of the PyTorch "super resolution" tutorial with the
// onnxkit IR and saves it.
//
//   srcnn_demo OUT.onnx
//
// The graph is what torch.onnx.export gives for that model at opset 11: a bicubic Resize
// (x3) of a 1x3x256x256 image, then Conv 9x9 -> Relu -> Conv 1x1 -> Relu -> Conv 5x5. Value
// and node names follow the exporter ("/conv1/Conv", "conv1.weight", …). Weights are random
// but reproducible (a fixed seed), drawn like PyTorch's default Conv2d initialisation.
//
// Only the public API is used: this file is also the example of how to build a model from
// scratch with onnxkit.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "onnxkit/status.h"
#include "onnxkit/tensor.h"

namespace {

using onnxkit::Attribute;
using onnxkit::AttributeType;
using onnxkit::DataType;
using onnxkit::Dim;
using onnxkit::Graph;
using onnxkit::Node;
using onnxkit::Tensor;
using onnxkit::Type;
using onnxkit::Value;
using onnxkit::ValueInfo;

// --- Small construction helpers (the IR has no builder API yet). ---

// A float32 tensor holding `values` as raw little-endian bytes.
Tensor FloatTensor(std::string name, std::vector<int64_t> dims, const std::vector<float>& values) {
  Tensor t;
  t.name = std::move(name);
  t.data_type = static_cast<int32_t>(DataType::kFloat);
  t.dims = std::move(dims);
  // raw_data is little-endian; so is every machine this example targets.
  t.SetRawData(onnxkit::Bytes::Copy(std::string_view(reinterpret_cast<const char*>(values.data()),
                                                     values.size() * sizeof(float))));
  return t;
}

ValueInfo FloatInfo(std::vector<int64_t> dims) {
  std::vector<Dim> shape;
  for (int64_t d : dims) shape.push_back(Dim::Value(d));
  ValueInfo info;
  info.has_type = true;
  info.type = Type::Tensor(DataType::kFloat, std::move(shape));
  return info;
}

Attribute IntAttr(std::string name, int64_t value) {
  Attribute a;
  a.name = std::move(name);
  a.type = AttributeType::kInt;
  a.i = value;
  return a;
}

Attribute IntsAttr(std::string name, std::vector<int64_t> values) {
  Attribute a;
  a.name = std::move(name);
  a.type = AttributeType::kInts;
  a.ints = std::move(values);
  return a;
}

Attribute FloatAttr(std::string name, float value) {
  Attribute a;
  a.name = std::move(name);
  a.type = AttributeType::kFloat;
  a.f = value;
  return a;
}

Attribute StringAttr(std::string name, std::string value) {
  Attribute a;
  a.name = std::move(name);
  a.type = AttributeType::kString;
  a.s = std::move(value);
  return a;
}

// --- The model. ---

// torch.nn.Conv2d's default initialisation: kaiming_uniform_(a=sqrt(5)) for the weight and
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias, which come to the same bound.
std::vector<float> ConvInit(std::mt19937& rng, int64_t count, int64_t fan_in) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
  std::uniform_real_distribution<float> dist(-bound, bound);
  std::vector<float> values(static_cast<size_t>(count));
  for (float& v : values) v = dist(rng);
  return values;
}

// Appends "/<module>/Conv" with a fresh "<module>.weight" / "<module>.bias" initializer pair.
Value* AddConv(Graph& g, std::mt19937& rng, Value* x, const std::string& module, int64_t in_ch,
               int64_t out_ch, int64_t kernel, int64_t pad, const std::string& output_name) {
  const int64_t fan_in = in_ch * kernel * kernel;
  Value* w = g.AddInitializer(FloatTensor(module + ".weight", {out_ch, in_ch, kernel, kernel},
                                          ConvInit(rng, out_ch * fan_in, fan_in)));
  Value* b =
      g.AddInitializer(FloatTensor(module + ".bias", {out_ch}, ConvInit(rng, out_ch, fan_in)));
  Node* conv = g.AppendNode("Conv", {x, w, b}, {output_name});
  conv->name = "/" + module + "/Conv";
  conv->attributes.push_back(IntsAttr("dilations", {1, 1}));
  conv->attributes.push_back(IntAttr("group", 1));
  conv->attributes.push_back(IntsAttr("kernel_shape", {kernel, kernel}));
  conv->attributes.push_back(IntsAttr("pads", {pad, pad, pad, pad}));
  conv->attributes.push_back(IntsAttr("strides", {1, 1}));
  return conv->output(0);
}

Value* AddRelu(Graph& g, Value* x, const std::string& module) {
  Node* relu = g.AppendNode("Relu", {x}, {"/" + module + "/Relu_output_0"});
  relu->name = "/" + module + "/Relu";
  return relu->output(0);
}

std::unique_ptr<onnxkit::Model> BuildSrcnn(uint32_t seed) {
  auto model = std::make_unique<onnxkit::Model>();
  model->ir_version = 6;  // what torch.onnx.export writes for opset 11
  model->producer_name = "onnxkit-example";
  model->producer_version = "0.1";
  model->opset_import.push_back({"", 11, {}});
  model->graph = std::make_unique<Graph>();
  Graph& g = *model->graph;
  g.name = "torch_jit";

  std::mt19937 rng(seed);
  Value* input = g.AddInput("input", FloatInfo({1, 3, 256, 256}));

  // Resize-11 takes (X, roi, scales[, sizes]); roi is required at opset 11 and is ignored
  // unless coordinate_transformation_mode is "tf_crop_and_resize", so it is an empty tensor.
  Value* roi = g.AddInitializer(FloatTensor("/img_upsampler/Constant_1_output_0", {0}, {}));
  Value* scales =
      g.AddInitializer(FloatTensor("/img_upsampler/Constant_output_0", {4}, {1, 1, 3, 3}));
  Node* resize = g.AppendNode("Resize", {input, roi, scales}, {"/img_upsampler/Resize_output_0"});
  resize->name = "/img_upsampler/Resize";
  resize->attributes.push_back(StringAttr("coordinate_transformation_mode", "pytorch_half_pixel"));
  resize->attributes.push_back(FloatAttr("cubic_coeff_a", -0.75f));
  resize->attributes.push_back(StringAttr("mode", "cubic"));
  resize->attributes.push_back(StringAttr("nearest_mode", "floor"));

  Value* x = resize->output(0);
  x = AddConv(g, rng, x, "conv1", 3, 64, 9, 4, "/conv1/Conv_output_0");
  x = AddRelu(g, x, "relu");
  x = AddConv(g, rng, x, "conv2", 64, 32, 1, 0, "/conv2/Conv_output_0");
  x = AddRelu(g, x, "relu_1");
  x = AddConv(g, rng, x, "conv3", 32, 3, 5, 2, "output");
  x->mutable_info() = FloatInfo({1, 3, 768, 768});
  g.AddOutput(x);
  return model;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.onnx\n", argc > 0 ? argv[0] : "srcnn_demo");
    return 2;
  }
  std::unique_ptr<onnxkit::Model> model = BuildSrcnn(/*seed=*/20240229);
  if (onnxkit::Status status = model->graph->Verify(); !status.ok()) {
    std::fprintf(stderr, "srcnn_demo: internal error: %s\n", status.ToString().c_str());
    return 1;
  }
  if (onnxkit::Status status = onnxkit::SaveFile(*model, argv[1]); !status.ok()) {
    std::fprintf(stderr, "srcnn_demo: %s\n", status.ToString().c_str());
    return 2;
  }
  std::printf("wrote %s (%zu nodes, %zu initializers)\n", argv[1], model->graph->node_count(),
              model->graph->initializers().size());
  return 0;
}
