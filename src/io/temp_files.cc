#include "io/temp_files.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <limits.h>
#include <sys/random.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "onnxkit/io.h"

namespace onnxkit::io_internal {
namespace {

// The cleanup list. A handler may run at any instruction of any thread, so it only reads
// `armed` and the fixed path buffer of a slot, and calls unlink (async-signal-safe).
struct Slot {
  std::atomic<bool> taken{false};
  std::atomic<bool> armed{false};
  char path[PATH_MAX];
};
constexpr int kSlotCount = 64;
Slot g_slots[kSlotCount];

constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[std::size(kCleanupSignals)];

void RemoveTemporaries(int signal_number, siginfo_t* info, void* context) {
  int saved_errno = errno;
  for (Slot& slot : g_slots) {
    if (slot.armed.load(std::memory_order_acquire)) ::unlink(slot.path);
  }
  errno = saved_errno;
  for (size_t i = 0; i < std::size(kCleanupSignals); ++i) {
    if (kCleanupSignals[i] != signal_number) continue;
    const struct sigaction& previous = g_previous[i];
    if (previous.sa_flags & SA_SIGINFO) {
      if (previous.sa_sigaction != nullptr) previous.sa_sigaction(signal_number, info, context);
    } else if (previous.sa_handler == SIG_DFL) {
      // The signal is blocked while this handler runs: re-raised with the default action, it
      // stops the process as soon as the handler returns.
      struct sigaction default_action {};
      default_action.sa_handler = SIG_DFL;
      ::sigaction(signal_number, &default_action, nullptr);
      ::raise(signal_number);
    } else if (previous.sa_handler != SIG_IGN) {
      previous.sa_handler(signal_number);
    }
  }
}

void InstallHandlers() {
  for (size_t i = 0; i < std::size(kCleanupSignals); ++i) {
    int signal_number = kCleanupSignals[i];
    if (::sigaction(signal_number, nullptr, &g_previous[i]) != 0) continue;
    bool ignored = !(g_previous[i].sa_flags & SA_SIGINFO) && g_previous[i].sa_handler == SIG_IGN;
    if (ignored) continue;  // an ignored signal does not stop the process: nothing to clean
    struct sigaction action {};
    action.sa_sigaction = RemoveTemporaries;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (int other : kCleanupSignals) sigaddset(&action.sa_mask, other);
    ::sigaction(signal_number, &action, nullptr);
  }
}

// Returns the slot that now holds `path`, or -1 when the path is too long or all slots are
// in use (the file is then still removed on errors, only not on signals).
int Register(const std::string& path) {
  static std::once_flag installed;
  std::call_once(installed, InstallHandlers);
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kSlotCount; ++i) {
    bool expected = false;
    if (!g_slots[i].taken.compare_exchange_strong(expected, true)) continue;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].armed.store(true, std::memory_order_release);
    return i;
  }
  return -1;
}

void Unregister(int slot) {
  if (slot < 0) return;
  g_slots[slot].armed.store(false, std::memory_order_release);
  g_slots[slot].taken.store(false, std::memory_order_release);
}

std::string RandomSuffix() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[8] = {};
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    uint64_t fallback = static_cast<uint64_t>(::getpid()) * 0x9E3779B97F4A7C15ULL ^
                        reinterpret_cast<uintptr_t>(&bytes);
    std::memcpy(bytes, &fallback, sizeof bytes);
  }
  std::string out;
  for (unsigned char b : bytes) out.push_back(kAlphabet[b % (sizeof kAlphabet - 1)]);
  return out;
}

Status CreateError(const std::string& target) {
  // An I/O error (exit code 2 in the CLI), not a problem of the model.
  std::string message =
      fmt::format("{}: cannot create a temporary file: {}", target, std::strerror(errno));
  return errno == ENOENT || errno == ENOTDIR ? absl::NotFoundError(message)
                                             : absl::InternalError(message);
}

}  // namespace

Status WriteAll(int fd, std::string_view bytes, std::string_view label) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(fmt::format("{}: write failed: {}", label, strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

StatusOr<PendingFile> PendingFile::Create(const std::string& target) {
  namespace fs = std::filesystem;
  fs::path t(target);
  std::error_code ec;
  fs::path folder = fs::absolute(t.parent_path().empty() ? fs::path(".") : t.parent_path(), ec);
  if (ec) return absl::InternalError(fmt::format("{}: {}", target, ec.message()));
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string temp =
        (folder / fmt::format(".{}.tmp-{}", t.filename().string(), RandomSuffix())).string();
    // Registered before it exists, so that no signal can leave it behind.
    int slot = Register(temp);
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666));
    if (fd.get() >= 0) return PendingFile(std::move(fd), temp, target, slot);
    int error = errno;
    Unregister(slot);
    errno = error;
    if (error != EEXIST) return CreateError(target);
  }
  return CreateError(target);
}

PendingFile::PendingFile(PendingFile&& other) noexcept
    : fd_(std::move(other.fd_)),
      temp_(std::move(other.temp_)),
      target_(std::move(other.target_)),
      slot_(other.slot_),
      committed_(other.committed_) {
  other.slot_ = -1;
  other.committed_ = true;  // the moved-from object owns nothing to remove
}

PendingFile::~PendingFile() {
  fd_.Reset();
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
  Unregister(slot_);
}

void PendingFile::CopyOwnerAndMode(const struct stat& like) {
  // Owner first: changing it clears set-user-ID bits that the mode then restores. Only root
  // may give a file away; a group the user belongs to is still kept.
  if (::fchown(fd_.get(), like.st_uid, like.st_gid) != 0) {
    (void)::fchown(fd_.get(), static_cast<uid_t>(-1), like.st_gid);
  }
  (void)::fchmod(fd_.get(), like.st_mode & 07777);
}

Status PendingFile::Finish() {
  int fd = fd_.Release();
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return absl::InternalError(fmt::format("{}: cannot flush: {}", target_, std::strerror(errno)));
  }
  return absl::OkStatus();
}

Status PendingFile::Commit() {
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    return absl::InternalError(fmt::format("{}: cannot rename the finished file into place: {}",
                                           target_, std::strerror(errno)));
  }
  committed_ = true;
  Unregister(slot_);
  slot_ = -1;
  return absl::OkStatus();
}

CleanupSignalsBlocked::CleanupSignalsBlocked() {
  sigset_t block;
  sigemptyset(&block);
  for (int s : kCleanupSignals) sigaddset(&block, s);
  pthread_sigmask(SIG_BLOCK, &block, &previous_);
}

CleanupSignalsBlocked::~CleanupSignalsBlocked() {
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace onnxkit::io_internal

namespace onnxkit {

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  ONNXKIT_ASSIGN_OR_RETURN(io_internal::PendingFile file, io_internal::PendingFile::Create(path));
  ONNXKIT_RETURN_IF_ERROR(io_internal::WriteAll(file.fd(), bytes, path));
  ONNXKIT_RETURN_IF_ERROR(file.Finish());
  io_internal::CleanupSignalsBlocked blocked;
  return file.Commit();
}

}  // namespace onnxkit
