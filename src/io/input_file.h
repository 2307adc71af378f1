// Reading input files (internal): the model file, standard input, and ranges of external-data
// files.
//
// Nothing here memory-maps a file. A mapping turns a file that another program truncates
// while we run into SIGBUS at whatever later line touches the lost page (a dump statistic, a
// write), with no way to say which file or tensor; reads through a descriptor turn it into
// an error at the read. The model file is read whole at load (its tensors alias that
// buffer); external data, usually most of the bytes, is read one tensor at a time when
// asked for, through the descriptor opened at load.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "onnxkit/tensor.h"

namespace onnxkit::io_internal {

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& other) noexcept : fd_(other.Release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = other.Release();
    }
    return *this;
  }
  int get() const { return fd_; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void Reset();

 private:
  int fd_ = -1;
};

inline FileId IdOf(const struct stat& st) {
  return FileId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

struct InputBytes {
  Bytes bytes;
  std::optional<FileId> id;  // set when the bytes came from a regular file
};

// Reads the whole file (a regular file, a pipe, a device).
StatusOr<InputBytes> ReadInputFile(const std::string& path);
// Reads all of standard input.
StatusOr<InputBytes> ReadStdin();

}  // namespace onnxkit::io_internal

namespace onnxkit {

// An external-data file opened once at load time and shared by the tensors stored in it: the
// DataSource the loader hands the IR.
class ExternalDataFile final : public DataSource {
 public:
  ExternalDataFile(io_internal::Fd fd, std::string path, const struct stat& st)
      : fd_(std::move(fd)),
        path_(std::move(path)),
        id_(io_internal::IdOf(st)),
        size_(static_cast<uint64_t>(st.st_size)) {}

  const std::string& path() const { return path_; }
  FileId id() const override { return id_; }
  // The size when it was opened (the one references were checked against).
  uint64_t size() const { return size_; }

  // Reads bytes [offset, offset + length) through the descriptor. A file that no longer holds
  // them (truncated after loading) is an error naming the file and `tensor`.
  StatusOr<Bytes> Read(uint64_t offset, uint64_t length, std::string_view tensor) const override;

 private:
  // A buffer of at least `length` bytes for Read: the spare one when it fits and is free.
  std::shared_ptr<char[]> Buffer(uint64_t length) const;

  io_internal::Fd fd_;
  std::string path_;
  FileId id_;
  uint64_t size_;
  // The buffer of the last small read, used again once its reader let go of it: a tensor
  // read in pieces (ForEachDataChunk: dump's statistics) reads every piece into the same
  // memory instead of allocating and freeing a megabyte per piece, and each free of a block
  // that large makes malloc consolidate its free lists.
  mutable std::mutex spare_mutex_;
  mutable std::shared_ptr<char[]> spare_;
  mutable uint64_t spare_size_ = 0;
};

}  // namespace onnxkit
