// Model-controlled strings never reach a terminal raw and never break JSON: `check`, `dump`
// and `info` escape control characters (escape sequences, newlines that would forge a
// diagnostic line) and bytes that are not UTF-8 in their text output, and their JSON output
// is always valid, with such bytes written as `\xHH`.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"
#include "tools/child_process.h"

namespace onnxkit {
namespace {

using testing::RunCli;
using testing::TempDir;

// ESC ] 0 ; … BEL retitles a terminal; ESC [ 2 J clears it; a newline followed by text in
// the shape of a diagnostic would forge one.
const std::string kHostileName = "relu\x1b]0;owned\x07\nerror[forged.code]: x";
// A STRING attribute is bytes: not UTF-8, and a clear-screen sequence.
const std::string kHostileBytes = "\xff\xfe\x1b[2J";

// One DepthToSpace whose mode is hostile bytes (schema.attr-value quotes it) and one Relu
// with a hostile name and a hostile, undefined input (structure.undefined-input names both).
std::string HostileModel() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("producer\x1b[31m");
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("g");
  auto* x = g->add_input();
  x->set_name("x");
  auto* tt = x->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int d : {1, 4, 2, 2}) tt->mutable_shape()->add_dim()->set_dim_value(d);
  auto* d2s = g->add_node();
  d2s->set_op_type("DepthToSpace");
  d2s->set_name("d2s");
  d2s->add_input("x");
  d2s->add_output("y");
  auto* blocksize = d2s->add_attribute();
  blocksize->set_name("blocksize");
  blocksize->set_type(onnx::AttributeProto::INT);
  blocksize->set_i(2);
  auto* mode = d2s->add_attribute();
  mode->set_name("mode");
  mode->set_type(onnx::AttributeProto::STRING);
  mode->set_s(kHostileBytes);
  auto* relu = g->add_node();
  relu->set_op_type("Relu");
  relu->set_name(kHostileName);
  relu->add_input("in\x1b[2J");
  relu->add_output("z\x1b[2J");
  auto* y = g->add_output();
  y->set_name("y");
  auto* z = g->add_output();
  z->set_name("z\x1b[2J");
  return m.SerializeAsString();
}

// No byte of terminal control (C0 but newline, DEL, the C1 range as UTF-8) in `text`, and
// every line is either a diagnostic or the summary: nothing forged.
void ExpectPrintable(const std::string& text) {
  for (unsigned char c : text) {
    EXPECT_FALSE((c < 0x20 && c != '\n') || c == 0x7f) << "raw control byte " << int(c);
  }
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);  // U+009B, CSI
  EXPECT_EQ(text.find("\nerror[forged.code]"), std::string::npos) << text;
  EXPECT_EQ(text.find("\xff"), std::string::npos);
}

class OutputSafety : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (dir_ / "hostile.onnx").string();
    testing::WriteFile(path_, HostileModel());
  }
  TempDir dir_;
  std::string path_;
};

TEST_F(OutputSafety, CheckTextIsEscaped) {
  auto r = RunCli({"check", path_});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ExpectPrintable(r.err);
  // The escapes say what was there.
  EXPECT_NE(r.err.find("relu\\x1b]0;owned\\x07\\nerror[forged.code]: x"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("'\\xff\\xfe\\x1b[2J'"), std::string::npos) << r.err;
}

TEST_F(OutputSafety, CheckJsonIsValidWithNonUtf8Bytes) {
  auto r = RunCli({"check", "--format=json", path_});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json json = nlohmann::json::parse(r.out);  // throws on invalid JSON or UTF-8
  bool saw_bytes = false, saw_name = false;
  for (const auto& d : json) {
    const std::string message = d["message"];
    saw_bytes |= d["code"] == "schema.attr-value" &&
                 message.find("'\\xff\\xfe\x1b[2J'") != std::string::npos;
    saw_name |= d["location"].value("node", "") == kHostileName;
  }
  EXPECT_TRUE(saw_bytes) << r.out;
  EXPECT_TRUE(saw_name) << r.out;  // valid UTF-8 is kept exactly; JSON escapes controls
  ExpectPrintable(r.out);
}

TEST_F(OutputSafety, DumpTextIsEscaped) {
  auto r = RunCli({"dump", path_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectPrintable(r.out);
  EXPECT_NE(r.out.find("producer\\x1b[31m"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mode=\"\\xff\\xfe\\x1b[2J\""), std::string::npos) << r.out;
}

TEST_F(OutputSafety, DumpJsonIsValidWithNonUtf8Bytes) {
  auto r = RunCli({"dump", "--format=json", path_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["graph"]["nodes"][0]["attributes"][1]["value"], "\\xff\\xfe\x1b[2J");
  EXPECT_EQ(json["graph"]["nodes"][1]["name"], kHostileName);
  ExpectPrintable(r.out);
}

TEST_F(OutputSafety, InfoIsEscapedAndValid) {
  auto text = RunCli({"info", path_});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  ExpectPrintable(text.out);
  EXPECT_NE(text.out.find("z\\x1b[2J"), std::string::npos) << text.out;
  auto json = RunCli({"info", "--format=json", path_});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out)["producer_name"], "producer\x1b[31m");
}

TEST(OutputToFullDevice, DumpAndInfoAreExitTwo) {
  const std::string model = (testing::CorpusDir() / "models/srcnn_x3.onnx").string();
  for (std::vector<std::string> args : {std::vector<std::string>{"dump", model},
                                        {"dump", "--format=json", model},
                                        {"info", model},
                                        {"info", "--format=json", model}}) {
    testing::ChildOptions options;
    options.stdout_path = "/dev/full";
    testing::Child child(args, options);
    testing::CliResult r = child.Finish();
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace onnxkit
