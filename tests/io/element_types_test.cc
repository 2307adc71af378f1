// The element types of IR 9–14 on real data: ONNX 1.22's own backend tests
// (corpus/onnx-backend-1.22/node) hold float8, float8e8m0, float4e2m1, int4/uint4 and
// int2/uint2 tensors, packed in raw_data or in int32_data. Each is loaded (the load-time
// size check knows packed sizes), decoded, and compared with what the test's own expected
// output says: a Cast to float32 / int8 / uint8 is exact, so the cast's output is the
// decoded input; DequantizeLinear's output is (x - zero_point) × scale. `dump` prints the
// same values.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "onnxkit/tensor.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;

const fs::path kNode = testing::CorpusDir() / "onnx-backend-1.22" / "node";

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}

std::string Field(int field, const std::string& payload) {
  return Varint(static_cast<uint64_t>(field) << 3 | 2) + Varint(payload.size()) + payload;
}

// A ModelProto (IR 13, opset 23) whose graph has the serialized TensorProto `tensor` as its
// only initializer.
std::string ModelWithInitializer(const std::string& tensor) {
  const std::string graph = Field(2, "g") + Field(5, tensor);
  const std::string opset = Varint(2 << 3) + Varint(23);
  return Varint(1 << 3) + Varint(13) + Field(7, graph) + Field(8, opset);
}

// The tensor of `test`'s test_data_set_0/`file`.pb, loaded as an initializer.
struct Loaded {
  std::unique_ptr<Model> model;
  const Tensor* tensor = nullptr;
};

Loaded Load(const std::string& test, const std::string& file) {
  const std::string bytes = testing::ReadFile(kNode / test / "test_data_set_0" / (file + ".pb"));
  auto model = LoadBytes(ModelWithInitializer(bytes));
  EXPECT_TRUE(model.ok()) << test << "/" << file << ": " << model.status();
  if (!model.ok()) return {};
  const Tensor* t = (*model)->graph->initializers().at(0)->initializer();
  return {*std::move(model), t};
}

std::vector<double> Decoded(const Loaded& loaded) {
  StatusOr<std::vector<double>> values = ToDoubles(*loaded.tensor);
  EXPECT_TRUE(values.ok()) << values.status();
  return values.ok() ? *values : std::vector<double>{};
}

void ExpectSameValues(const std::vector<double>& actual, const std::vector<double>& expected,
                      const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(actual[i])) << what << " element " << i;
    } else {
      EXPECT_EQ(actual[i], expected[i]) << what << " element " << i;
    }
  }
}

class ExactCast : public ::testing::TestWithParam<std::pair<const char*, DataType>> {};

TEST_P(ExactCast, DecodedInputEqualsTheCastOutput) {
  const auto [test, type] = GetParam();
  Loaded input = Load(test, "input_0");
  Loaded output = Load(test, "output_0");
  ASSERT_TRUE(input.tensor && output.tensor);
  EXPECT_EQ(input.tensor->data_type, static_cast<int32_t>(type));
  ExpectSameValues(Decoded(input), Decoded(output), test);
  // The load-time check accepted the packed raw_data, whose size is not elements × size.
  StatusOr<uint64_t> size = input.tensor->RawByteSize();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(input.tensor->raw_data.size(), *size);
}

INSTANTIATE_TEST_SUITE_P(
    Backend122, ExactCast,
    ::testing::Values(std::pair{"test_cast_FLOAT8E4M3FN_to_FLOAT", DataType::kFloat8E4M3FN},
                      std::pair{"test_cast_FLOAT8E4M3FNUZ_to_FLOAT", DataType::kFloat8E4M3FNUZ},
                      std::pair{"test_cast_FLOAT8E5M2_to_FLOAT", DataType::kFloat8E5M2},
                      std::pair{"test_cast_FLOAT8E5M2FNUZ_to_FLOAT", DataType::kFloat8E5M2FNUZ},
                      std::pair{"test_cast_e8m0_FLOAT8E8M0_to_FLOAT", DataType::kFloat8E8M0},
                      std::pair{"test_cast_FLOAT4E2M1_to_FLOAT", DataType::kFloat4E2M1},
                      std::pair{"test_cast_INT4_to_FLOAT", DataType::kInt4},
                      std::pair{"test_cast_INT4_to_INT8", DataType::kInt4},
                      std::pair{"test_cast_UINT4_to_UINT8", DataType::kUint4},
                      std::pair{"test_cast_INT2_to_INT8", DataType::kInt2},
                      std::pair{"test_cast_UINT2_to_UINT8", DataType::kUint2},
                      std::pair{"test_cast_FLOAT8E4M3FN_to_FLOAT16", DataType::kFloat8E4M3FN},
                      std::pair{"test_cast_FLOAT8E5M2_to_FLOAT16", DataType::kFloat8E5M2}));

// The inputs are packed in int32_data: two 4-bit or four 2-bit elements per entry.
class Dequantize : public ::testing::TestWithParam<const char*> {};

TEST_P(Dequantize, PackedTypedFieldDecodes) {
  const std::string test = GetParam();
  Loaded x = Load(test, "input_0");
  Loaded scale = Load(test, "input_1");
  Loaded zero_point = Load(test, "input_2");
  Loaded y = Load(test, "output_0");
  ASSERT_TRUE(x.tensor && scale.tensor && zero_point.tensor && y.tensor);
  ASSERT_FALSE(x.tensor->int32_data.empty()) << "the test stores x in int32_data";
  EXPECT_LT(x.tensor->int32_data.size(), static_cast<size_t>(*x.tensor->ElementCount()));
  const std::vector<double> xs = Decoded(x);
  const double s = Decoded(scale).at(0);
  const double z = Decoded(zero_point).at(0);
  std::vector<double> expected;
  for (double v : xs) expected.push_back((v - z) * s);
  ExpectSameValues(expected, Decoded(y), test);
  // The checker counts int32_data entries, not elements: no error on these tensors.
  Diagnostics diagnostics = Check(*x.model, CheckOptions{{"tensors"}, false});
  EXPECT_EQ(diagnostics.items.size(), 0u) << FormatDiagnostic(diagnostics.items.at(0), "", false);
}

INSTANTIATE_TEST_SUITE_P(Backend122, Dequantize,
                         ::testing::Values("test_dequantizelinear_int4",
                                           "test_dequantizelinear_uint4",
                                           "test_dequantizelinear_int2",
                                           "test_dequantizelinear_uint2",
                                           "test_dequantizelinear_float4e2m1"));

TEST(ElementTypes, CheckerCountsPackedEntries) {
  Loaded x = Load("test_dequantizelinear_int4", "input_0");
  ASSERT_TRUE(x.tensor);
  Tensor* t = x.model->graph->initializers().at(0)->mutable_initializer();
  t->int32_data.push_back(0);  // 4 entries for 5 int4 elements: one too many
  Diagnostics diagnostics = Check(*x.model, CheckOptions{{"tensors"}, false});
  ASSERT_EQ(diagnostics.items.size(), 1u);
  EXPECT_EQ(diagnostics.items[0].code, "tensors.data-count");
  EXPECT_NE(diagnostics.items[0].message.find("need 3 values but int32_data holds 4"),
            std::string::npos)
      << diagnostics.items[0].message;
  EXPECT_FALSE(t->Data().ok());
}

// A raw_data of elements × 1 byte for a packed type is refused at load, naming both sizes.
TEST(ElementTypes, LoadRefusesUnpackedRawData) {
  Tensor t;
  t.name = "x";
  t.data_type = static_cast<int32_t>(DataType::kInt4);
  t.dims = {5};
  t.SetRawData(Bytes::Copy(std::string(5, '\0')));
  auto model = std::make_unique<Model>();
  model->ir_version = 13;
  model->graph = std::make_unique<Graph>();
  model->graph->AddInitializer(t);
  StatusOr<std::string> bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto loaded = LoadBytes(*bytes);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("int4[5] (3 bytes) but raw_data holds 5 bytes"),
            std::string::npos)
      << loaded.status();
}

// External data of a packed type: the reference's length is the packed size.
TEST(ElementTypes, ExternalPackedTensor) {
  testing::TempDir dir;
  Tensor t;
  t.name = "x";
  t.data_type = static_cast<int32_t>(DataType::kInt4);
  t.dims = {5};
  t.data_location = 1;
  t.external_data = {{"location", "x.bin", {}}, {"length", "3", {}}};
  auto model = std::make_unique<Model>();
  model->ir_version = 13;
  model->graph = std::make_unique<Graph>();
  model->graph->AddInitializer(t);
  StatusOr<std::string> bytes = SaveBytes(*model);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  testing::WriteFile(dir / "m.onnx", *bytes);
  testing::WriteFile(dir / "x.bin", std::string("\x10\xc7\x08", 3));  // 0 1 7 -4 -8
  auto loaded = LoadFile((dir / "m.onnx").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  StatusOr<std::vector<double>> values =
      ToDoubles(*(*loaded)->graph->initializers().at(0)->initializer());
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_EQ(*values, (std::vector<double>{0, 1, 7, -4, -8}));

  testing::WriteFile(dir / "x.bin", std::string(5, '\0'));  // elements × 1 byte: refused
  t.external_data[1].value = "5";
  model = std::make_unique<Model>();
  model->ir_version = 13;
  model->graph = std::make_unique<Graph>();
  model->graph->AddInitializer(t);
  testing::WriteFile(dir / "m.onnx", *SaveBytes(*model));
  EXPECT_FALSE(LoadFile((dir / "m.onnx").string()).ok());
}

// dump prints the decoded values and their statistics.
class DumpValues : public ::testing::TestWithParam<const char*> {};

TEST_P(DumpValues, MatchTheCastOutput) {
  const std::string test = GetParam();
  testing::TempDir dir;
  const fs::path model = dir / "m.onnx";
  testing::WriteFile(
      model,
      ModelWithInitializer(testing::ReadFile(kNode / test / "test_data_set_0" / "input_0.pb")));
  testing::CliResult r =
      testing::RunCli({"dump", "--format=json", "--initializers=full", model.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  const nlohmann::json& init = doc["graph"]["initializers"].at(0);
  Loaded output = Load(test, "output_0");
  ASSERT_TRUE(output.tensor);
  const std::vector<double> expected = Decoded(output);
  ASSERT_EQ(init["values"].size(), expected.size()) << init.dump();
  double min = INFINITY, max = -INFINITY;
  for (size_t i = 0; i < expected.size(); ++i) {
    const nlohmann::json& v = init["values"][i];
    if (std::isnan(expected[i])) {
      EXPECT_EQ(v, "nan") << i;
    } else if (std::isinf(expected[i])) {
      EXPECT_EQ(v, expected[i] > 0 ? "inf" : "-inf") << i;
    } else {
      // dump prints a float as its shortest round-trip decimal: compare as floats.
      EXPECT_EQ(static_cast<float>(v.get<double>()), static_cast<float>(expected[i]))
          << test << " element " << i;
      min = std::min(min, expected[i]);
      max = std::max(max, expected[i]);
    }
  }
  ASSERT_TRUE(init.contains("stats")) << init.dump();
  EXPECT_EQ(static_cast<float>(init["stats"]["min"].get<double>()), static_cast<float>(min));
  EXPECT_EQ(static_cast<float>(init["stats"]["max"].get<double>()), static_cast<float>(max));
}

INSTANTIATE_TEST_SUITE_P(Backend122, DumpValues,
                         ::testing::Values("test_cast_FLOAT8E4M3FN_to_FLOAT",
                                           "test_cast_FLOAT8E5M2_to_FLOAT",
                                           "test_cast_e8m0_FLOAT8E8M0_to_FLOAT",
                                           "test_cast_FLOAT4E2M1_to_FLOAT",
                                           "test_cast_INT4_to_FLOAT", "test_cast_UINT2_to_FLOAT"));

TEST(ElementTypes, DumpTextNamesTheType) {
  testing::TempDir dir;
  const fs::path model = dir / "m.onnx";
  testing::WriteFile(model,
                     ModelWithInitializer(testing::ReadFile(kNode / "test_cast_INT4_to_INT8" /
                                                            "test_data_set_0" / "input_0.pb")));
  testing::CliResult r = testing::RunCli({"dump", model.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("int4[5,5]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("13 B"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace onnxkit
