// RenderGraph: the DOT picture laid out by Graphviz's `dot` program, run as a child process.
//
// The picture goes to the child through an in-memory file and its messages come back the
// same way, so only one pipe (its image) is read while it runs: no deadlock on full pipes,
// and no SIGPIPE for us if it dies early. That pipe is polled, so that a progress display
// ticks while dot works (it writes nothing until its layout is done).
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "dump/picture.h"
#include "onnxkit/dump.h"

extern char** environ;

namespace onnxkit {
namespace {

class OwnedFd {
 public:
  explicit OwnedFd(int fd = -1) : fd_(fd) {}
  ~OwnedFd() { Reset(); }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  int get() const { return fd_; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

Status Errno(std::string_view what) {
  return absl::InternalError(fmt::format("render: {}: {}", what, std::strerror(errno)));
}

// Makes `fd` an in-memory file holding `contents`, positioned at its start.
Status MemoryFile(OwnedFd& fd, const char* name, std::string_view contents) {
  fd.Reset(::memfd_create(name, MFD_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot make an in-memory file");
  for (size_t done = 0; done < contents.size();) {
    ssize_t n = ::write(fd.get(), contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write an in-memory file");
    done += static_cast<size_t>(n);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return Errno("cannot rewind an in-memory file");
  return absl::OkStatus();
}

// Reads `fd` to its end. With `progress`, waits for data at most a tick at a time and reports
// the whole seconds spent so far in between.
std::string ReadAll(int fd, Progress* progress = nullptr) {
  constexpr int kTickMilliseconds = 200;
  const auto start = std::chrono::steady_clock::now();
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    if (progress) {
      pollfd readable = {.fd = fd, .events = POLLIN, .revents = 0};
      const int ready = ::poll(&readable, 1, kTickMilliseconds);
      const auto spent = std::chrono::steady_clock::now() - start;
      progress->Update(std::chrono::duration_cast<std::chrono::seconds>(spent).count());
      if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
      // Readable, at its end, or poll failed: the read below tells which (it blocks at worst).
    }
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

// Runs `dot -T<format>` on `picture`: its standard output, or an error with what dot said.
// `progress` (may be null) hears the seconds spent in the current stage.
StatusOr<std::string> RunDot(const std::string& picture, std::string_view format,
                             Progress* progress) {
  OwnedFd input, messages;
  ONNXKIT_RETURN_IF_ERROR(MemoryFile(input, "onnxkit-dot-input", picture));
  ONNXKIT_RETURN_IF_ERROR(MemoryFile(messages, "onnxkit-dot-messages", ""));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Errno("cannot make a pipe");
  OwnedFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, messages.get(), 2);
  const std::string type_flag = fmt::format("-T{}", format);
  char* argv[] = {const_cast<char*>("dot"), const_cast<char*>(type_flag.c_str()), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, "dot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return absl::FailedPreconditionError(fmt::format(
        "render: cannot run Graphviz's `dot` ({}); install Graphviz (Debian: apt install "
        "graphviz) or write the picture with `onnxkit dump --format=dot`",
        std::strerror(spawned)));
  }
  write_end.Reset();
  std::string image = ReadAll(read_end.get(), progress);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return image;
  ::lseek(messages.get(), 0, SEEK_SET);
  std::string said = ReadAll(messages.get());
  while (!said.empty() && (said.back() == '\n' || said.back() == '\r')) said.pop_back();
  const std::string how = WIFEXITED(status) ? fmt::format("exit code {}", WEXITSTATUS(status))
                                            : fmt::format("signal {}", WTERMSIG(status));
  return absl::InternalError(
      fmt::format("render: Graphviz's dot failed ({}){}{}", how, said.empty() ? "" : ": ", said));
}

}  // namespace

namespace dump_internal {

StatusOr<std::string> LayOutPicture(const Model& model, const DumpOptions& options,
                                    std::string_view format, std::vector<const Node*>* boxes) {
  ProgressScope progress_scope(options.progress);
  const std::string picture = DotPicture(model, options, boxes);
  if (options.progress) {
    options.progress->Begin(fmt::format("laying out {} node{} with Graphviz's dot", boxes->size(),
                                        boxes->size() == 1 ? "" : "s"),
                            Progress::Unit::kSeconds, 0);
  }
  return RunDot(picture, format, options.progress);
}

}  // namespace dump_internal

StatusOr<std::string> RenderGraph(const Model& model, const DumpOptions& options,
                                  std::string_view format) {
  if (format != "svg" && format != "png" && format != "pdf") {
    return absl::InvalidArgumentError(
        fmt::format("render: unknown picture format '{}' (svg, png or pdf)", format));
  }
  std::vector<const Node*> boxes;
  return dump_internal::LayOutPicture(model, options, format, &boxes);
}

}  // namespace onnxkit
