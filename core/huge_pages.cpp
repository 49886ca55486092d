#include "core/huge_pages.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace coordnet {

namespace {

// x rounded up to a multiple of the huge page size (an address or a size).
std::uintptr_t to_huge_page(std::uintptr_t x) noexcept {
  return (x + kHugePageBytes - 1) & ~std::uintptr_t{kHugePageBytes - 1};
}

}  // namespace

void advise_huge_pages(void* data, std::size_t bytes) {
#if defined(MADV_HUGEPAGE)
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const auto first = to_huge_page(begin);
  const auto last = (begin + bytes) & ~std::uintptr_t{kHugePageBytes - 1};
  if (last > first) {
    ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  }
#else
  (void)data;
  (void)bytes;
#endif
}

void* map_huge_pages(std::size_t bytes) {
  const auto rounded = to_huge_page(bytes);
  void* raw = ::mmap(nullptr, rounded + kHugePageBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto begin = reinterpret_cast<std::uintptr_t>(raw);
  const auto first = to_huge_page(begin);
  // The head and tail outside the aligned block go back at once.
  if (first > begin) ::munmap(raw, first - begin);
  ::munmap(reinterpret_cast<void*>(first + rounded), begin + kHugePageBytes - first);
  advise_huge_pages(reinterpret_cast<void*>(first), rounded);
  return reinterpret_cast<void*>(first);
}

void unmap_huge_pages(void* data, std::size_t bytes) noexcept {
  ::munmap(data, to_huge_page(bytes));
}

}  // namespace coordnet
