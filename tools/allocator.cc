// The CLI's C++ allocation goes to mimalloc, which the executable links (the ONNXKIT_MIMALLOC
// build option): a simplify or dump makes hundreds of thousands of small allocations (nodes,
// names, attribute lists), and mimalloc serves them markedly faster than glibc's malloc.
// Linking the library already routes malloc and free there; these definitions exist because
// Debian's build of mimalloc is C, so its own `operator new` aborts when memory runs out.
// Ours throw std::bad_alloc as the standard says, and the CLI turns that into an
// "out of memory" error for the file at hand (see `check -j`) instead of dying.
#include <mimalloc.h>

#include <cstddef>
#include <new>
#include <string_view>

namespace {

// A simplify of swin_t touches some 50 MiB of fresh heap: with 4 KiB pages the kernel's
// page faults took a fifth of its time. Backing mimalloc's segments with transparent huge
// pages (where the system offers them for madvise) takes that to a few hundred faults, at
// the price of a floor a few MiB higher. The option has to be set before mimalloc makes its
// first segment, which happens in the first shared library's initializer that allocates:
// so it is set from the executable's preinit array, which runs before any initializer.
// MIMALLOC_LARGE_OS_PAGES in the environment still decides, as mimalloc documents.
// (The C library's environ is not set up yet there: the environment comes as envp.)
void PreferHugePages(int /*argc*/, char** /*argv*/, char** envp) {
  constexpr std::string_view kSetting = "MIMALLOC_LARGE_OS_PAGES=";
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with(kSetting)) return;
  }
  mi_option_enable(mi_option_large_os_pages);
}

}  // namespace

using PreinitFunction = void (*)(int, char**, char**);
__attribute__((section(".preinit_array"), used)) const PreinitFunction onnxkit_prefer_huge_pages =
    &PreferHugePages;

namespace {

void* AllocateOrThrow(std::size_t size) {
  void* p = mi_new_nothrow(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* AllocateAlignedOrThrow(std::size_t size, std::align_val_t alignment) {
  void* p = mi_new_aligned_nothrow(size, static_cast<std::size_t>(alignment));
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return AllocateOrThrow(size); }
void* operator new[](std::size_t size) { return AllocateOrThrow(size); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  return AllocateAlignedOrThrow(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return AllocateAlignedOrThrow(size, alignment);
}

void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return mi_new_nothrow(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return mi_new_nothrow(size);
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return mi_new_aligned_nothrow(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return mi_new_aligned_nothrow(size, static_cast<std::size_t>(alignment));
}

void operator delete(void* p) noexcept { mi_free(p); }
void operator delete[](void* p) noexcept { mi_free(p); }
void operator delete(void* p, std::size_t) noexcept { mi_free(p); }
void operator delete[](void* p, std::size_t) noexcept { mi_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { mi_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { mi_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { mi_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { mi_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { mi_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { mi_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { mi_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { mi_free(p); }
