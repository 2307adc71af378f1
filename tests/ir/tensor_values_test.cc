// Tensors for computation (onnxkit/tensor.h): typed views over every field a tensor's data
// can be in, builders from values, and conversion of small constants to double / int64.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "ir/ir_test_util.h"
#include "onnxkit/number_formats.h"
#include "onnxkit/tensor.h"

namespace onnxkit {
namespace {

Tensor Typed(DataType type, std::vector<int64_t> dims) {
  Tensor t;
  t.name = "t";
  t.data_type = static_cast<int32_t>(type);
  t.dims = std::move(dims);
  return t;
}

template <typename T>
std::vector<T> ViewOf(const Tensor& t) {
  StatusOr<TypedView<T>> view = View<T>(t);
  EXPECT_TRUE(view.ok()) << view.status();
  return view.ok() ? view->ToVector() : std::vector<T>{};
}

TEST(TensorView, ReadsRawData) {
  StatusOr<Tensor> t = Tensor::FromValues<float>({2, 2}, std::vector<float>{1.5f, -2, 0, 3});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->has_raw_data());
  EXPECT_EQ(ViewOf<float>(*t), (std::vector<float>{1.5f, -2, 0, 3}));
}

TEST(TensorView, ReadsEachTypedField) {
  Tensor f = Typed(DataType::kFloat, {2});
  f.float_data = {1, 2};
  EXPECT_EQ(ViewOf<float>(f), (std::vector<float>{1, 2}));

  Tensor d = Typed(DataType::kDouble, {1});
  d.double_data = {0.25};
  EXPECT_EQ(ViewOf<double>(d), std::vector<double>{0.25});

  Tensor i64 = Typed(DataType::kInt64, {2});
  i64.int64_data = {INT64_MIN, 7};
  EXPECT_EQ(ViewOf<int64_t>(i64), (std::vector<int64_t>{INT64_MIN, 7}));

  Tensor u64 = Typed(DataType::kUint64, {1});
  u64.uint64_data = {UINT64_MAX};
  EXPECT_EQ(ViewOf<uint64_t>(u64), std::vector<uint64_t>{UINT64_MAX});

  Tensor u32 = Typed(DataType::kUint32, {1});  // uint32 travels in uint64_data
  u32.uint64_data = {4000000000u};
  EXPECT_EQ(ViewOf<uint32_t>(u32), std::vector<uint32_t>{4000000000u});

  Tensor i32 = Typed(DataType::kInt32, {2});
  i32.int32_data = {-5, 6};
  EXPECT_EQ(ViewOf<int32_t>(i32), (std::vector<int32_t>{-5, 6}));
}

// int32_data carries the narrow types, one element per entry, as the spec says.
TEST(TensorView, ReadsNarrowTypesFromInt32Data) {
  Tensor i8 = Typed(DataType::kInt8, {3});
  i8.int32_data = {-128, 0, 127};
  EXPECT_EQ(ViewOf<int8_t>(i8), (std::vector<int8_t>{-128, 0, 127}));

  Tensor u8 = Typed(DataType::kUint8, {2});
  u8.int32_data = {0, 255};
  EXPECT_EQ(ViewOf<uint8_t>(u8), (std::vector<uint8_t>{0, 255}));

  Tensor i16 = Typed(DataType::kInt16, {2});
  i16.int32_data = {-32768, 32767};
  EXPECT_EQ(ViewOf<int16_t>(i16), (std::vector<int16_t>{-32768, 32767}));

  Tensor u16 = Typed(DataType::kUint16, {1});
  u16.int32_data = {65535};
  EXPECT_EQ(ViewOf<uint16_t>(u16), std::vector<uint16_t>{65535});

  Tensor b = Typed(DataType::kBool, {3});
  b.int32_data = {1, 0, 1};
  EXPECT_EQ(ViewOf<bool>(b), (std::vector<bool>{true, false, true}));

  Tensor h = Typed(DataType::kFloat16, {2});
  h.int32_data = {0x3c00, 0xc000};  // 1.0, -2.0
  std::vector<Float16> halves = ViewOf<Float16>(h);
  ASSERT_EQ(halves.size(), 2u);
  EXPECT_EQ(ToFloat(halves[0]), 1.0f);
  EXPECT_EQ(ToFloat(halves[1]), -2.0f);

  Tensor bf = Typed(DataType::kBfloat16, {1});
  bf.int32_data = {0x3fc0};  // 1.5
  std::vector<Bfloat16> bfloats = ViewOf<Bfloat16>(bf);
  ASSERT_EQ(bfloats.size(), 1u);
  EXPECT_EQ(ToFloat(bfloats[0]), 1.5f);
}

TEST(TensorView, ReadsComplexAsPairs) {
  Tensor c = Typed(DataType::kComplex64, {1});
  c.float_data = {1, -2};
  const std::vector<std::complex<float>> expected = {{1, -2}};
  EXPECT_EQ(ViewOf<std::complex<float>>(c), expected);
}

TEST(TensorView, RefusesAnotherElementType) {
  Tensor f = Typed(DataType::kFloat, {1});
  f.float_data = {1};
  StatusOr<TypedView<double>> view = View<double>(f);
  ASSERT_FALSE(view.ok());
  EXPECT_NE(view.status().message().find("float32, not float64"), std::string::npos)
      << view.status();
}

TEST(TensorView, RefusesDataThatDisagreesWithDims) {
  Tensor f = Typed(DataType::kFloat, {3});
  f.float_data = {1, 2};
  EXPECT_FALSE(View<float>(f).ok());
}

// A view shares the bytes it reads, so it outlives the model whose file buffer it aliases.
TEST(TensorView, OutlivesTheModel) {
  auto model = ir_test::Parse(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[3] x) => (float[3] y)
    <float[3] w = {1.0, 2.0, 3.0}>
    { y = Add(x, w) }
  )");
  ASSERT_NE(model, nullptr);
  StatusOr<TypedView<float>> view = View<float>(*model->graph->initializers()[0]->initializer());
  ASSERT_TRUE(view.ok()) << view.status();
  model.reset();
  EXPECT_EQ(view->ToVector(), (std::vector<float>{1, 2, 3}));
  float sum = 0;
  for (float v : *view) sum += v;
  EXPECT_EQ(sum, 6.0f);
}

// The IR reads external data only through the DataSource the loader attached; any source
// does, e.g. one in memory.
class MemorySource : public DataSource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  StatusOr<Bytes> Read(uint64_t offset, uint64_t length, std::string_view) const override {
    ++reads;
    if (offset + length > bytes_.size()) return absl::OutOfRangeError("past the end");
    return Bytes::Copy(std::string_view(bytes_).substr(offset, length));
  }
  FileId id() const override { return {1, 2}; }
  mutable int reads = 0;

 private:
  std::string bytes_;
};

TEST(TensorView, ReadsExternalDataThroughItsSource) {
  int32_t values[] = {10, -20, 30};
  std::string file(4, 'x');
  file.append(reinterpret_cast<const char*>(values), sizeof(values));
  auto source = std::make_shared<MemorySource>(file);
  Tensor t = Typed(DataType::kInt32, {3});
  t.data_location = 1;
  t.external = std::make_shared<ExternalLocation>(ExternalLocation{"mem", 4, 12, source});
  EXPECT_EQ(ViewOf<int32_t>(t), (std::vector<int32_t>{10, -20, 30}));
  EXPECT_EQ(source->reads, 1);

  t.external = std::make_shared<ExternalLocation>(ExternalLocation{"mem", 8, 12, source});
  EXPECT_EQ(View<int32_t>(t).status().code(), absl::StatusCode::kOutOfRange);
}

// The IR reads no files (DESIGN.md's layers): nothing in src/ir or the public headers
// includes src/io or opens, reads or maps a file.
TEST(TensorDataSource, IrReadsNoFiles) {
  const std::filesystem::path root = ONNXKIT_SOURCE_DIR;
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"src/ir", "include/onnxkit"}) {
    for (const auto& entry : std::filesystem::directory_iterator(root / dir)) {
      files.push_back(entry.path());
    }
  }
  ASSERT_GT(files.size(), 10u);
  for (const auto& file : files) {
    const std::string text = testing::ReadFile(file);
    for (const char* forbidden : {"#include \"io/", "<fcntl.h>", "<unistd.h>", "<sys/mman.h>",
                                  "<fstream>", "fopen(", "pread("}) {
      EXPECT_EQ(text.find(forbidden), std::string::npos) << file << " has " << forbidden;
    }
  }
}

TEST(TensorBuilders, FromValuesChecksTheCount) {
  StatusOr<Tensor> ok = Tensor::FromValues<int64_t>({2, 0}, std::vector<int64_t>{});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok->ElementCount(), 0);
  EXPECT_FALSE(Tensor::FromValues<int64_t>({2}, std::vector<int64_t>{1, 2, 3}).ok());
  EXPECT_FALSE(Tensor::FromValues<int64_t>({-1}, std::vector<int64_t>{}).ok());
}

TEST(TensorBuilders, ScalarsOfEachType) {
  Tensor f = Tensor::Scalar(2.5f);
  EXPECT_EQ(f.data_type, static_cast<int32_t>(DataType::kFloat));
  EXPECT_TRUE(f.dims.empty());
  EXPECT_EQ(ViewOf<float>(f), std::vector<float>{2.5f});

  Tensor b = Tensor::Scalar(true);
  EXPECT_EQ(b.data_type, static_cast<int32_t>(DataType::kBool));
  EXPECT_EQ(b.raw_data.view(), std::string_view("\x01", 1));

  Tensor h = Tensor::Scalar(ToFloat16(-0.5f));
  EXPECT_EQ(h.data_type, static_cast<int32_t>(DataType::kFloat16));
  EXPECT_EQ(*ToDoubles(h), std::vector<double>{-0.5});

  Tensor u8 = Tensor::Scalar(uint8_t{200});
  EXPECT_EQ(*ToInt64s(u8), std::vector<int64_t>{200});
}

TEST(TensorBuilders, Strings) {
  StatusOr<Tensor> t = Tensor::FromStrings({2}, {"a", "bc"});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->data_type, static_cast<int32_t>(DataType::kString));
  EXPECT_EQ(t->string_data, (std::vector<std::string>{"a", "bc"}));
  EXPECT_FALSE(Tensor::FromStrings({3}, {"a"}).ok());
  EXPECT_FALSE(ToDoubles(*t).ok());
}

TEST(TensorConversions, ToDoublesReadsEveryNumericType) {
  Tensor i8 = Typed(DataType::kInt8, {2});
  i8.int32_data = {-3, 4};
  EXPECT_EQ(*ToDoubles(i8), (std::vector<double>{-3, 4}));

  Tensor bf = Typed(DataType::kBfloat16, {1});
  bf.int32_data = {0xc040};  // -3.0
  EXPECT_EQ(*ToDoubles(bf), std::vector<double>{-3});

  Tensor scales = *Tensor::FromValues<float>({4}, std::vector<float>{1, 1, 2, 2});
  EXPECT_EQ(*ToDoubles(scales), (std::vector<double>{1, 1, 2, 2}));

  Tensor i4 = Typed(DataType::kInt4, {3});  // packed two per int32_data entry
  i4.int32_data = {0x8f, 0x07};             // -1, -8, 7
  EXPECT_EQ(*ToDoubles(i4), (std::vector<double>{-1, -8, 7}));
}

TEST(TensorConversions, ToInt64sIsExactOrAnError) {
  Tensor shape = *Tensor::FromValues<int64_t>({3}, std::vector<int64_t>{1, -1, INT64_MAX});
  EXPECT_EQ(*ToInt64s(shape), (std::vector<int64_t>{1, -1, INT64_MAX}));

  Tensor whole = *Tensor::FromValues<double>({2}, std::vector<double>{3, -4});
  EXPECT_EQ(*ToInt64s(whole), (std::vector<int64_t>{3, -4}));

  Tensor fraction = *Tensor::FromValues<float>({2}, std::vector<float>{1, 1.5f});
  StatusOr<std::vector<int64_t>> refused = ToInt64s(fraction);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("element 1"), std::string::npos) << refused.status();

  Tensor nan = Tensor::Scalar(std::numeric_limits<float>::quiet_NaN());
  EXPECT_FALSE(ToInt64s(nan).ok());
  Tensor huge = Tensor::Scalar(uint64_t{1} << 63);
  EXPECT_FALSE(ToInt64s(huge).ok());
  Tensor big_double = Tensor::Scalar(9223372036854775808.0);
  EXPECT_FALSE(ToInt64s(big_double).ok());
}

TEST(TensorConversions, RespectsTheElementLimit) {
  Tensor t = *Tensor::FromValues<int32_t>({4}, std::vector<int32_t>{1, 2, 3, 4});
  EXPECT_EQ(ToDoubles(t, 3).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(ToDoubles(t, 4).ok());
}

}  // namespace
}  // namespace onnxkit
