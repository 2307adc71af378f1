#include "io/mapped_file.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace onnxkit::io_internal {
namespace {

class Mapping {
 public:
  Mapping(void* addr, size_t size) : addr_(addr), size_(size) {}
  ~Mapping() { munmap(addr_, size_); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  const char* data() const { return static_cast<const char*>(addr_); }

 private:
  void* addr_;
  size_t size_;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

Status ErrnoError(const std::string& path, const char* what) {
  return absl::NotFoundError(fmt::format("{}: {}: {}", path, what, std::strerror(errno)));
}

StatusOr<Bytes> ReadAll(int fd, const std::string& path) {
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(path, "cannot read");
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return Bytes::Own(std::move(out));
}

StatusOr<Bytes> MapRange(int fd, const std::string& path, uint64_t offset, uint64_t length) {
  if (length == 0) return Bytes();
  static const uint64_t kPage = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  uint64_t start = offset / kPage * kPage;
  size_t span = static_cast<size_t>(offset - start + length);
  void* addr = mmap(nullptr, span, PROT_READ, MAP_PRIVATE, fd, static_cast<off_t>(start));
  if (addr == MAP_FAILED) return ErrnoError(path, "cannot map");
  auto mapping = std::make_shared<Mapping>(addr, span);
  return Bytes(mapping, mapping->data() + (offset - start), static_cast<size_t>(length));
}

}  // namespace

StatusOr<Bytes> MapFile(const std::string& path) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoError(path, "cannot open");
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return ErrnoError(path, "cannot stat");
  if (S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(fmt::format("{}: is a directory, not a model file", path));
  }
  if (!S_ISREG(st.st_mode)) return ReadAll(fd.get(), path);
  return MapRange(fd.get(), path, 0, static_cast<uint64_t>(st.st_size));
}

StatusOr<Bytes> ReadFileRange(const std::string& path, uint64_t offset, uint64_t length) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoError(path, "cannot open");
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return ErrnoError(path, "cannot stat");
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (!S_ISREG(st.st_mode) || offset > size || length > size - offset) {
    return absl::OutOfRangeError(fmt::format("{}: bytes {}..{} lie outside the file ({} bytes)",
                                             path, offset, offset + length, size));
  }
  return MapRange(fd.get(), path, offset, length);
}

StatusOr<Bytes> ReadStdin() { return ReadAll(STDIN_FILENO, "<stdin>"); }

}  // namespace onnxkit::io_internal
