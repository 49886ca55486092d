// Transparent huge pages for large arrays read and written at random.
//
// What it does: advise_huge_pages(data, bytes) asks the kernel (madvise MADV_HUGEPAGE) to back
// the whole 2 MiB pages inside [data, data + bytes) with huge pages when they are first touched.
// An array of hundreds of MiB touched at random (the pre-count's counters) otherwise misses the
// TLB on nearly every access as well as the cache, and in a virtual machine each miss walks two
// page tables: random 2-bit increments in 256 MiB took 27.6 ns each on 4 KiB pages and 16.0 ns on
// huge pages on the 2-core development VM. It must be called before the memory is first written
// (pages already there stay small). The advice is only advice: where transparent huge pages are
// off (/sys/kernel/mm/transparent_hugepage/enabled "never") or unsupported it changes nothing.
// Whole-process huge pages (glibc.malloc.hugetlb=1) made the 13M-row benchmark slower (4.50 ->
// 4.98 s): most arrays are walked in order, where small pages cost nothing.
//
// on_huge_pages<T>(n) makes a vector of n value-initialised elements so advised.
//
// Local (no MPI).
#pragma once

#include <cstddef>
#include <vector>

namespace coordnet {

void advise_huge_pages(void* data, std::size_t bytes);

template <class T>
std::vector<T> on_huge_pages(std::size_t n) {
  std::vector<T> v;
  v.reserve(n);
  advise_huge_pages(v.data(), n * sizeof(T));
  v.resize(n);
  return v;
}

}  // namespace coordnet
