#include "core/huge_pages.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace coordnet {

void advise_huge_pages(void* data, std::size_t bytes) {
#if defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHugePage = std::uintptr_t{1} << 21;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const auto first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const auto last = (begin + bytes) & ~(kHugePage - 1);
  if (last > first) {
    ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  }
#else
  (void)data;
  (void)bytes;
#endif
}

void* map_huge_pages(std::size_t bytes) {
  const auto rounded = (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  void* raw = ::mmap(nullptr, rounded + kHugePageBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto begin = reinterpret_cast<std::uintptr_t>(raw);
  const auto first = (begin + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  // The head and tail outside the aligned block go back at once.
  if (first > begin) ::munmap(raw, first - begin);
  ::munmap(reinterpret_cast<void*>(first + rounded), begin + kHugePageBytes - first);
  advise_huge_pages(reinterpret_cast<void*>(first), rounded);
  return reinterpret_cast<void*>(first);
}

void unmap_huge_pages(void* data, std::size_t bytes) noexcept {
  const auto rounded = (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  ::munmap(data, rounded);
}

}  // namespace coordnet
