// Temporary output files that must not outlive a failed or interrupted save (internal).
//
// A save writes each output under a temporary name in the target's folder and renames it
// into place when every output is complete. The destructor removes a temporary left behind
// by an error; a process stopped by SIGINT, SIGTERM or SIGHUP removes the registered ones
// from a signal handler (a fixed table read without locks or allocation), then lets the
// signal do what it did before (the previous handler, or the default action).
#pragma once

#include <signal.h>
#include <sys/stat.h>

#include <string>
#include <string_view>

#include "io/input_file.h"
#include "onnxkit/status.h"

namespace onnxkit::io_internal {

// Writes all of `bytes` to `fd` (retrying short writes and EINTR); an error names `label`.
Status WriteAll(int fd, std::string_view bytes, std::string_view label);

// A file being written under a temporary name next to `target`.
class PendingFile {
 public:
  // Creates the temporary file: O_CREAT | O_EXCL with mode 0666, so the process umask (and a
  // default ACL) applies as for any new file.
  static StatusOr<PendingFile> Create(const std::string& target);
  PendingFile(PendingFile&& other) noexcept;
  PendingFile& operator=(PendingFile&&) = delete;
  ~PendingFile();

  int fd() const { return fd_.get(); }
  const std::string& target() const { return target_; }
  // Gives the file the owner (where permitted) and mode of `like`, a file it replaces.
  void CopyOwnerAndMode(const struct stat& like);
  // Flushes the data to disk and closes the file.
  Status Finish();
  // Renames the finished file over its target.
  Status Commit();

 private:
  PendingFile(Fd fd, std::string temp, std::string target, int slot)
      : fd_(std::move(fd)), temp_(std::move(temp)), target_(std::move(target)), slot_(slot) {}

  Fd fd_;
  std::string temp_;
  std::string target_;
  int slot_ = -1;
  bool committed_ = false;
};

// Blocks SIGINT, SIGTERM and SIGHUP in this thread while it lives: the renames that make a
// model and its side file visible happen together or, if a signal came first, not at all.
class CleanupSignalsBlocked {
 public:
  CleanupSignalsBlocked();
  ~CleanupSignalsBlocked();
  CleanupSignalsBlocked(const CleanupSignalsBlocked&) = delete;
  CleanupSignalsBlocked& operator=(const CleanupSignalsBlocked&) = delete;

 private:
  sigset_t previous_;
};

}  // namespace onnxkit::io_internal
