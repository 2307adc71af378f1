// ForEachDataChunk (ir/tensor_chunks.h): reading a tensor's raw data in pieces, as dump's
// statistics and previews do. The pieces of any tensor (external, raw_data, typed fields) put
// together are its Data(); each piece holds whole elements; a file truncated after loading fails
// with the message a whole read gives; and a reader can stop after the first piece.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/tensor_models.h"
#include "ir/tensor_chunks.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::ExternalFloats;
using ::onnxkit::testing::SaveModel;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WriteFile;

// Bytes that differ from position to position, so that a misplaced piece shows.
std::string Pattern(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
  return out;
}

// The pieces ForEachDataChunk hands out with `chunk_bytes`.
std::vector<std::string> Chunks(const Tensor& t, uint64_t chunk_bytes) {
  std::vector<std::string> chunks;
  Status read = ForEachDataChunk(
      t,
      [&](std::string_view chunk) {
        chunks.emplace_back(chunk);
        return true;
      },
      chunk_bytes);
  EXPECT_TRUE(read.ok()) << read;
  return chunks;
}

std::string Joined(const std::vector<std::string>& chunks) {
  std::string out;
  for (const std::string& c : chunks) out += c;
  return out;
}

// dir/model.onnx with W: float32[count] in dir/w.bin at offset 8.
std::unique_ptr<Model> ExternalModel(const fs::path& dir, int64_t count, std::string* bytes) {
  *bytes = Pattern(static_cast<size_t>(count) * 4);
  WriteFile(dir / "w.bin", "padding!" + *bytes);
  SaveModel(dir / "model.onnx", {ExternalFloats("W", count, "w.bin", 8)});
  auto model = LoadFile((dir / "model.onnx").string());
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

const Tensor& W(const Model& model) { return *model.graph->initializers()[0]->initializer(); }

TEST(DataChunks, ExternalChunksPutTogetherAreTheData) {
  TempDir dir;
  std::string bytes;
  auto model = ExternalModel(dir.path(), 100'000, &bytes);
  ASSERT_TRUE(model);
  for (uint64_t chunk_bytes :
       {uint64_t{4}, uint64_t{4096}, uint64_t{65536}, uint64_t{1} << 20, uint64_t{1} << 30}) {
    const std::vector<std::string> chunks = Chunks(W(*model), chunk_bytes);
    EXPECT_EQ(Joined(chunks), bytes) << chunk_bytes;
    EXPECT_EQ(chunks.size(), (bytes.size() + chunk_bytes - 1) / chunk_bytes) << chunk_bytes;
  }
}

TEST(DataChunks, ChunksHoldWholeElements) {
  TempDir dir;
  std::string bytes;
  auto model = ExternalModel(dir.path(), 1000, &bytes);
  ASSERT_TRUE(model);
  // 4,001 bytes is not a whole number of floats: pieces are 4,000 bytes.
  const std::vector<std::string> chunks = Chunks(W(*model), 4001);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].size(), 4000u);
  // Less than one element still reads one at a time.
  EXPECT_EQ(Chunks(W(*model), 1).size(), 1000u);
  EXPECT_EQ(Joined(Chunks(W(*model), 3999)), bytes);

  // float6: four elements in three bytes, so pieces are multiples of three bytes.
  Tensor f6;
  f6.data_type = static_cast<int32_t>(DataType::kFloat6E2M3);
  f6.dims = {40};  // 30 bytes
  f6.SetRawData(Bytes::Copy(Pattern(30)));
  const std::vector<std::string> six = Chunks(f6, 8);
  ASSERT_EQ(six.size(), 5u);
  for (const std::string& c : six) EXPECT_EQ(c.size(), 6u);
  EXPECT_EQ(Joined(six), Pattern(30));
  EXPECT_EQ(DataTypeGroupBytes(static_cast<int32_t>(DataType::kInt4)), 1u);
  EXPECT_EQ(DataTypeGroupBytes(static_cast<int32_t>(DataType::kComplex128)), 16u);
}

TEST(DataChunks, InlineAndTypedFieldChunksPutTogetherAreTheData) {
  Tensor raw;
  raw.data_type = static_cast<int32_t>(DataType::kInt16);
  raw.dims = {3, 500};
  raw.SetRawData(Bytes::Copy(Pattern(3000)));
  EXPECT_EQ(Joined(Chunks(raw, 1000)), Pattern(3000));
  EXPECT_EQ(Chunks(raw, 1000).size(), 3u);

  Tensor typed;  // int16 in int32_data: converted as Data() converts it
  typed.data_type = static_cast<int32_t>(DataType::kInt16);
  typed.dims = {5};
  typed.int32_data = {1, -2, 300, -32768, 32767};
  auto data = typed.Data();
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(Joined(Chunks(typed, 4)), std::string(data->view()));
  EXPECT_EQ(Chunks(typed, 4).size(), 3u);
}

TEST(DataChunks, StoppingEarlyReadsNoMore) {
  TempDir dir;
  std::string bytes;
  auto model = ExternalModel(dir.path(), 10'000, &bytes);
  ASSERT_TRUE(model);
  int calls = 0;
  std::string first;
  Status read = ForEachDataChunk(
      W(*model),
      [&](std::string_view chunk) {
        ++calls;
        first = chunk;
        return false;
      },
      24);
  ASSERT_TRUE(read.ok()) << read;
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(first, bytes.substr(0, 24));
}

TEST(DataChunks, TruncatedFileFailsAsAWholeReadDoes) {
  TempDir dir;
  std::string bytes;
  auto model = ExternalModel(dir.path(), 10'000, &bytes);
  ASSERT_TRUE(model);
  // The file now ends 1,000 bytes into the tensor (which starts at byte 8).
  fs::resize_file(dir.path() / "w.bin", 1008);
  auto whole = W(*model).Data();
  ASSERT_FALSE(whole.ok());
  for (uint64_t chunk_bytes : {uint64_t{400}, uint64_t{4096}, uint64_t{1} << 20}) {
    std::string delivered;
    Status read = ForEachDataChunk(
        W(*model),
        [&](std::string_view chunk) {
          delivered += chunk;
          return true;
        },
        chunk_bytes);
    EXPECT_EQ(read, whole.status()) << chunk_bytes;
    // The pieces before the end of the file were read and handed out.
    EXPECT_EQ(delivered, bytes.substr(0, delivered.size()));
    EXPECT_EQ(delivered.size(), chunk_bytes == 400 ? 800u : 0u);
  }
  EXPECT_THAT(std::string(StatusMessage(whole.status())), ::testing::HasSubstr("truncated"));
}

TEST(DataChunks, StringTensorsHaveNoRawChunks) {
  Tensor t;
  t.data_type = static_cast<int32_t>(DataType::kString);
  t.dims = {1};
  t.string_data = {"a"};
  Status read = ForEachDataChunk(t, [](std::string_view) { return true; });
  EXPECT_EQ(read, t.Data().status());
  EXPECT_FALSE(read.ok());
}

}  // namespace
}  // namespace onnxkit
