// Transparent huge pages for large arrays read and written at random.
//
// What it does: advise_huge_pages(data, bytes) asks the kernel (madvise MADV_HUGEPAGE) to back
// the whole 2 MiB pages inside [data, data + bytes) with huge pages when they are first touched;
// pages already touched stay small, so it must come before the memory is first written.
// map_huge_pages(bytes) maps fresh memory, aligned to and rounded up to whole 2 MiB pages, and
// advises it; unmap_huge_pages(data, bytes) returns it. HugePageAllocator<T> maps every block of
// at least 2 MiB that way and advises the smaller ones it takes from malloc, before the
// container writes them: a vector or hash table with it holds its elements on huge pages where
// the block spans any. (HugePageVector<T> is such a vector.)
//
// Why: an array of hundreds of MiB touched at random (the pre-count's counters) otherwise misses
// the TLB on nearly every access as well as the cache, and in a virtual machine each miss walks
// two page tables: random 2-bit increments in 256 MiB took 27.6 ns each on 4 KiB pages and 16.0
// ns on huge pages on the 2-core development VM. Only such arrays use it: huge pages for the
// whole process (glibc.malloc.hugetlb=1) made the 13M-row benchmark slower (4.50 -> 4.98 s), as
// most arrays are walked in order, where small pages cost nothing and huge pages' first faults
// cost more. The advice is only advice: where transparent huge pages are off
// (/sys/kernel/mm/transparent_hugepage/enabled "never") or unsupported it changes nothing.
//
// Why blocks of their own: malloc hands out freed memory again, whose pages are already small;
// advice on them changes nothing. Community detection keeps freed memory in the heap
// (core/keep_freed_memory.hpp), so its level arrays, advised in place, stayed on small pages;
// mapped fresh, the arrays its local moving reads at random (community state, id maps) made
// level-0 moving 11-22% faster and the cluster stage 2.5-6% at 2 ranks (1M-vertex LFR graph,
// docs/benchmarks.md, session 27). Under AddressSanitizer the allocator keeps to malloc, whose
// blocks it checks for out-of-bounds access.
//
// Local (no MPI).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace coordnet {

inline constexpr std::size_t kHugePageBytes = std::size_t{1} << 21;

void advise_huge_pages(void* data, std::size_t bytes);
// Throws std::bad_alloc when the system has no memory to map.
void* map_huge_pages(std::size_t bytes);
// data and bytes as map_huge_pages gave and took them.
void unmap_huge_pages(void* data, std::size_t bytes) noexcept;

// Whether HugePageAllocator maps its blocks of 2 MiB or more (not under AddressSanitizer).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kMapsItsBlocks = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kMapsItsBlocks = false;
#else
inline constexpr bool kMapsItsBlocks = true;
#endif
#else
inline constexpr bool kMapsItsBlocks = true;
#endif

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (kMapsItsBlocks && n * sizeof(T) >= kHugePageBytes)
      return static_cast<T*>(map_huge_pages(n * sizeof(T)));
    T* block = std::allocator<T>().allocate(n);
    advise_huge_pages(block, n * sizeof(T));
    return block;
  }
  void deallocate(T* block, std::size_t n) noexcept {
    if (kMapsItsBlocks && n * sizeof(T) >= kHugePageBytes)
      return unmap_huge_pages(block, n * sizeof(T));
    std::allocator<T>().deallocate(block, n);
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

// A vector on huge pages (see above).
template <class T>
using HugePageVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace coordnet
