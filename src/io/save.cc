// SaveFile: where the outputs go, what they must not overwrite, and writing them so that a
// model and its side file appear together or not at all. The rules are in docs/security.md.
#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "io/input_file.h"
#include "io/temp_files.h"
#include "io/writer.h"
#include "onnxkit/io.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;
using io_internal::IdOf;
using io_internal::PendingFile;
using io_internal::TensorRewrite;
using io_internal::TensorRewrites;

class FdSink : public io_internal::ByteSink {
 public:
  // With `progress`, a stage "writing <label>" of `total` bytes (0: unknown) begins.
  FdSink(int fd, std::string label, Progress* progress = nullptr, uint64_t total = 0)
      : fd_(fd), label_(std::move(label)), progress_(progress) {
    if (progress_)
      progress_->Begin(fmt::format("writing {}", label_), Progress::Unit::kBytes, total);
  }
  Status Write(std::string_view bytes) override {
    ONNXKIT_RETURN_IF_ERROR(io_internal::WriteAll(fd_, bytes, label_));
    written_ += bytes.size();
    if (progress_) progress_->Update(written_);
    return absl::OkStatus();
  }

 private:
  int fd_;
  std::string label_;
  Progress* progress_;
  uint64_t written_ = 0;
};

// The model file's size, for a progress display only (it costs a pass over the model).
uint64_t SizeForProgress(const Model& model, const io_internal::TensorRewrites& rewrites,
                         const Progress* progress) {
  return progress ? io_internal::EncodedModelSize(model, rewrites) : 0;
}

// ---------------------------------------------------------------------------------------
// What the model reads: its own file and every external-data file its tensors are read from.

struct InputFile {
  FileId id;
  std::string description;
};

std::vector<InputFile> InputsOf(const Model& model) {
  std::vector<InputFile> inputs;
  if (model.source_file) inputs.push_back({*model.source_file, "the model file being saved"});
  absl::flat_hash_set<const DataSource*> seen;
  ForEachTensor(model, [&](const Tensor& t, const TensorSite& site) {
    if (!t.external || !t.external->source || !seen.insert(t.external->source.get()).second) {
      return;
    }
    inputs.push_back({t.external->source->id(), fmt::format("{}, which the model reads ({})",
                                                            t.external->file, site.description)});
  });
  return inputs;
}

// Refuses to write `output` (described by `what`) over a file the model reads.
Status RefuseInputs(const std::vector<InputFile>& inputs, const struct stat& output,
                    const std::string& what, bool in_place) {
  if (in_place) return absl::OkStatus();
  for (const InputFile& input : inputs) {
    if (input.id != IdOf(output)) continue;
    return absl::FailedPreconditionError(
        fmt::format("{} is the same file as {}: writing it would change what the model reads; pass "
                    "--in-place (SaveOptions::in_place) to overwrite it",
                    what, input.description));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Where an output goes.

struct Target {
  enum class Kind {
    kDescriptor,  // "-", /dev/stdout, /dev/fd/N, /proc/self/fd/N: written to that descriptor
    kSpecial,     // a device or FIFO: opened and written to, never replaced
    kFile,        // a regular file (or a new one): replaced by renaming a finished temporary
  };
  Kind kind = Kind::kFile;
  int fd = -1;
  std::string path;                   // kSpecial, kFile: the file (symlinks resolved)
  std::optional<struct stat> status;  // what is there now, if anything
};

// The descriptor a path stands for, if it names one of this process's descriptors: opening
// and renaming over such a path would miss the descriptor (`-o /dev/stdout > file` would leave
// `file` empty) or, as root, replace the /dev entry.
std::optional<int> DescriptorOf(const std::string& path) {
  if (path == "-" || path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (!path.starts_with(prefix)) continue;
    std::string_view digits = std::string_view(path).substr(prefix.size());
    int fd = -1;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), fd);
    if (!digits.empty() && ec == std::errc() && end == digits.data() + digits.size()) return fd;
  }
  return std::nullopt;
}

StatusOr<Target> ResolveModelTarget(const std::string& path) {
  Target target;
  if (std::optional<int> fd = DescriptorOf(path)) {
    struct stat st;
    if (::fstat(*fd, &st) != 0) {
      return absl::NotFoundError(fmt::format("{}: descriptor {} is not open", path, *fd));
    }
    return Target{Target::Kind::kDescriptor, *fd, path, st};
  }
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Target{Target::Kind::kFile, -1, path, std::nullopt};
    return absl::NotFoundError(fmt::format("{}: {}", path, strerror(errno)));
  }
  std::string resolved = path;
  if (S_ISLNK(st.st_mode)) {
    // Renaming over the link would turn it into a regular file: write what it points to.
    char* real = ::realpath(path.c_str(), nullptr);
    if (real == nullptr || ::stat(real, &st) != 0) {
      ::free(real);
      return absl::FailedPreconditionError(fmt::format(
          "output '{}' is a symlink to a file that does not exist; it is not replaced", path));
    }
    resolved = real;
    ::free(real);
  }
  if (S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(fmt::format("output '{}' is a directory", path));
  }
  Target::Kind kind = S_ISREG(st.st_mode) ? Target::Kind::kFile : Target::Kind::kSpecial;
  return Target{kind, -1, resolved, st};
}

// The side file, next to the model file: a plain file or nothing yet. A side file reached
// through a symlink could be outside the folder the model's reference names, so it is refused.
StatusOr<Target> ResolveSideTarget(const Target& model, const std::string& name) {
  if (fs::path(name).is_absolute() || fs::path(name).lexically_normal().begin()->string() == "..") {
    return absl::InvalidArgumentError(fmt::format(
        "external data file '{}' must be a relative path inside the model's folder", name));
  }
  std::string path = (fs::path(model.path).parent_path() / name).string();
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Target{Target::Kind::kFile, -1, path, std::nullopt};
    return absl::NotFoundError(fmt::format("{}: {}", path, strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        fmt::format("external data file '{}' exists and is not a regular file ({}); it is not "
                    "replaced",
                    path, S_ISLNK(st.st_mode) ? "a symlink" : "a directory or special file"));
  }
  if (model.status && IdOf(*model.status) == IdOf(st)) {
    return absl::InvalidArgumentError(
        fmt::format("external data file '{}' is the model file itself; choose another name", name));
  }
  return Target{Target::Kind::kFile, -1, path, st};
}

// ---------------------------------------------------------------------------------------
// Planning which tensor goes where.

bool CanBeExternal(const Tensor& t) {
  return t.data_type != static_cast<int32_t>(DataType::kString) && DataTypeBits(t.data_type) > 0;
}

// Writes the tensor's data inline, read from its external file while the model is written.
Status PlanReadWhenWritten(const Tensor& t, const TensorSite& site, TensorRewrites& rewrites) {
  auto size = t.RawByteSize();
  if (!size.ok()) {
    return Status(size.status().code(),
                  fmt::format("{}: {}", site.description, StatusMessage(size.status())));
  }
  TensorRewrite rewrite;
  rewrite.kind = TensorRewrite::Kind::kInline;
  rewrite.length = *size;
  rewrite.read_when_written = true;
  rewrites[&t] = std::move(rewrite);
  return absl::OkStatus();
}

// Plans every external tensor inline; with `readable_only`, only those whose data the
// loader can read (a reference it did not open stays a reference).
Status PlanInline(const Model& model, TensorRewrites& rewrites, bool readable_only = false) {
  Status status;
  ForEachTensor(model, [&](const Tensor& t, const TensorSite& site) {
    if (!status.ok() || !t.is_external()) return;
    if (readable_only && !(t.external && t.external->source)) return;
    status = PlanReadWhenWritten(t, site, rewrites);
  });
  return status;
}

bool InlinesData(const TensorRewrites& rewrites) {
  return std::any_of(rewrites.begin(), rewrites.end(), [](const auto& entry) {
    return entry.second.kind == TensorRewrite::Kind::kInline;
  });
}

// Protobuf cannot parse a message of 2 GiB or more, so other tools could not read a model
// file that large. Data this save brings inline must not make it so (a model that already
// is, loaded by onnxkit, is written as it is).
constexpr uint64_t kMaxInlineModelBytes = (uint64_t{1} << 31) - 1;

Status CheckInlineSize(const Model& model, const TensorRewrites& rewrites,
                       const std::string& path) {
  if (!InlinesData(rewrites)) return absl::OkStatus();
  const uint64_t size = io_internal::EncodedModelSize(model, rewrites);
  if (size <= kMaxInlineModelBytes) return absl::OkStatus();
  return absl::FailedPreconditionError(fmt::format(
      "'{}': with its external data inline the model would be {} bytes, over protobuf's 2 GiB "
      "limit for one message; write it to a file with its data in a side file instead "
      "(--external-data, SaveOptions::ExternalData::kExternal)",
      path, size));
}

struct SideTensor {
  const Tensor* tensor;
  std::string site;
  uint64_t offset;
};

// Plans the side file: every tensor of at least the threshold, at aligned offsets; smaller
// external tensors come back inline. Reads nothing.
StatusOr<std::vector<SideTensor>> PlanSideFile(const Model& model, const std::string& name,
                                               const SaveOptions& options,
                                               TensorRewrites& rewrites) {
  std::vector<SideTensor> side;
  uint64_t end = 0;
  uint64_t align = std::max<uint64_t>(options.alignment, 1);
  Status status;
  ForEachTensor(model, [&](const Tensor& t, const TensorSite& site) {
    if (!status.ok() || !CanBeExternal(t)) return;
    auto size = t.RawByteSize();
    if (!size.ok()) return;
    bool big = *size >= options.size_threshold && *size > 0;
    if (!big) {
      if (t.is_external()) status = PlanReadWhenWritten(t, site, rewrites);
      return;
    }
    uint64_t offset = (end + align - 1) / align * align;
    side.push_back({&t, site.description, offset});
    rewrites[&t] = TensorRewrite{TensorRewrite::Kind::kExternal, name, offset, *size, {}, false};
    end = offset + *size;
  });
  ONNXKIT_RETURN_IF_ERROR(status);
  return side;
}

Status WriteSideFile(const std::vector<SideTensor>& side, int fd, const std::string& label,
                     Progress* progress) {
  const uint64_t total =
      side.empty() ? 0 : side.back().offset + side.back().tensor->RawByteSize().value_or(0);
  FdSink sink(fd, label, progress, total);
  static const std::string kZeros(4096, '\0');
  uint64_t offset = 0;
  for (const SideTensor& s : side) {
    while (offset < s.offset) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(s.offset - offset, kZeros.size()));
      ONNXKIT_RETURN_IF_ERROR(sink.Write(std::string_view(kZeros).substr(0, n)));
      offset += n;
    }
    auto data = s.tensor->Data();
    if (!data.ok()) {
      return Status(data.status().code(),
                    fmt::format("{}: {}", s.site, StatusMessage(data.status())));
    }
    ONNXKIT_RETURN_IF_ERROR(sink.Write(data->view()));
    offset += data->size();
  }
  return absl::OkStatus();
}

// External references that are written as they are (kKeep) are relative to the output's
// folder. The external tensors whose reference would not reach the file their bytes are in
// from there (the output goes to another folder than the model came from): written as they
// are, the saved model would have lost their data. Each location is looked up once.
absl::flat_hash_set<const Tensor*> StrandedReferences(const Model& model,
                                                      const fs::path& model_path) {
  fs::path folder = model_path.parent_path().empty() ? fs::path(".") : model_path.parent_path();
  absl::flat_hash_map<std::string, std::optional<FileId>> reached;
  absl::flat_hash_set<const Tensor*> stranded;
  ForEachTensor(model, [&](const Tensor& t, const TensorSite&) {
    if (!t.is_external() || !t.external || !t.external->source) return;
    std::string location;
    for (const StringPair& kv : t.external_data) {
      if (kv.key == "location") location = kv.value;
    }
    auto [it, inserted] = reached.try_emplace(location, std::nullopt);
    struct stat st;
    if (inserted && ::stat((folder / location).c_str(), &st) == 0) it->second = IdOf(st);
    if (it->second != t.external->source->id()) stranded.insert(&t);
  });
  return stranded;
}

// Plans a new side file for the `stranded` tensors, in model order at aligned offsets: they
// stay external, with their data beside the output. Reads nothing.
std::vector<SideTensor> PlanMovedReferences(const Model& model,
                                            const absl::flat_hash_set<const Tensor*>& stranded,
                                            const std::string& name, const SaveOptions& options,
                                            TensorRewrites& rewrites) {
  std::vector<SideTensor> side;
  uint64_t end = 0;
  uint64_t align = std::max<uint64_t>(options.alignment, 1);
  ForEachTensor(model, [&](const Tensor& t, const TensorSite& site) {
    if (!stranded.contains(&t)) return;
    // The loader checked the reference: its length is the tensor's size.
    uint64_t length = t.external->length;
    uint64_t offset = (end + align - 1) / align * align;
    side.push_back({&t, site.description, offset});
    rewrites[&t] = TensorRewrite{TensorRewrite::Kind::kExternal, name, offset, length, {}, false};
    end = offset + length;
  });
  return side;
}

// ---------------------------------------------------------------------------------------
// Writing.

Status WriteToDescriptor(const Model& model, const TensorRewrites& rewrites, int fd,
                         const std::string& label, Progress* progress) {
  FdSink sink(fd, label, progress, SizeForProgress(model, rewrites, progress));
  return io_internal::EncodeModel(model, rewrites, sink);
}

Status WriteToSpecialFile(const Model& model, const TensorRewrites& rewrites,
                          const std::string& path, Progress* progress) {
  io_internal::Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    return absl::NotFoundError(fmt::format("{}: cannot open: {}", path, strerror(errno)));
  }
  return WriteToDescriptor(model, rewrites, fd.get(), path, progress);
}

// Writes the model and, when `side` is not empty, its side file, each under a temporary name;
// renames both only when both are complete (side file first, signals blocked), so that an old
// model never sits next to a new side file after a failure or an interrupt.
Status WriteFiles(const Model& model, const TensorRewrites& rewrites, const Target& model_target,
                  const std::vector<SideTensor>& side, const Target* side_target,
                  Progress* progress) {
  ONNXKIT_ASSIGN_OR_RETURN(PendingFile model_file, PendingFile::Create(model_target.path));
  // A file that is replaced keeps its mode (a private model stays private) and, where
  // permitted, its owner; a new one has 0666 minus the umask. The side file is like its model.
  if (model_target.status) model_file.CopyOwnerAndMode(*model_target.status);
  std::optional<PendingFile> side_file;
  if (side_target != nullptr) {
    ONNXKIT_ASSIGN_OR_RETURN(PendingFile created, PendingFile::Create(side_target->path));
    side_file.emplace(std::move(created));
    struct stat model_mode;
    if (::fstat(model_file.fd(), &model_mode) == 0) side_file->CopyOwnerAndMode(model_mode);
    ONNXKIT_RETURN_IF_ERROR(WriteSideFile(side, side_file->fd(), side_target->path, progress));
  }
  FdSink sink(model_file.fd(), model_target.path, progress,
              SizeForProgress(model, rewrites, progress));
  ONNXKIT_RETURN_IF_ERROR(io_internal::EncodeModel(model, rewrites, sink));
  if (side_file) ONNXKIT_RETURN_IF_ERROR(side_file->Finish());
  ONNXKIT_RETURN_IF_ERROR(model_file.Finish());
  io_internal::CleanupSignalsBlocked blocked;
  if (side_file) ONNXKIT_RETURN_IF_ERROR(side_file->Commit());
  return model_file.Commit();
}

// The new side file that kKeep writes for references that do not reach their data is never
// a file the model reads, whatever in_place says: its data would be read from the very
// file being replaced, and saving in place never needs one.
Status RefuseNewSideFileOverInput(const std::vector<InputFile>& inputs, const Target& side) {
  for (const InputFile& input : inputs) {
    if (input.id != IdOf(*side.status)) continue;
    return absl::FailedPreconditionError(fmt::format(
        "the external data must go to a new side file beside the output, but '{}' is the same "
        "file as {}; choose another output name or side file name (--external-data=FILE "
        "moves it explicitly)",
        side.path, input.description));
  }
  return absl::OkStatus();
}

// The side file's name, relative to the model file's folder.
std::string SideFileName(const Target& model, const SaveOptions& options) {
  return options.external_file.empty() ? fs::path(model.path).filename().string() + ".data"
                                       : options.external_file;
}

}  // namespace

Status SaveFile(const Model& model, const std::string& path, const SaveOptions& options) {
  using Mode = SaveOptions::ExternalData;
  const std::vector<InputFile> inputs = InputsOf(model);
  ONNXKIT_ASSIGN_OR_RETURN(Target target, ResolveModelTarget(path));
  if (target.status) {
    ONNXKIT_RETURN_IF_ERROR(
        RefuseInputs(inputs, *target.status, fmt::format("output '{}'", path), options.in_place));
  }
  if (options.external_data == Mode::kExternal && target.kind != Target::Kind::kFile) {
    return absl::FailedPreconditionError(fmt::format(
        "external data needs an output file next to which the side file is written, not '{}'",
        path));
  }

  TensorRewrites rewrites;
  std::vector<SideTensor> side;
  std::optional<Target> side_target;
  if (options.external_data == Mode::kInline) {
    ONNXKIT_RETURN_IF_ERROR(PlanInline(model, rewrites));
  }
  if (options.external_data == Mode::kExternal) {
    std::string name = SideFileName(target, options);
    ONNXKIT_ASSIGN_OR_RETURN(side, PlanSideFile(model, name, options, rewrites));
    // No tensor qualifies: no side file (an empty one would only mislead).
    if (!side.empty()) {
      ONNXKIT_ASSIGN_OR_RETURN(side_target, ResolveSideTarget(target, name));
      if (side_target->status) {
        ONNXKIT_RETURN_IF_ERROR(RefuseInputs(inputs, *side_target->status,
                                             fmt::format("external data file '{}'", name),
                                             options.in_place));
      }
    }
  }
  if (options.external_data == Mode::kKeep) {
    if (target.kind == Target::Kind::kFile) {
      // References that would not reach their data from the output's folder: the data goes
      // along, into a new side file there (never over a file the model reads, even with
      // in_place: that file is not being replaced by its own new version).
      auto stranded = StrandedReferences(model, fs::path(target.path));
      if (!stranded.empty()) {
        std::string name = SideFileName(target, options);
        side = PlanMovedReferences(model, stranded, name, options, rewrites);
        ONNXKIT_ASSIGN_OR_RETURN(side_target, ResolveSideTarget(target, name));
        if (side_target->status) {
          ONNXKIT_RETURN_IF_ERROR(RefuseNewSideFileOverInput(inputs, *side_target));
        }
      }
    } else {
      // A stream has no folder beside it: the data goes inline.
      ONNXKIT_RETURN_IF_ERROR(PlanInline(model, rewrites, /*readable_only=*/true));
    }
  }
  ONNXKIT_RETURN_IF_ERROR(CheckInlineSize(model, rewrites, path));

  ProgressScope progress_scope(options.progress);
  switch (target.kind) {
    case Target::Kind::kDescriptor:
      return WriteToDescriptor(model, rewrites, target.fd,
                               path == "-" ? std::string("<stdout>") : path, options.progress);
    case Target::Kind::kSpecial:
      return WriteToSpecialFile(model, rewrites, target.path, options.progress);
    case Target::Kind::kFile:
      return WriteFiles(model, rewrites, target, side, side_target ? &*side_target : nullptr,
                        options.progress);
  }
  return absl::InternalError("unreachable");
}

StatusOr<std::string> SaveBytes(const Model& model) {
  return io_internal::EncodeModelToString(model);
}

}  // namespace onnxkit
