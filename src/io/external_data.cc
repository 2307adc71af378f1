#include "io/external_data.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"

namespace onnxkit::io_internal {
namespace {

struct Reference {
  std::string location;
  std::optional<uint64_t> offset;
  std::optional<uint64_t> length;
};

StatusOr<uint64_t> ParseNumber(const std::string& key, const std::string& text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError(
        fmt::format("external_data '{}' is '{}', not a decimal integer", key, text));
  }
  return v;
}

StatusOr<Reference> ParseReference(const Tensor& t) {
  Reference ref;
  bool has_location = false;
  for (const StringPair& kv : t.external_data) {
    if (kv.key == "location") {
      ref.location = kv.value;
      has_location = true;
    } else if (kv.key == "offset") {
      ONNXKIT_ASSIGN_OR_RETURN(ref.offset, ParseNumber(kv.key, kv.value));
    } else if (kv.key == "length") {
      ONNXKIT_ASSIGN_OR_RETURN(ref.length, ParseNumber(kv.key, kv.value));
    }
  }
  if (!has_location || ref.location.empty()) {
    return absl::InvalidArgumentError(
        "data_location is EXTERNAL but external_data has no 'location'");
  }
  return ref;
}

// The checks that need no file system: a location names a path below the folder.
Status CheckLocationText(const std::string& location) {
  if (location.find('\0') != std::string::npos) {
    // The C library would open the prefix before the NUL: another file than the one named.
    return absl::InvalidArgumentError(
        fmt::format("external data location '{}' contains a NUL byte", absl::CHexEscape(location)));
  }
  if (location[0] == '/') {
    return absl::PermissionDeniedError(fmt::format(
        "external data location '{}' is an absolute path (locations must be relative to the "
        "model's folder)",
        location));
  }
  for (const std::string& part : std::vector<std::string>(absl::StrSplit(location, '/'))) {
    if (part == "..") {
      return absl::PermissionDeniedError(fmt::format(
          "external data location '{}' leaves the model's folder through '..'", location));
    }
  }
  return absl::OkStatus();
}

constexpr int kOpenFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

// Opens `location` beneath `folder` without following any symlink: each directory with
// O_NOFOLLOW | O_DIRECTORY, the file with O_NOFOLLOW. For kernels without openat2.
int OpenWithoutSymlinks(int folder, const std::string& location) {
  std::vector<std::string> parts;
  for (std::string& part :
       std::vector<std::string>(absl::StrSplit(location, '/', absl::SkipEmpty()))) {
    if (part != ".") parts.push_back(std::move(part));
  }
  if (parts.empty()) return ::openat(folder, ".", kOpenFlags);
  Fd dir;
  int at = folder;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    Fd next(::openat(at, parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (next.get() < 0) return -1;
    dir = std::move(next);
    at = dir.get();
  }
  return ::openat(at, parts.back().c_str(), kOpenFlags | O_NOFOLLOW);
}

// Opens `location` beneath `folder`: symlinks may be followed only while they stay inside it.
int OpenBeneath(int folder, const std::string& location) {
  open_how how{};
  how.flags = kOpenFlags;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd = ::syscall(SYS_openat2, folder, location.c_str(), &how, sizeof how);
  // ENOSYS: a kernel before 5.6; EPERM: a seccomp filter that does not know openat2.
  if (fd < 0 && (errno == ENOSYS || errno == EPERM)) return OpenWithoutSymlinks(folder, location);
  return static_cast<int>(fd);
}

// The path the kernel reached, for messages; `fallback` where /proc is not mounted.
std::string PathOf(int fd, std::string fallback) {
  char buf[4096];
  ssize_t n = ::readlink(fmt::format("/proc/self/fd/{}", fd).c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf || buf[0] != '/') return fallback;
  return std::string(buf, static_cast<size_t>(n));
}

Status OpenError(const std::string& location, const std::string& joined) {
  int error = errno;
  switch (error) {
    case ENOENT:
      return absl::NotFoundError(
          fmt::format("external data file '{}' does not exist (looked for {})", location, joined));
    case EXDEV:
    case ELOOP:
      return absl::PermissionDeniedError(fmt::format(
          "external data location '{}' resolves outside the model's folder (through a symlink)",
          location));
    case EMFILE:
    case ENFILE:
      return absl::ResourceExhaustedError(fmt::format(
          "external data file '{}': too many open files (each external data file stays open "
          "while the model is loaded; raise the limit with `ulimit -n`)",
          location));
    default:
      return absl::NotFoundError(fmt::format("external data file '{}' cannot be opened: {}",
                                             location, std::strerror(error)));
  }
}

}  // namespace

Status ExternalDataResolver::OpenFolder() {
  if (folder_status_) return *folder_status_;
  folder_.Reset();
  folder_ = Fd(::open(base_dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  folder_status_ = folder_.get() >= 0
                       ? absl::OkStatus()
                       : absl::NotFoundError(fmt::format("model folder '{}' cannot be opened: {}",
                                                         base_dir_, std::strerror(errno)));
  return *folder_status_;
}

ExternalDataResolver::OpenResult ExternalDataResolver::Open(const std::string& location) {
  ONNXKIT_RETURN_IF_ERROR(CheckLocationText(location));
  ONNXKIT_RETURN_IF_ERROR(OpenFolder());
  std::string joined = base_dir_ + "/" + location;
  Fd fd(OpenBeneath(folder_.get(), location));
  if (fd.get() < 0) return OpenError(location, joined);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return absl::NotFoundError(
        fmt::format("external data file '{}' cannot be read: {}", location, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        fmt::format("external data location '{}' is not a regular file (a {})", location,
                    S_ISDIR(st.st_mode)    ? "directory"
                    : S_ISFIFO(st.st_mode) ? "FIFO"
                                           : "special file"));
  }
  std::string path = PathOf(fd.get(), joined);
  return std::make_shared<const ExternalDataFile>(std::move(fd), std::move(path), st);
}

StatusOr<ExternalLocation> ExternalDataResolver::Locate(const Tensor& t) {
  if (t.has_raw_data()) {
    return absl::InvalidArgumentError(
        "data_location is EXTERNAL but the tensor also carries inline raw_data");
  }
  ONNXKIT_ASSIGN_OR_RETURN(Reference ref, ParseReference(t));
  if (t.data_type == static_cast<int32_t>(DataType::kString)) {
    return absl::UnimplementedError(fmt::format(
        "a STRING tensor cannot be stored as external data (location '{}'): ONNX defines "
        "external data only for fixed-size element types",
        ref.location));
  }
  if (base_dir_.empty()) {
    return absl::FailedPreconditionError(fmt::format(
        "the tensor's data is external (location '{}'), but the model was not read from a "
        "file: name the folder its data is in (LoadOptions::base_dir, --external-data-dir)",
        ref.location));
  }
  auto [it, inserted] = files_.try_emplace(ref.location, absl::UnknownError(""));
  if (inserted) it->second = Open(ref.location);
  if (!it->second.ok()) return it->second.status();
  const std::shared_ptr<const ExternalDataFile>& file = *it->second;
  uint64_t file_size = file->size();
  uint64_t offset = ref.offset.value_or(0);
  if (offset > file_size) {
    return absl::OutOfRangeError(
        fmt::format("external data offset {} lies beyond the end of '{}' ({} bytes)", offset,
                    ref.location, file_size));
  }
  uint64_t length = ref.length.value_or(file_size - offset);
  if (length > file_size - offset) {
    return absl::OutOfRangeError(fmt::format(
        "external data range offset {} + length {} runs past the end of '{}' ({} bytes)", offset,
        length, ref.location, file_size));
  }
  ONNXKIT_ASSIGN_OR_RETURN(uint64_t expected, t.RawByteSize());
  if (length != expected) {
    return absl::InvalidArgumentError(
        fmt::format("external data length {} disagrees with the tensor's size: {}{} is {} bytes",
                    length, DataTypeName(t.data_type), DimsToString(t.dims), expected));
  }
  return ExternalLocation{file->path(), offset, length, file};
}

Status ResolveExternalData(Model& model, const std::string& base_dir) {
  ExternalDataResolver resolver(base_dir);
  Status first;
  ForEachTensor(model, [&](const Tensor& t, const TensorSite& site) {
    if (!t.is_external() || !first.ok()) return;
    auto location = resolver.Locate(t);
    if (!location.ok()) {
      first = Status(location.status().code(),
                     fmt::format("{}: {}", site.description, StatusMessage(location.status())));
      return;
    }
    // The loader owns the model; attaching the location is part of loading it.
    const_cast<Tensor&>(t).external = std::make_shared<ExternalLocation>(*std::move(location));
  });
  return first;
}

}  // namespace onnxkit::io_internal
