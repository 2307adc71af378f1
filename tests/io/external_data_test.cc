// External data (ONNX docs/ExternalData.md): reading tensors from side files, moving them
// there and back with `onnxkit convert`, the references the loader accepts and refuses
// beyond the invalid corpus, and models whose data is past 2 GiB.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::CorpusDir;
using ::onnxkit::testing::ReadFile;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WeightsDir;
using ::onnxkit::testing::WriteFile;
using ::testing::HasSubstr;

std::unique_ptr<Model> MustLoad(const fs::path& file) {
  auto model = LoadFile(file.string());
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

// The main graph's initializers by name.
std::map<std::string, const Tensor*> Initializers(const Model& model) {
  std::map<std::string, const Tensor*> out;
  for (const Value* v : model.graph->initializers()) out[v->name()] = v->initializer();
  return out;
}

std::string DataOf(const Tensor& t) {
  auto data = t.Data();
  EXPECT_TRUE(data.ok()) << t.name << ": " << data.status();
  return data.ok() ? std::string(data->view()) : std::string();
}

// The value of `key` in the tensor's external_data ("" if absent).
std::string ExternalValue(const Tensor& t, std::string_view key) {
  for (const StringPair& kv : t.external_data) {
    if (kv.key == key) return kv.value;
  }
  return "";
}

uint64_t RoundUp(uint64_t n, uint64_t align) { return (n + align - 1) / align * align; }

// Checks a model written by `convert --external-data`: the tensors of at least `threshold`
// bytes are in `side` (packed in file order at multiples of `align`), the others inline, and
// every tensor's bytes equal the original's.
void ExpectExternalized(const Model& original, const fs::path& out, const std::string& side,
                        uint64_t threshold, uint64_t align) {
  auto converted = MustLoad(out);
  ASSERT_TRUE(converted);
  auto before = Initializers(original);
  auto after = Initializers(*converted);
  ASSERT_EQ(before.size(), after.size());
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // (offset, length) in the side file
  int external = 0, inline_count = 0;
  for (const auto& [name, t] : before) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(after.contains(name));
    const Tensor& c = *after[name];
    uint64_t size = *t->RawByteSize();
    EXPECT_EQ(c.is_external(), size >= threshold);
    if (c.is_external()) {
      ++external;
      EXPECT_EQ(ExternalValue(c, "location"), side);
      uint64_t offset = std::stoull(ExternalValue(c, "offset"));
      EXPECT_EQ(offset % align, 0u) << offset;
      EXPECT_EQ(std::stoull(ExternalValue(c, "length")), size);
      ranges.emplace_back(offset, size);
    } else {
      ++inline_count;
      EXPECT_TRUE(c.external_data.empty());
    }
    EXPECT_TRUE(DataOf(c) == DataOf(*t)) << "data differs";
  }
  EXPECT_GT(external, 0);
  EXPECT_GT(inline_count, 0);
  // Tensors are packed: each starts at the first aligned offset after the previous one.
  std::sort(ranges.begin(), ranges.end());
  uint64_t end = 0;
  for (const auto& [offset, length] : ranges) {
    EXPECT_EQ(offset, RoundUp(end, align));
    end = offset + length;
  }
  EXPECT_EQ(fs::file_size(out.parent_path() / side), end);
}

const fs::path kSqueezeNet = CorpusDir() / "models/squeezenet1_1.onnx";

// ---------------------------------------------------------------------------------------
// Reading.

TEST(ExternalData, ReadsTheValidEdgeModelFromWeightsBin) {
  fs::path dir = CorpusDir() / "valid-edge/external_data";
  auto model = MustLoad(dir / "model.onnx");
  ASSERT_TRUE(model);
  std::string weights = ReadFile(dir / "weights.bin");
  auto init = Initializers(*model);
  // The corpus README: W1 at offset 0 (64 bytes), W2 at offset 128 (16 bytes), B inline.
  struct Ref {
    const char* name;
    uint64_t offset, length;
  };
  for (const Ref& ref : {Ref{"W1", 0, 64}, Ref{"W2", 128, 16}}) {
    SCOPED_TRACE(ref.name);
    ASSERT_TRUE(init.contains(ref.name));
    const Tensor& t = *init[ref.name];
    ASSERT_TRUE(t.is_external());
    ASSERT_TRUE(t.external);
    EXPECT_EQ(t.external->offset, ref.offset);
    EXPECT_EQ(t.external->length, ref.length);
    EXPECT_TRUE(fs::equivalent(t.external->file, dir / "weights.bin"));
    EXPECT_TRUE(DataOf(t) == weights.substr(ref.offset, ref.length));
  }
  ASSERT_TRUE(init.contains("B"));
  EXPECT_FALSE(init["B"]->is_external());
}

// ---------------------------------------------------------------------------------------
// convert --external-data / --inline-data.

TEST(ExternalDataConvert, MovesLargeTensorsToAnAlignedSideFile) {
  TempDir dir;
  auto original = MustLoad(kSqueezeNet);
  ASSERT_TRUE(original);
  auto r = RunCli(
      {"convert", kSqueezeNet.string(), "-o", (dir / "out.onnx").string(), "--external-data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir / "out.onnx.data"));
  ExpectExternalized(*original, dir / "out.onnx", "out.onnx.data", 1024, 4096);
  // Only the two files, no temporaries left.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 2);
}

TEST(ExternalDataConvert, HonoursAlignAndSizeThreshold) {
  TempDir dir;
  auto original = MustLoad(kSqueezeNet);
  ASSERT_TRUE(original);
  auto r = RunCli({"convert", kSqueezeNet.string(), "-o", (dir / "out.onnx").string(),
                   "--external-data", "--align", "64", "--size-threshold=16KiB"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectExternalized(*original, dir / "out.onnx", "out.onnx.data", 16384, 64);
}

TEST(ExternalDataConvert, CustomSideFileName) {
  TempDir dir;
  auto original = MustLoad(kSqueezeNet);
  ASSERT_TRUE(original);
  auto r = RunCli({"convert", kSqueezeNet.string(), "-o", (dir / "out.onnx").string(),
                   "--external-data=weights.bin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "weights.bin"));
  EXPECT_FALSE(fs::exists(dir / "out.onnx.data"));
  ExpectExternalized(*original, dir / "out.onnx", "weights.bin", 1024, 4096);
}

TEST(ExternalDataConvert, SideFileNameMustStayInTheFolder) {
  TempDir dir;
  fs::create_directories(dir / "sub");
  for (const std::string& name :
       std::vector<std::string>{"../escape.bin", (dir / "abs.bin").string()}) {
    auto r = RunCli({"convert", kSqueezeNet.string(), "-o", (dir / "sub/out.onnx").string(),
                     "--external-data=" + name});
    EXPECT_NE(r.exit_code, 0) << name;
    EXPECT_THAT(r.err, HasSubstr("must be a relative path inside the model's folder"));
  }
  EXPECT_FALSE(fs::exists(dir / "escape.bin"));
  EXPECT_FALSE(fs::exists(dir / "abs.bin"));
  EXPECT_TRUE(fs::is_empty(dir / "sub"));
}

TEST(ExternalDataConvert, InlineDataGivesBackTheOriginal) {
  TempDir dir;
  auto r = RunCli(
      {"convert", kSqueezeNet.string(), "-o", (dir / "ext.onnx").string(), "--external-data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"convert", (dir / "ext.onnx").string(), "-o", (dir / "back.onnx").string(),
              "--inline-data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected;
  ASSERT_TRUE(testing::ProtobufReserialize(ReadFile(kSqueezeNet), &expected));
  EXPECT_TRUE(ReadFile(dir / "back.onnx") == expected) << "not the original field for field";
}

// A corpus model that ships with its weights outside: inline, then external again.
TEST(ExternalDataConvert, ExternalModelInlineAndBack) {
  TempDir dir;
  fs::path source = WeightsDir() / "shufflenet_v2_x1_0.onnx";
  auto original = MustLoad(source);
  ASSERT_TRUE(original);
  int originally_external = 0;
  for (const auto& [name, t] : Initializers(*original)) originally_external += t->is_external();
  ASSERT_GT(originally_external, 0);

  auto r =
      RunCli({"convert", source.string(), "-o", (dir / "inline.onnx").string(), "--inline-data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto inlined = MustLoad(dir / "inline.onnx");
  ASSERT_TRUE(inlined);
  auto before = Initializers(*original);
  for (const auto& [name, t] : Initializers(*inlined)) {
    EXPECT_FALSE(t->is_external()) << name;
    EXPECT_TRUE(DataOf(*t) == DataOf(*before[name])) << name;
  }
  // Everything needed is in the one file now: it survives being moved away from the data.
  fs::create_directories(dir / "moved");
  fs::rename(dir / "inline.onnx", dir / "moved/inline.onnx");
  ASSERT_TRUE(MustLoad(dir / "moved/inline.onnx"));

  r = RunCli({"convert", (dir / "moved/inline.onnx").string(), "-o", (dir / "ext.onnx").string(),
              "--external-data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectExternalized(*original, dir / "ext.onnx", "ext.onnx.data", 1024, 4096);
}

// Saving into another folder moves the external data along: the tensors stay external,
// in a new side file beside the output, and the model loads from there with its data.
TEST(ExternalDataConvert, AnotherFolderGetsANewSideFile) {
  TempDir dir;
  fs::path source = WeightsDir() / "shufflenet_v2_x1_0.onnx";
  auto original = MustLoad(source);
  ASSERT_TRUE(original);
  auto r = RunCli({"convert", source.string(), "-o", (dir / "out.onnx").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto converted = MustLoad(dir / "out.onnx");
  ASSERT_TRUE(converted);
  auto before = Initializers(*original);
  auto after = Initializers(*converted);
  ASSERT_EQ(before.size(), after.size());
  int external = 0;
  for (const auto& [name, t] : before) {
    SCOPED_TRACE(name);
    const Tensor& c = *after[name];
    EXPECT_EQ(c.is_external(), t->is_external());
    if (c.is_external()) {
      ++external;
      EXPECT_EQ(ExternalValue(c, "location"), "out.onnx.data");
    }
    EXPECT_TRUE(DataOf(c) == DataOf(*t)) << "data differs";
  }
  EXPECT_GT(external, 0);

  // In the model's own folder the references stay as they are: no new side file.
  fs::path copy = dir / "model.onnx";
  fs::copy_file(source, copy);
  fs::copy_file(WeightsDir() / "shufflenet_v2_x1_0.onnx.data",
                dir / "shufflenet_v2_x1_0.onnx.data");
  r = RunCli({"convert", copy.string(), "-o", (dir / "same_folder.onnx").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir / "same_folder.onnx.data"));
  EXPECT_TRUE(ReadFile(dir / "same_folder.onnx") == ReadFile(copy));
}

// To standard output the external data goes inline: the stream is a whole model.
TEST(ExternalDataConvert, StandardOutputGetsTheDataInline) {
  fs::path source = WeightsDir() / "shufflenet_v2_x1_0.onnx";
  auto original = MustLoad(source);
  ASSERT_TRUE(original);
  auto r = RunCli({"convert", source.string(), "-o", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto streamed = LoadBytes(r.out);
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  auto before = Initializers(*original);
  auto after = Initializers(**streamed);
  ASSERT_EQ(before.size(), after.size());
  for (const auto& [name, t] : before) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(after[name]->is_external());
    EXPECT_TRUE(DataOf(*after[name]) == DataOf(*t)) << "data differs";
  }
}

// ---------------------------------------------------------------------------------------
// References the loader accepts and refuses (the invalid corpus covers the others).

// Saves a model whose initializer W (float32[4]) is external with `entries`, to
// `dir`/model.onnx.
void SaveModelWithExternalW(const fs::path& dir, std::vector<StringPair> entries) {
  Model model;
  model.ir_version = 8;
  model.opset_import.push_back({"", 17, {}});
  model.graph = std::make_unique<Graph>();
  Tensor w;
  w.name = "W";
  w.data_type = static_cast<int32_t>(DataType::kFloat);
  w.dims = {4};
  w.data_location = 1;
  w.external_data = std::move(entries);
  model.graph->AddOutput(model.graph->AddInitializer(std::move(w)));
  Status saved = SaveFile(model, (dir / "model.onnx").string());
  ASSERT_TRUE(saved.ok()) << saved;
}

std::vector<StringPair> Entries(std::string location, std::string offset = "",
                                std::string length = "") {
  std::vector<StringPair> out{{"location", std::move(location), {}}};
  if (!offset.empty()) out.push_back({"offset", std::move(offset), {}});
  if (!length.empty()) out.push_back({"length", std::move(length), {}});
  return out;
}

const std::string kSixteenBytes = "0123456789abcdef";

void ExpectLoadsW(const fs::path& model_file) {
  auto model = LoadFile(model_file.string());
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_TRUE(DataOf(*Initializers(**model)["W"]) == kSixteenBytes);
}

TEST(ExternalDataReferences, NestedFolderInsideTheModelFolder) {
  TempDir dir;
  fs::create_directories(dir / "sub/deeper");
  WriteFile(dir / "sub/deeper/w.bin", "xxxx" + kSixteenBytes);
  SaveModelWithExternalW(dir.path(), Entries("sub/deeper/w.bin", "4", "16"));
  ExpectLoadsW(dir / "model.onnx");
}

TEST(ExternalDataReferences, DotSlashAndNoOffsetOrLength) {
  TempDir dir;
  WriteFile(dir / "w.bin", kSixteenBytes);
  SaveModelWithExternalW(dir.path(), Entries("./w.bin"));
  ExpectLoadsW(dir / "model.onnx");
}

TEST(ExternalDataReferences, SymlinkThatStaysInsideTheFolder) {
  TempDir dir;
  fs::create_directories(dir / "data");
  WriteFile(dir / "data/real.bin", kSixteenBytes);
  fs::create_symlink("data/real.bin", dir / "link.bin");
  SaveModelWithExternalW(dir.path(), Entries("link.bin", "0", "16"));
  ExpectLoadsW(dir / "model.onnx");
}

TEST(ExternalDataReferences, ModelFolderReachedThroughASymlink) {
  TempDir dir;
  fs::create_directories(dir / "real");
  WriteFile(dir / "real/w.bin", kSixteenBytes);
  SaveModelWithExternalW(dir / "real", Entries("w.bin", "0", "16"));
  fs::create_directory_symlink("real", dir / "alias");
  ExpectLoadsW(dir / "alias/model.onnx");
}

TEST(ExternalDataReferences, SymlinkedFolderThatLeavesIsRefused) {
  TempDir dir;
  fs::create_directories(dir / "model");
  fs::create_directories(dir / "elsewhere");
  WriteFile(dir / "elsewhere/w.bin", kSixteenBytes);
  fs::create_directory_symlink("../elsewhere", dir / "model/out");
  SaveModelWithExternalW(dir / "model", Entries("out/w.bin", "0", "16"));
  auto model = LoadFile((dir / "model/model.onnx").string());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(StatusMessage(model.status())), HasSubstr("outside the model's folder"));
}

TEST(ExternalDataReferences, DotDotIsRefusedEvenWhenItStaysInside) {
  TempDir dir;
  fs::create_directories(dir / "sub");
  WriteFile(dir / "w.bin", kSixteenBytes);
  SaveModelWithExternalW(dir.path(), Entries("sub/../w.bin", "0", "16"));
  auto model = LoadFile((dir / "model.onnx").string());
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(std::string(StatusMessage(model.status())), HasSubstr("through '..'"));
}

TEST(ExternalDataReferences, MalformedNumbersAreRefused) {
  TempDir dir;
  WriteFile(dir / "w.bin", kSixteenBytes + kSixteenBytes);
  for (const auto& [offset, length] : std::vector<std::pair<std::string, std::string>>{
           {"-1", "16"}, {"0", "16 "}, {"0x10", "16"}, {"0", "99999999999999999999999"}}) {
    SCOPED_TRACE(offset + "/" + length);
    SaveModelWithExternalW(dir.path(), Entries("w.bin", offset, length));
    auto model = LoadFile((dir / "model.onnx").string());
    ASSERT_FALSE(model.ok());
    EXPECT_THAT(std::string(StatusMessage(model.status())), HasSubstr("not a decimal integer"));
  }
}

// Without offset and length the reference is the whole file, which must then be the tensor.
TEST(ExternalDataReferences, WholeFileOfTheWrongSizeIsRefused) {
  TempDir dir;
  WriteFile(dir / "w.bin", kSixteenBytes + "xxxx");
  SaveModelWithExternalW(dir.path(), Entries("w.bin"));
  auto model = LoadFile((dir / "model.onnx").string());
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(std::string(StatusMessage(model.status())),
              HasSubstr("length 20 disagrees with the tensor's size"));
}

TEST(ExternalDataReferences, BytesWithoutAFolderAreRefused) {
  TempDir dir;
  WriteFile(dir / "w.bin", kSixteenBytes);
  SaveModelWithExternalW(dir.path(), Entries("w.bin", "0", "16"));
  std::string bytes = ReadFile(dir / "model.onnx");
  auto model = LoadBytes(bytes);
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(std::string(StatusMessage(model.status())), HasSubstr("base_dir"));
  LoadOptions options;
  options.base_dir = dir.path().string();
  model = LoadBytes(bytes, options);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_TRUE(DataOf(*Initializers(**model)["W"]) == kSixteenBytes);
}

// ---------------------------------------------------------------------------------------
// Past 2 GiB, without writing 2 GiB: the side file is sparse.

constexpr uint64_t kBigCount = 600'000'000;  // float32: 2.4 GB
constexpr uint64_t kBigBytes = kBigCount * 4;
constexpr uint64_t kSmallOffset = kBigBytes + 4096;  // > 2^31
static_assert(kSmallOffset > (uint64_t{1} << 31));
const std::string kMarker = "tail";  // the big tensor's last 4 bytes

// Writes dir/weights.bin (sparse, kSmallOffset + 16 bytes) and dir/model.onnx, which refers
// to it: "big" float32[600000000] at 0 and "small" float32[4] at kSmallOffset.
void WriteLargeModel(const fs::path& dir) {
  int fd = open((dir / "weights.bin").c_str(), O_CREAT | O_RDWR | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(kSmallOffset + 16)), 0);
  ASSERT_EQ(pwrite(fd, kSixteenBytes.data(), 16, static_cast<off_t>(kSmallOffset)), 16);
  ASSERT_EQ(pwrite(fd, kMarker.data(), 4, static_cast<off_t>(kBigBytes - 4)), 4);
  close(fd);

  Model model;
  model.ir_version = 8;
  model.opset_import.push_back({"", 17, {}});
  model.graph = std::make_unique<Graph>();
  auto external = [](std::string name, std::vector<int64_t> dims, uint64_t offset,
                     uint64_t length) {
    Tensor t;
    t.name = std::move(name);
    t.data_type = static_cast<int32_t>(DataType::kFloat);
    t.dims = std::move(dims);
    t.data_location = 1;
    t.external_data = Entries("weights.bin", std::to_string(offset), std::to_string(length));
    return t;
  };
  Graph& g = *model.graph;
  g.AddOutput(g.AddInitializer(external("big", {int64_t{kBigCount}}, 0, kBigBytes)));
  g.AddOutput(g.AddInitializer(external("small", {4}, kSmallOffset, 16)));
  Status saved = SaveFile(model, (dir / "model.onnx").string());
  ASSERT_TRUE(saved.ok()) << saved;
}

void ExpectLargeModel(const Model& model) {
  auto init = Initializers(model);
  ASSERT_TRUE(init.contains("big") && init.contains("small"));
  const Tensor& big = *init["big"];
  const Tensor& small = *init["small"];
  EXPECT_EQ(big.dims, std::vector<int64_t>{int64_t{kBigCount}});
  EXPECT_EQ(*big.RawByteSize(), kBigBytes);
  auto big_data = big.Data();
  ASSERT_TRUE(big_data.ok()) << big_data.status();
  ASSERT_EQ(big_data->size(), kBigBytes);
  EXPECT_EQ(std::string(big_data->data(), 4), std::string(4, '\0'));
  EXPECT_EQ(std::string(big_data->data() + kBigBytes - 4, 4), kMarker);
  EXPECT_EQ(DataOf(small), kSixteenBytes);
}

TEST(ExternalDataPast2GiB, SaveAndLoadKeepOffsetsAndData) {
  TempDir dir;
  WriteLargeModel(dir.path());
  auto model = MustLoad(dir / "model.onnx");
  ASSERT_TRUE(model);
  auto init = Initializers(*model);
  ASSERT_TRUE(init.contains("small"));
  const Tensor& small = *init["small"];
  EXPECT_EQ(ExternalValue(small, "offset"), std::to_string(kSmallOffset));
  ASSERT_TRUE(small.external);
  EXPECT_EQ(small.external->offset, kSmallOffset);
  ExpectLargeModel(*model);

  // Saved again unchanged (references kept), it is the same file.
  Status saved = SaveFile(*model, (dir / "again.onnx").string());
  ASSERT_TRUE(saved.ok()) << saved;
  EXPECT_TRUE(ReadFile(dir / "again.onnx") == ReadFile(dir / "model.onnx"));
}

// Inline, the 2.4 GB model would be past protobuf's 2 GiB limit: refused with a clear error
// before anything is written, to standard output (where external data goes inline) and to a
// file with --inline-data; to another folder the data goes to a new side file instead.
TEST(ExternalDataPast2GiB, InlineIsRefusedBeforeWriting) {
  TempDir dir;
  WriteLargeModel(dir.path());
  const std::string model = (dir / "model.onnx").string();
  auto r = RunCli({"convert", model, "-o", "-"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out.size() << " bytes written";
  EXPECT_THAT(r.err, HasSubstr("2 GiB"));
  EXPECT_THAT(r.err, HasSubstr("--external-data"));

  r = RunCli({"convert", model, "-o", (dir / "inline.onnx").string(), "--inline-data"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("2 GiB"));
  EXPECT_FALSE(fs::exists(dir / "inline.onnx"));

  auto loaded = MustLoad(dir / "model.onnx");
  ASSERT_TRUE(loaded);
  SaveOptions inline_data;
  inline_data.external_data = SaveOptions::ExternalData::kInline;
  Status s = SaveFile(*loaded, (dir / "inline.onnx").string(), inline_data);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
}

// Not tested here: moving the 2.4 GB to another folder (a new side file) writes and fsyncs
// 2.4 GB, about 25 s on the CI machine; the small models above cover the same code.

}  // namespace
}  // namespace onnxkit
