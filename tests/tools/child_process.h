// Running the onnxkit executable the way a shell would in the cases RunCli cannot: output
// read while the process still runs, stdout redirected to a file (`> /dev/full`), and a
// memory limit (`ulimit -v`).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace onnxkit::testing {

struct ChildOptions {
  std::string stdout_path;     // "" = captured through a pipe
  uint64_t address_space = 0;  // RLIMIT_AS in bytes; 0 = unlimited
};

class Child {
 public:
  Child(const std::vector<std::string>& args, const ChildOptions& options = {}) {
    signal(SIGPIPE, SIG_IGN);
    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      int null_in = open("/dev/null", O_RDONLY);
      dup2(null_in, 0);
      if (options.stdout_path.empty()) {
        dup2(out_pipe[1], 1);
      } else {
        int fd = open(options.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
      }
      dup2(err_pipe[1], 2);
      for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
      if (options.address_space > 0) {
        rlimit limit{options.address_space, options.address_space};
        setrlimit(RLIMIT_AS, &limit);
      }
      ExecCli(args);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
  }

  // Reads the child's output until stderr contains `text` (true), or the output ends or
  // `seconds` pass (false). The limit only bounds a failing test; a passing one does not
  // wait for it.
  bool WaitForStderr(const std::string& text, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (result_.err.find(text) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !ReadSome(static_cast<int>(left.count()))) {
        return result_.err.find(text) != std::string::npos;
      }
    }
    return true;
  }

  // Reads everything and waits for the child to end.
  CliResult Finish() {
    while (ReadSome(-1)) {
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    result_.exit_code = ShellExitCode(status);
    return result_;
  }

 private:
  // One poll over the open outputs; false once both are closed or nothing came in time.
  bool ReadSome(int timeout_ms) {
    std::vector<pollfd> fds;
    if (out_fd_ >= 0) fds.push_back({out_fd_, POLLIN, 0});
    if (err_fd_ >= 0) fds.push_back({err_fd_, POLLIN, 0});
    if (fds.empty()) return false;
    if (poll(fds.data(), fds.size(), timeout_ms) <= 0) return false;
    for (const pollfd& p : fds) {
      if (!p.revents) continue;
      char buf[65536];
      ssize_t n = read(p.fd, buf, sizeof buf);
      std::string& sink = p.fd == out_fd_ ? result_.out : result_.err;
      if (n > 0) {
        sink.append(buf, static_cast<size_t>(n));
      } else {
        close(p.fd);
        (p.fd == out_fd_ ? out_fd_ : err_fd_) = -1;
      }
    }
    return true;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int out_fd_ = -1, err_fd_ = -1;
  CliResult result_;
};

}  // namespace onnxkit::testing
