// Tensor files (io.h): ParseTensor, LoadTensorFile and SaveTensorFile for TensorProto (.pb)
// and NumPy (.npy) files; NumPy itself (the project's venv) writes and reads the other side.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "onnxkit/io.h"
#include "onnxkit/tensor.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

std::string Text(const Status& s) { return std::string(StatusMessage(s)); }

// The same type, dims and elements (raw form, or the strings).
void ExpectSameTensor(const Tensor& actual, const Tensor& expected, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(DataTypeName(actual.data_type), DataTypeName(expected.data_type));
  EXPECT_EQ(actual.dims, expected.dims);
  if (expected.data_type == static_cast<int32_t>(DataType::kString)) {
    EXPECT_EQ(actual.string_data, expected.string_data);
    return;
  }
  auto a = actual.Data();
  auto e = expected.Data();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(a->view(), e->view());
}

std::vector<Tensor> SampleTensors() {
  std::vector<Tensor> t;
  t.push_back(*Tensor::FromValues<float>({2, 3}, {1.5f, -2.f, 0.f, 3.25f, 1e-30f, 7.f}));
  t.push_back(*Tensor::FromValues<double>({2}, {0.1, -1e300}));
  t.push_back(*Tensor::FromValues<int64_t>({}, {-(int64_t{1} << 62)}));
  t.push_back(*Tensor::FromValues<int8_t>({3}, {-128, 0, 127}));
  t.push_back(*Tensor::FromValues<uint16_t>({1, 2}, {65535, 1}));
  t.push_back(*Tensor::FromValues<uint64_t>({1}, {~uint64_t{0}}));
  const bool flags[] = {true, false, false, true};
  t.push_back(*Tensor::FromValues<bool>({2, 2}, std::span<const bool>(flags)));
  t.push_back(*Tensor::FromValues<Float16>({2}, {Float16{0x3C00}, Float16{0xC000}}));
  t.push_back(*Tensor::FromValues<float>({0, 3}, std::vector<float>{}));
  t.push_back(*Tensor::FromStrings({3}, {"a", "", "größe ✓ 😀"}));
  return t;
}

TEST(TensorFile, PbAndNpyRoundTripEveryNumpyType) {
  TempDir dir;
  int i = 0;
  for (const Tensor& t : SampleTensors()) {
    for (const char* ext : {".pb", ".npy"}) {
      const std::string path = (dir / fmt::format("t{}{}", i, ext)).string();
      ASSERT_TRUE(SaveTensorFile(t, path).ok()) << path << ": " << SaveTensorFile(t, path);
      auto back = LoadTensorFile(path);
      ASSERT_TRUE(back.ok()) << back.status();
      ExpectSameTensor(*back, t, path);
    }
    ++i;
  }
}

TEST(TensorFile, PbKeepsTheNameAndParseTensorReadsTheBytes) {
  TempDir dir;
  Tensor t = *Tensor::FromValues<int32_t>({2}, {7, -7});
  t.name = "x";
  ASSERT_TRUE(SaveTensorFile(t, (dir / "x.pb").string()).ok());
  auto back = ParseTensor(ReadFile(dir / "x.pb"));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->name, "x");
  ExpectSameTensor(*back, t, "x.pb");
}

TEST(TensorFile, ReadsOnnxBackendTestData) {
  auto t = LoadTensorFile(
      (testing::CorpusDir() / "onnx-backend/node/test_add/test_data_set_0/input_0.pb").string());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->data_type, static_cast<int32_t>(DataType::kFloat));
  EXPECT_EQ(t->dims, (std::vector<int64_t>{3, 4, 5}));
}

// NumPy writes every layout the reader knows (versions, byte orders, Fortran order,
// unicode); onnx.numpy_helper writes the same arrays as TensorProtos, the reference.
constexpr char kNumpyWriter[] = R"(
import sys, numpy as np, onnx
from onnx import numpy_helper
d = sys.argv[1]
cases = {
  'f4': np.arange(6, dtype='<f4').reshape(2, 3) / 3,
  'f8_fortran': np.asfortranarray(np.arange(24, dtype='<f8').reshape(2, 3, 4)),
  'i4_big': np.array([[1, -2], [300000, -400000]], dtype='>i4'),
  'f8_big_fortran': np.asfortranarray(np.array([[1.5, 2.5, 3.5], [4.5, 5.5, 6.5]], dtype='>f8')),
  'u2': np.array([0, 1, 65535], dtype='<u2'),
  'u8': np.array([2**64 - 1, 5], dtype='<u8'),
  'i1': np.array([-128, 127], dtype='i1'),
  'b1': np.array([True, False, True]),
  'f2': np.array([1.0, -0.5, 65504.0], dtype='<f2'),
  'scalar': np.array(42, dtype='<i8'),
  'empty': np.zeros((0, 2), dtype='<f4'),
  'unicode': np.array([['a', 'größe'], ['', '😀x']]),
  'unicode_big': np.array(['ab', 'ü'], dtype='>U2'),
  'c8': np.array([1 + 2j, -3j], dtype='<c8'),
}
for name, a in cases.items():
  np.save(f'{d}/{name}.npy', a)
  c = a.copy(order='C')  # ascontiguousarray would make a 0-D array 1-D
  if c.dtype.kind == 'U':
    t = onnx.helper.make_tensor(name, onnx.TensorProto.STRING, c.shape,
                                [s.encode() for s in c.flatten()])
  else:
    t = numpy_helper.from_array(c.astype(c.dtype.newbyteorder('<')), name)
  open(f'{d}/{name}.pb', 'wb').write(t.SerializeToString())
a = np.arange(5, dtype='<i2')
for v in [(1, 0), (2, 0), (3, 0)]:
  with open(f'{d}/v{v[0]}.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=v)
np.save(f'{d}/v_ref.npy', a)
)";

TEST(TensorFile, ReadsWhatNumpyWrites) {
  TempDir dir;
  testing::CliResult r =
      testing::RunProgram(ONNXKIT_PYTHON, {"-c", kNumpyWriter, dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"f4", "f8_fortran", "i4_big", "f8_big_fortran", "u2", "u8", "i1", "b1",
                           "f2", "scalar", "empty", "unicode", "unicode_big", "c8"}) {
    auto npy = LoadTensorFile((dir / fmt::format("{}.npy", name)).string());
    ASSERT_TRUE(npy.ok()) << name << ": " << npy.status();
    auto pb = LoadTensorFile((dir / fmt::format("{}.pb", name)).string());
    ASSERT_TRUE(pb.ok()) << name << ": " << pb.status();
    ExpectSameTensor(*npy, *pb, name);
  }
  auto reference = LoadTensorFile((dir / "v_ref.npy").string());
  ASSERT_TRUE(reference.ok()) << reference.status();
  for (const char* version : {"v1", "v2", "v3"}) {
    auto t = LoadTensorFile((dir / fmt::format("{}.npy", version)).string());
    ASSERT_TRUE(t.ok()) << version << ": " << t.status();
    ExpectSameTensor(*t, *reference, version);
  }
}

constexpr char kNumpyReader[] = R"(
import sys, numpy as np
for path in sys.argv[1:]:
  a = np.load(path)
  print(a.dtype.str, a.shape, a.tolist())
)";

TEST(TensorFile, NumpyReadsWhatWeWrite) {
  TempDir dir;
  std::vector<std::string> args = {"-c", kNumpyReader};
  int i = 0;
  for (const Tensor& t : SampleTensors()) {
    const std::string path = (dir / fmt::format("t{}.npy", i++)).string();
    ASSERT_TRUE(SaveTensorFile(t, path).ok()) << path;
    args.push_back(path);
  }
  testing::CliResult r = testing::RunProgram(ONNXKIT_PYTHON, args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "<f4 (2, 3) [[1.5, -2.0, 0.0], [3.25, 1.0000000031710769e-30, 7.0]]\n"
            "<f8 (2,) [0.1, -1e+300]\n"
            "<i8 () -4611686018427387904\n"
            "|i1 (3,) [-128, 0, 127]\n"
            "<u2 (1, 2) [[65535, 1]]\n"
            "<u8 (1,) [18446744073709551615]\n"
            "|b1 (2, 2) [[True, False], [False, True]]\n"
            "<f2 (2,) [1.0, -2.0]\n"
            "<f4 (0, 3) []\n"
            "<U9 (3,) ['a', '', 'größe ✓ 😀']\n");
}

// ---------------------------------------------------------------------------------------
// Bad files: an error naming the file and the place, never a crash.

std::string NpyFile(std::string_view header, std::string_view data, char version = 1) {
  std::string h(header);
  const size_t prefix = version == 1 ? 10 : 12;
  while ((prefix + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string out = "\x93NUMPY";
  out += version;
  out += '\0';
  out += static_cast<char>(h.size() & 0xFF);
  out += static_cast<char>(h.size() >> 8);
  if (version != 1) out += std::string(2, '\0');
  return out + h + std::string(data);
}

struct BadFile {
  const char* name;
  std::string bytes;
  const char* message;
};

TEST(TensorFile, BadFilesNameTheFileAndThePlace) {
  const std::string four_floats(16, '\0');
  const std::vector<BadFile> cases = {
      {"short.npy",
       NpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", four_floats),
       "byte 128: shape [5] of <f4 needs 5×4 bytes of data but the file has 16"},
      {"long.npy",
       NpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", four_floats),
       "byte 140: 4 bytes after the data of shape [3] of <f4"},
      {"nokey.npy", NpyFile("{'descr': '<f4', 'shape': (4,), }", four_floats),
       "header: the header lacks 'fortran_order'"},
      {"object.npy",
       NpyFile("{'descr': '|O', 'fortran_order': False, 'shape': (4,), }", four_floats),
       "descr '|O': no element size after the kind"},
      {"datetime.npy",
       NpyFile("{'descr': '<M8', 'fortran_order': False, 'shape': (2,), }", four_floats),
       "descr '<M8': this kind of dtype is not supported"},
      {"structured.npy",
       NpyFile("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }", four_floats),
       "structured dtypes are not supported"},
      {"badshape.npy",
       NpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }", four_floats),
       "a non-negative integer expected in 'shape'"},
      {"bool.npy",
       NpyFile("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }",
               std::string("\x01\x07", 2)),
       "byte 129: a bool element is 7, not 0 or 1"},
      {"zerowidth.npy",
       NpyFile("{'descr': '<U0', 'fortran_order': False, 'shape': (1000000000000,), }", ""),
       "holds more than 16777216 empty strings"},
      {"version.npy",
       NpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", four_floats, 4),
       "byte 6: format version 4.0 is not supported"},
      {"header.npy", std::string("\x93NUMPY\x01\x00\xff\x00{'descr'", 18),
       "byte 8: the header is 255 bytes but the file ends after 8"},
      // A TensorProto whose dims (field 1) say 4 elements and raw_data (field 9) holds 3 bytes.
      {"raw.pb", std::string("\x08\x04\x10\x02\x4a\x03\x01\x02\x03", 9),
       "raw_data: tensor is uint8[4] (4 bytes) but raw_data holds 3 bytes"},
      {"garbage.pb", std::string("\x0a\xff\xff\xff", 4), "byte "},
      // data_location EXTERNAL (field 14 = 1) with a location.
      {"external.pb", std::string("\x10\x01\x6a\x0c\x0a\x08location\x12\x00\x70\x01", 18),
       "external-data reference"},
      {"typed.pb", std::string("\x08\x03\x10\x01\x25\x00\x00\x80\x3f", 9),
       "float_data: 1 entries for float32[3] (expected 3)"},
  };
  TempDir dir;
  for (const BadFile& c : cases) {
    const fs::path path = dir / c.name;
    WriteFile(path, c.bytes);
    auto t = LoadTensorFile(path.string());
    ASSERT_FALSE(t.ok()) << c.name;
    EXPECT_THAT(Text(t.status()), HasSubstr(path.string() + ": ")) << c.name;
    EXPECT_THAT(Text(t.status()), HasSubstr(c.message)) << c.name;
  }
  auto missing = LoadTensorFile((dir / "missing.pb").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(Text(missing.status()), HasSubstr("missing.pb"));
}

TEST(TensorFile, SaveRefusesWhatTheFormatCannotHoldAndWritesNothing) {
  TempDir dir;
  Tensor bf16 = *Tensor::FromValues<Bfloat16>({1}, {Bfloat16{0x3F80}});
  Status s = SaveTensorFile(bf16, (dir / "b.npy").string());
  EXPECT_THAT(Text(s), HasSubstr("NumPy has no dtype for bfloat16"));
  EXPECT_TRUE(SaveTensorFile(bf16, (dir / "b.pb").string()).ok());
  Status ext = SaveTensorFile(bf16, (dir / "b.txt").string());
  EXPECT_THAT(Text(ext), HasSubstr("ends in .pb (TensorProto) or .npy (NumPy)"));
  Status no_dir = SaveTensorFile(bf16, (dir / "no" / "b.pb").string());
  EXPECT_FALSE(no_dir.ok());
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir.path())) left.push_back(e.path().filename());
  EXPECT_EQ(left, std::vector<std::string>{"b.pb"});
}

TEST(TensorFile, SaveReplacesAnExistingFileWhole) {
  TempDir dir;
  const std::string path = (dir / "x.npy").string();
  ASSERT_TRUE(
      SaveTensorFile(*Tensor::FromValues<float>({1000}, std::vector<float>(1000, 1.f)), path).ok());
  ASSERT_TRUE(SaveTensorFile(Tensor::Scalar<int8_t>(3), path).ok());
  auto back = LoadTensorFile(path);
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSameTensor(*back, Tensor::Scalar<int8_t>(3), path);
}

}  // namespace
}  // namespace onnxkit
