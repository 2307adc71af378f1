#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "io/writer.h"
#include "onnxkit/io.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using io_internal::TensorRewrite;
using io_internal::TensorRewrites;

class FdSink : public io_internal::ByteSink {
 public:
  FdSink(int fd, std::string label) : fd_(fd), label_(std::move(label)) {}
  Status Write(std::string_view bytes) override {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return absl::InternalError(fmt::format("{}: write failed: {}", label_, strerror(errno)));
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

 private:
  int fd_;
  std::string label_;
};

// A file written under a temporary name and renamed over the target only when complete, so
// that a failure never leaves a half-written output.
class AtomicFile {
 public:
  explicit AtomicFile(std::string target) : target_(std::move(target)) {}
  ~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
  }

  Status Open() {
    fs::path t(target_);
    std::string name = fmt::format(".{}.tmp-XXXXXX", t.filename().string());
    std::string pattern = t.parent_path().empty() ? name : (t.parent_path() / name).string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    fd_ = ::mkstemp(buf.data());
    if (fd_ < 0) {
      // An I/O error (exit code 2 in the CLI), not a problem of the model.
      std::string message =
          fmt::format("{}: cannot create a temporary file: {}", target_, strerror(errno));
      return errno == ENOENT || errno == ENOTDIR ? absl::NotFoundError(message)
                                                 : absl::InternalError(message);
    }
    temp_ = buf.data();
    ::fchmod(fd_, 0644);
    return absl::OkStatus();
  }
  int fd() const { return fd_; }

  Status Commit() {
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      return absl::InternalError(fmt::format("{}: cannot flush: {}", target_, strerror(errno)));
    }
    fd_ = -1;
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      return absl::InternalError(fmt::format("{}: cannot rename the finished file into place: {}",
                                             target_, strerror(errno)));
    }
    committed_ = true;
    return absl::OkStatus();
  }

 private:
  std::string target_;
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
};

bool CanBeExternal(const Tensor& t) {
  return t.data_type != static_cast<int32_t>(DataType::kString) && DataTypeSize(t.data_type) > 0;
}

Status PlanInline(const Model& model, TensorRewrites& rewrites) {
  Status status;
  ForEachTensor(model, [&](const Tensor& t, const TensorSite& site) {
    if (!status.ok() || !t.is_external()) return;
    auto data = t.Data();
    if (!data.ok()) {
      status = Status(data.status().code(),
                      fmt::format("{}: {}", site.description, StatusMessage(data.status())));
      return;
    }
    rewrites[&t] = TensorRewrite{TensorRewrite::Kind::kInline, "", 0, 0, *data};
  });
  return status;
}

// Writes every tensor of at least the threshold into one side file (aligned) and plans the
// references; smaller external tensors come back inline.
Status WriteSideFile(const Model& model, const fs::path& model_path, const SaveOptions& options,
                     TensorRewrites& rewrites) {
  std::string name = options.external_file.empty() ? model_path.filename().string() + ".data"
                                                   : options.external_file;
  if (fs::path(name).is_absolute() || fs::path(name).lexically_normal().begin()->string() == "..") {
    return absl::InvalidArgumentError(fmt::format(
        "external data file '{}' must be a relative path inside the model's folder", name));
  }
  fs::path side = model_path.parent_path() / name;
  if (side.lexically_normal() == model_path.lexically_normal()) {
    return absl::InvalidArgumentError(
        fmt::format("external data file '{}' is the model file itself; choose another name", name));
  }
  AtomicFile file(side.string());
  ONNXKIT_RETURN_IF_ERROR(file.Open());
  FdSink sink(file.fd(), side.string());
  uint64_t offset = 0;
  uint64_t align = std::max<uint64_t>(options.alignment, 1);
  Status status;
  static const std::string kZeros(4096, '\0');
  ForEachTensor(model, [&](const Tensor& t, const TensorSite& site) {
    if (!status.ok() || !CanBeExternal(t)) return;
    auto size = t.RawByteSize();
    if (!size.ok()) return;
    bool big = *size >= options.size_threshold && *size > 0;
    if (!big && !t.is_external()) return;
    auto data = t.Data();
    if (!data.ok()) {
      status = Status(data.status().code(),
                      fmt::format("{}: {}", site.description, StatusMessage(data.status())));
      return;
    }
    if (!big) {
      rewrites[&t] = TensorRewrite{TensorRewrite::Kind::kInline, "", 0, 0, *data};
      return;
    }
    uint64_t padded = (offset + align - 1) / align * align;
    while (status.ok() && offset < padded) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(padded - offset, kZeros.size()));
      status = sink.Write(std::string_view(kZeros).substr(0, n));
      offset += n;
    }
    if (status.ok()) status = sink.Write(data->view());
    rewrites[&t] = TensorRewrite{TensorRewrite::Kind::kExternal, name, offset, data->size(), {}};
    offset += data->size();
  });
  ONNXKIT_RETURN_IF_ERROR(status);
  return file.Commit();
}

// External references that are written as they are (kKeep) are relative to the output's
// folder. Refuses a reference that would not reach the file the tensor's bytes are in (the
// output goes to another folder than the model came from): the saved model would have lost
// its data.
Status CheckKeptReferences(const Model& model, const fs::path& model_path,
                           const TensorRewrites& rewrites) {
  fs::path folder = model_path.parent_path().empty() ? fs::path(".") : model_path.parent_path();
  Status status;
  ForEachTensor(model, [&](const Tensor& t, const TensorSite& site) {
    if (!status.ok() || !t.is_external() || !t.external || rewrites.contains(&t)) return;
    std::string location;
    for (const StringPair& kv : t.external_data) {
      if (kv.key == "location") location = kv.value;
    }
    std::error_code ec;
    if (!location.empty() && fs::equivalent(folder / location, t.external->file, ec)) return;
    status = absl::FailedPreconditionError(fmt::format(
        "{}: its data is in {}, which the location '{}' does not reach from the output's "
        "folder '{}'; move the data along (SaveOptions::ExternalData::kExternal, "
        "--external-data) or inline it (kInline, --inline-data)",
        site.description, t.external->file, location, folder.string()));
  });
  return status;
}

// A device or pipe (/dev/null, a FIFO) cannot be replaced by renaming: it is written to.
bool IsSpecialFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

Status WriteToSpecialFile(const Model& model, const TensorRewrites& rewrites,
                          const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(fmt::format("{}: cannot open: {}", path, strerror(errno)));
  }
  FdSink sink(fd, path);
  Status status = io_internal::EncodeModel(model, rewrites, sink);
  ::close(fd);
  return status;
}

}  // namespace

Status SaveFile(const Model& model, const std::string& path, const SaveOptions& options) {
  TensorRewrites rewrites;
  using Mode = SaveOptions::ExternalData;
  if (options.external_data == Mode::kInline) {
    ONNXKIT_RETURN_IF_ERROR(PlanInline(model, rewrites));
  }
  if (path == "-") {
    if (options.external_data == Mode::kExternal) {
      return absl::InvalidArgumentError(
          "external data needs an output file next to which the side file is written, not "
          "standard output");
    }
    FdSink sink(STDOUT_FILENO, "<stdout>");
    return io_internal::EncodeModel(model, rewrites, sink);
  }
  if (options.external_data == Mode::kKeep) {
    ONNXKIT_RETURN_IF_ERROR(CheckKeptReferences(model, fs::path(path), rewrites));
  }
  if (options.external_data == Mode::kExternal) {
    ONNXKIT_RETURN_IF_ERROR(WriteSideFile(model, fs::path(path), options, rewrites));
  }
  if (IsSpecialFile(path)) return WriteToSpecialFile(model, rewrites, path);
  AtomicFile file(path);
  ONNXKIT_RETURN_IF_ERROR(file.Open());
  FdSink sink(file.fd(), path);
  ONNXKIT_RETURN_IF_ERROR(io_internal::EncodeModel(model, rewrites, sink));
  return file.Commit();
}

StatusOr<std::string> SaveBytes(const Model& model) {
  return io_internal::EncodeModelToString(model);
}

}  // namespace onnxkit
