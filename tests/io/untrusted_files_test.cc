// External data under hostile conditions (docs/security.md): files that change after the
// model was loaded, locations that try to leave the folder or hang the reader, a model that
// is not in a folder, and many tensors sharing one file.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/tensor_models.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::onnxkit::testing::DataOf;
using ::onnxkit::testing::ExternalFloats;
using ::onnxkit::testing::ReadFile;
using ::onnxkit::testing::RunCli;
using ::onnxkit::testing::SaveModel;
using ::onnxkit::testing::TempDir;
using ::onnxkit::testing::WriteFile;
using ::testing::HasSubstr;

// A FIFO read without care blocks forever: a test that would hang fails instead.
class HangGuard {
 public:
  HangGuard() { ::alarm(60); }
  ~HangGuard() { ::alarm(0); }
};

const Tensor& Initializer(const Model& model, const std::string& name) {
  for (const Value* v : model.graph->initializers()) {
    if (v->name() == name) return *v->initializer();
  }
  ADD_FAILURE() << "no initializer " << name;
  static const Tensor kNone;
  return kNone;
}

const std::string kWeights = "0123456789abcdef";  // W: float32[4]

// dir/model.onnx reads W from dir/w.bin.
std::unique_ptr<Model> LoadModelReadingW(const fs::path& dir) {
  WriteFile(dir / "w.bin", kWeights);
  SaveModel(dir / "model.onnx", {ExternalFloats("W", 4, "w.bin", 0)});
  auto model = LoadFile((dir / "model.onnx").string());
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

// ---------------------------------------------------------------------------------------
// Files that change after loading.

TEST(ChangedAfterLoad, TruncatedSideFileIsAnErrorNamingFileAndTensor) {
  TempDir dir;
  auto model = LoadModelReadingW(dir.path());
  ASSERT_TRUE(model);
  fs::resize_file(dir / "w.bin", 2);
  // Memory-mapped, this read was a SIGBUS.
  auto data = Initializer(*model, "W").Data();
  ASSERT_FALSE(data.ok());
  EXPECT_THAT(std::string(StatusMessage(data.status())), HasSubstr("w.bin"));
  EXPECT_THAT(std::string(StatusMessage(data.status())), HasSubstr("'W'"));
  EXPECT_THAT(std::string(StatusMessage(data.status())), HasSubstr("truncated"));
}

TEST(ChangedAfterLoad, TruncatedModelFileKeepsItsTensorsReadable) {
  TempDir dir;
  Tensor big;
  big.name = "big";
  big.data_type = static_cast<int32_t>(DataType::kUint8);
  big.dims = {1 << 20};
  std::string bytes(1 << 20, 'x');
  big.SetRawData(Bytes::Copy(bytes));
  SaveModel(dir / "model.onnx", {std::move(big)});
  auto model = LoadFile((dir / "model.onnx").string());
  ASSERT_TRUE(model.ok()) << model.status();
  fs::resize_file(dir / "model.onnx", 0);
  EXPECT_TRUE(DataOf(**model, "big") == bytes);
}

TEST(ChangedAfterLoad, SideFileSwappedForASymlinkOutsideStillReadsTheLoadedFile) {
  TempDir dir;
  fs::create_directories(dir / "outside");
  WriteFile(dir / "outside/secret.bin", "SECRETSECRETSECR");
  fs::create_directories(dir / "model");
  auto model = LoadModelReadingW(dir / "model");
  ASSERT_TRUE(model);
  fs::rename(dir / "model/w.bin", dir / "model/old.bin");
  fs::create_symlink("../outside/secret.bin", dir / "model/w.bin");
  EXPECT_EQ(DataOf(*model, "W"), kWeights);
}

TEST(ChangedAfterLoad, SideFileSwappedForAFifoDoesNotHang) {
  HangGuard guard;
  TempDir dir;
  auto model = LoadModelReadingW(dir.path());
  ASSERT_TRUE(model);
  fs::remove(dir / "w.bin");
  ASSERT_EQ(::mkfifo((dir / "w.bin").c_str(), 0600), 0);
  EXPECT_EQ(DataOf(*model, "W"), kWeights);
}

// ---------------------------------------------------------------------------------------
// Locations.

TEST(Locations, AFifoIsRefusedWithoutHanging) {
  HangGuard guard;
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "w.bin").c_str(), 0600), 0);
  SaveModel(dir / "model.onnx", {ExternalFloats("W", 4, "w.bin", 0)});
  auto model = LoadFile((dir / "model.onnx").string());
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(std::string(StatusMessage(model.status())), HasSubstr("not a regular file"));
  EXPECT_THAT(std::string(StatusMessage(model.status())), HasSubstr("'W'"));
}

TEST(Locations, AnEmbeddedNulIsRefusedNotTruncated) {
  TempDir dir;
  WriteFile(dir / "w.bin", kWeights);
  SaveModel(dir / "model.onnx", {ExternalFloats("W", 4, std::string("w.bin\0.evil", 11), 0)});
  auto model = LoadFile((dir / "model.onnx").string());
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(std::string(StatusMessage(model.status())), HasSubstr("NUL"));
}

TEST(Locations, AnAbsoluteSymlinkOutOfTheFolderIsRefused) {
  TempDir dir;
  WriteFile(dir / "secret.bin", kWeights);
  fs::create_directories(dir / "model");
  fs::create_symlink(dir / "secret.bin", dir / "model/w.bin");
  SaveModel(dir / "model/model.onnx", {ExternalFloats("W", 4, "w.bin", 0)});
  auto model = LoadFile((dir / "model/model.onnx").string());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), absl::StatusCode::kPermissionDenied);
}

// Strings have no fixed-size raw form, so ONNX defines no external data for them.
TEST(Locations, AStringTensorStoredExternallyIsRefusedAndReported) {
  TempDir dir;
  WriteFile(dir / "s.bin", kWeights);
  Tensor s;
  s.name = "S";
  s.data_type = static_cast<int32_t>(DataType::kString);
  s.dims = {1};
  s.data_location = 1;
  s.external_data = {{"location", "s.bin", {}}};
  SaveModel(dir / "model.onnx", {std::move(s)});
  auto model = LoadFile((dir / "model.onnx").string());
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(std::string(StatusMessage(model.status())), HasSubstr("STRING"));
  EXPECT_THAT(std::string(StatusMessage(model.status())), HasSubstr("'S'"));

  auto r = RunCli({"check", (dir / "model.onnx").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("external-data.string-tensor"));
}

// ---------------------------------------------------------------------------------------
// A model that is not in a folder.

// Makes a fresh folder the current one while it lives: the tests that put a bait file in
// the current folder must not meet each other's in the shared build folder, where ctest runs
// them in parallel.
class InOwnFolder {
 public:
  InOwnFolder() : previous_(fs::current_path()) { fs::current_path(folder_.path()); }
  ~InOwnFolder() { fs::current_path(previous_); }
  InOwnFolder(const InOwnFolder&) = delete;
  InOwnFolder& operator=(const InOwnFolder&) = delete;

 private:
  TempDir folder_;
  fs::path previous_;
};

TEST(NoFolder, StdinModelDoesNotReadTheCurrentFolder) {
  TempDir dir;
  auto model = LoadModelReadingW(dir.path());
  ASSERT_TRUE(model);
  std::string bytes = ReadFile(dir / "model.onnx");
  // RunCli's child runs in this process's folder; put a w.bin there that must not be read.
  InOwnFolder cwd;
  fs::path bait = fs::current_path() / "w.bin";
  ASSERT_FALSE(fs::exists(bait));
  WriteFile(bait, kWeights);
  auto r = RunCli({"convert", "-", "-o", "-", "--inline-data"}, bytes);
  fs::remove(bait);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("'W'"));
  EXPECT_THAT(r.err, HasSubstr("--external-data-dir"));
  EXPECT_TRUE(r.out.empty());

  r = RunCli({"convert", "-", "-o", (dir / "inline.onnx").string(), "--inline-data",
              "--external-data-dir", dir.path().string()},
             bytes);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto inlined = LoadFile((dir / "inline.onnx").string());
  ASSERT_TRUE(inlined.ok()) << inlined.status();
  EXPECT_EQ(DataOf(**inlined, "W"), kWeights);
}

// Every command that reads a model takes --external-data-dir; without it, a model on stdin
// reads nothing beside the current folder.
TEST(NoFolder, EveryReadingCommandTakesTheFolderOfAStdinModel) {
  TempDir dir;
  auto model = LoadModelReadingW(dir.path());
  ASSERT_TRUE(model);
  std::string bytes = ReadFile(dir / "model.onnx");
  InOwnFolder cwd;
  fs::path bait = fs::current_path() / "w.bin";
  ASSERT_FALSE(fs::exists(bait));
  WriteFile(bait, kWeights);
  auto info = RunCli({"info", "-"}, bytes);
  auto dump = RunCli({"dump", "--initializers=full", "-"}, bytes);
  auto check = RunCli({"check", "-"}, bytes);
  fs::remove(bait);
  EXPECT_EQ(info.exit_code, 2);
  EXPECT_THAT(info.err, HasSubstr("--external-data-dir"));
  EXPECT_EQ(dump.exit_code, 2);
  EXPECT_THAT(dump.err, HasSubstr("--external-data-dir"));
  EXPECT_THAT(check.err, HasSubstr("external-data.no-folder"));

  for (const char* command : {"info", "dump", "check"}) {
    auto r = RunCli({command, "--external-data-dir", dir.path().string(), "-"}, bytes);
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("external-data"))) << command;
  }
}

// ---------------------------------------------------------------------------------------
// Many tensors, one file.

// 200,000 float32[1] tensors in one data file: one open file, not one mapping per tensor
// (the kernel allows 65,530 mappings per process).
TEST(ManyTensors, TwoHundredThousandTensorsShareOneFile) {
  constexpr int kCount = 200'000;
  TempDir dir;
  std::string data(kCount * 4, '\0');
  onnx::ModelProto proto;
  proto.set_ir_version(8);
  proto.add_opset_import()->set_version(17);
  onnx::GraphProto* graph = proto.mutable_graph();
  for (int i = 0; i < kCount; ++i) {
    float value = static_cast<float>(i);
    std::memcpy(data.data() + i * 4, &value, 4);
    onnx::TensorProto* t = graph->add_initializer();
    t->set_name("t" + std::to_string(i));
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(1);
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto add = [&](const char* key, std::string value) {
      auto* entry = t->add_external_data();
      entry->set_key(key);
      entry->set_value(std::move(value));
    };
    add("location", "data.bin");
    add("offset", std::to_string(i * 4));
    add("length", "4");
  }
  WriteFile(dir / "data.bin", data);
  WriteFile(dir / "model.onnx", proto.SerializeAsString());

  auto model = LoadFile((dir / "model.onnx").string());
  ASSERT_TRUE(model.ok()) << model.status();
  const DataSource* shared = nullptr;
  for (const Value* v : (*model)->graph->initializers()) {
    const Tensor& t = *v->initializer();
    ASSERT_TRUE(t.external && t.external->source) << t.name;
    if (shared == nullptr) shared = t.external->source.get();
    ASSERT_EQ(t.external->source.get(), shared) << t.name;
  }
  SaveOptions inline_all;
  inline_all.external_data = SaveOptions::ExternalData::kInline;
  Status saved = SaveFile(**model, (dir / "inline.onnx").string(), inline_all);
  ASSERT_TRUE(saved.ok()) << saved;

  onnx::ModelProto back;
  ASSERT_TRUE(back.ParseFromString(ReadFile(dir / "inline.onnx")));
  ASSERT_EQ(back.graph().initializer_size(), kCount);
  for (int i = 0; i < kCount; ++i) {
    const onnx::TensorProto& t = back.graph().initializer(i);
    ASSERT_EQ(t.data_location(), onnx::TensorProto::DEFAULT) << i;
    ASSERT_EQ(t.raw_data(), data.substr(static_cast<size_t>(i) * 4, 4)) << i;
  }
}

}  // namespace
}  // namespace onnxkit
