#include "support/test_support.h"

#include <fcntl.h>
#include <onnx/defs/parser.h>
#include <onnx/onnx_pb.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "schema/onnx_api.h"
#include "schema/onnx_namespace.h"

namespace onnxkit::testing {

namespace fs = std::filesystem;

fs::path CorpusDir() { return fs::path(ONNXKIT_CORPUS_DIR); }
fs::path WeightsDir() { return fs::path(ONNXKIT_WEIGHTS_DIR); }

std::vector<fs::path> OnnxFilesUnder(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".onnx") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "onnxkit-test-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

CliResult RunCli(const std::vector<std::string>& args, const std::string& stdin_bytes) {
  return RunProgram(ONNXKIT_CLI, args, stdin_bytes);
}

CliResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                     const std::string& stdin_bytes) {
  signal(SIGPIPE, SIG_IGN);
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      close(fd);
    }
    ExecProgram(program, args);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  // Feed stdin and drain both outputs without deadlocking.
  size_t written = 0;
  if (stdin_bytes.empty()) close(in_pipe[1]);
  CliResult result;
  bool in_open = !stdin_bytes.empty(), out_open = true, err_open = true;
  while (out_open || err_open || in_open) {
    std::vector<pollfd> fds;
    if (in_open) fds.push_back({in_pipe[1], POLLOUT, 0});
    if (out_open) fds.push_back({out_pipe[0], POLLIN, 0});
    if (err_open) fds.push_back({err_pipe[0], POLLIN, 0});
    poll(fds.data(), fds.size(), -1);
    for (const pollfd& p : fds) {
      if (!p.revents) continue;
      if (p.fd == in_pipe[1]) {
        ssize_t n = write(p.fd, stdin_bytes.data() + written,
                          std::min<size_t>(stdin_bytes.size() - written, 65536));
        if (n > 0) written += static_cast<size_t>(n);
        if (n <= 0 || written == stdin_bytes.size()) {
          close(in_pipe[1]);
          in_open = false;
        }
        continue;
      }
      char buf[65536];
      ssize_t n = read(p.fd, buf, sizeof buf);
      std::string& sink = p.fd == out_pipe[0] ? result.out : result.err;
      if (n > 0) {
        sink.append(buf, static_cast<size_t>(n));
      } else {
        close(p.fd);
        (p.fd == out_pipe[0] ? out_open : err_open) = false;
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = ShellExitCode(status);
  return result;
}

void ExecCli(const std::vector<std::string>& args) { ExecProgram(ONNXKIT_CLI, args); }

void ExecProgram(const std::string& program, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string exe = program;
  argv.push_back(exe.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(exe.c_str(), argv.data());
  _exit(127);
}

int ShellExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool ProtobufReserialize(const std::string& bytes, std::string* out) {
  onnx::ModelProto proto;
  if (!proto.ParseFromString(bytes)) return false;
  *out = proto.SerializeAsString();
  return true;
}

std::string ModelFromText(const char* text) {
  onnx::ModelProto proto;
  auto status = onnx::OnnxParser::Parse(proto, text);
  if (!status.IsOK()) throw std::runtime_error("bad ONNX text: " + status.ErrorMessage());
  return proto.SerializeAsString();
}

bool LinkedOnnxKnowsOpset(int64_t opset) { return schema::KnownMaxOpset() >= opset; }

bool LinkedOnnxTextParserIsOld() { return LinkedOnnxVersion().starts_with("1.12"); }

std::string LinkedOnnxVersion() { return schema::OnnxVersion(); }

}  // namespace onnxkit::testing
