#include "io/input_file.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "ir/tensor_chunks.h"

namespace onnxkit::io_internal {

void Fd::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

namespace {

Status ErrnoError(const std::string& path, const char* what) {
  return absl::NotFoundError(fmt::format("{}: {}: {}", path, what, std::strerror(errno)));
}

StatusOr<Bytes> ReadAll(int fd, const std::string& path, size_t size_hint) {
  std::string out;
  out.reserve(size_hint);
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(path, "cannot read");
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return Bytes::Own(std::move(out));
}

}  // namespace

StatusOr<InputBytes> ReadInputFile(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return ErrnoError(path, "cannot open");
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoError(path, "cannot stat");
  if (S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(fmt::format("{}: is a directory, not a model file", path));
  }
  InputBytes input;
  bool regular = S_ISREG(st.st_mode);
  ONNXKIT_ASSIGN_OR_RETURN(input.bytes,
                           ReadAll(fd.get(), path, regular ? static_cast<size_t>(st.st_size) : 0));
  if (regular) input.id = IdOf(st);
  return input;
}

StatusOr<InputBytes> ReadStdin() {
  InputBytes input;
  ONNXKIT_ASSIGN_OR_RETURN(input.bytes, ReadAll(STDIN_FILENO, "<stdin>", 0));
  struct stat st;
  if (::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) input.id = IdOf(st);
  return input;
}

}  // namespace onnxkit::io_internal

namespace onnxkit {

std::shared_ptr<char[]> ExternalDataFile::Buffer(uint64_t length) const {
  // Not value-initialised: every byte is overwritten by the read or the buffer is dropped.
  auto fresh = [length] { return std::shared_ptr<char[]>(new char[length]); };
  // Smaller blocks cost malloc little; larger ones are not pieces of a chunked read.
  constexpr uint64_t kSmallestSpare = 64 << 10;
  if (length < kSmallestSpare || length > kDataChunkBytes) return fresh();
  std::lock_guard<std::mutex> lock(spare_mutex_);
  // Only this object hands the spare buffer out, under the lock: a use count of one means
  // no reader holds it any more.
  const bool spare_free = spare_ && spare_.use_count() == 1;
  if (spare_free && spare_size_ >= length) return spare_;
  std::shared_ptr<char[]> buffer = fresh();
  if (!spare_ || spare_free) {
    spare_ = buffer;
    spare_size_ = length;
  }
  return buffer;
}

StatusOr<Bytes> ExternalDataFile::Read(uint64_t offset, uint64_t length,
                                       std::string_view tensor) const {
  if (length == 0) return Bytes();
  if (offset > size_ || length > size_ - offset) {
    return absl::OutOfRangeError(
        fmt::format("{}: tensor '{}': bytes {}..{} lie outside the file ({} bytes)", path_, tensor,
                    offset, offset + length, size_));
  }
  std::shared_ptr<char[]> buffer = Buffer(length);
  uint64_t done = 0;
  while (done < length) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(length - done, size_t{1} << 30));
    ssize_t n = ::pread(fd_.get(), buffer.get() + done, chunk, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::DataLossError(
          fmt::format("{}: tensor '{}': cannot read: {}", path_, tensor, std::strerror(errno)));
    }
    if (n == 0) {
      return absl::DataLossError(fmt::format(
          "{}: tensor '{}': the file ends at byte {}, before the tensor's bytes {}..{}: it was "
          "truncated or replaced after the model was loaded",
          path_, tensor, offset + done, offset, offset + length));
    }
    done += static_cast<uint64_t>(n);
  }
  const char* data = buffer.get();
  return Bytes(std::shared_ptr<const void>(std::move(buffer)), data, static_cast<size_t>(length));
}

}  // namespace onnxkit
