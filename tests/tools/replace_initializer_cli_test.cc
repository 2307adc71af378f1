// onnxkit replace-initializer: data from .npy and .pb files; a tensor of other dims exits 2
// without --force; a missing tensor file exits 2; nothing is written on an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::testing::HasSubstr;

constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[2] X) => (float[2] Y) <float[2] W = {1, 2}> {
    Y = Add(X, W)
  })";

fs::path WriteModel(const TempDir& dir) {
  fs::path path = dir / "in.onnx";
  testing::WriteFile(path, testing::ModelFromText(kModel));
  return path;
}

fs::path WriteTensor(const TempDir& dir, const std::string& file, std::vector<int64_t> dims,
                     std::vector<float> values) {
  auto t = Tensor::FromValues<float>(std::move(dims), values);
  EXPECT_TRUE(t.ok());
  fs::path path = dir / file;
  EXPECT_TRUE(SaveTensorFile(*t, path.string()).ok());
  return path;
}

std::vector<float> WeightsIn(const std::string& bytes) {
  auto model = LoadBytes(bytes);
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return {};
  auto data = (*model)->graph->Lookup("W")->initializer()->Data();
  EXPECT_TRUE(data.ok());
  std::vector<float> values(data->size() / sizeof(float));
  std::memcpy(values.data(), data->data(), data->size());
  return values;
}

TEST(ReplaceInitializerCli, FromNpyAndPb) {
  TempDir dir;
  fs::path in = WriteModel(dir);
  auto r = RunCli({"replace-initializer", in.string(), "-o", "-", "W",
                   WriteTensor(dir, "w.npy", {2}, {7, 8}).string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(WeightsIn(r.out), (std::vector<float>{7, 8}));
  r = RunCli(
      {"replace-initializer", "-", "-o", "-", "W", WriteTensor(dir, "w.pb", {2}, {9, 10}).string()},
      r.out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(WeightsIn(r.out), (std::vector<float>{9, 10}));
}

TEST(ReplaceInitializerCli, OtherDimsNeedForce) {
  TempDir dir;
  fs::path in = WriteModel(dir);
  fs::path out = dir / "out.onnx";
  fs::path wide = WriteTensor(dir, "w.npy", {3}, {1, 2, 3});
  auto r = RunCli({"replace-initializer", in.string(), "-o", out.string(), "W", wide.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("initializer 'W' is float32[2], the new tensor float32[3]"));
  EXPECT_FALSE(fs::exists(out));
  auto missing = RunCli(
      {"replace-initializer", in.string(), "-o", out.string(), "W", (dir / "none.npy").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("none.npy"));
  EXPECT_FALSE(fs::exists(out));
  auto forced = RunCli(
      {"replace-initializer", in.string(), "-o", out.string(), "W", wide.string(), "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(WeightsIn(testing::ReadFile(out)), (std::vector<float>{1, 2, 3}));
}

}  // namespace
}  // namespace onnxkit
