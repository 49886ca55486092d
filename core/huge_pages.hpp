// Transparent huge pages for large arrays read and written at random.
//
// What it does: advise_huge_pages(data, bytes) asks the kernel (madvise MADV_HUGEPAGE) to back
// the whole 2 MiB pages inside [data, data + bytes) with huge pages when they are first touched;
// pages already touched stay small, so it must come before the memory is first written.
// HugePageAllocator<T> advises every block it allocates, before the container writes it: a
// vector or hash table with it holds its elements on huge pages where the block spans any.
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
// Local (no MPI).
#pragma once

#include <cstddef>
#include <memory>

namespace coordnet {

void advise_huge_pages(void* data, std::size_t bytes);

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    T* block = std::allocator<T>().allocate(n);
    advise_huge_pages(block, n * sizeof(T));
    return block;
  }
  void deallocate(T* block, std::size_t n) noexcept { std::allocator<T>().deallocate(block, n); }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace coordnet
