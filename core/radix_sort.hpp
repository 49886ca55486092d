// Sorting records by radix (kernels/pair_partial.cpp, kernels/coaction.cpp,
// io/account_registry.cpp).
//
// What sort_by_key(records, key_of) computes: `records` in ascending key_of order, stable. It
// radix-sorts (key, position) entries of 16 bytes, 11 bits per pass and only as many passes as the
// largest key needs, then moves each record once into place by following the permutation's
// cycles. So the large records (the co-action partials are about 100 bytes) are neither compared
// nor copied log(n) times, and the extra memory is 32 bytes per record.
//
// What sort_by_hash(records, hash_of, less) computes: `records` in `less` order, where `less`
// orders first by hash_of, a 64-bit hash spread evenly over its range (an action's key). The
// records are first scattered by the hash's top 12 bits into a second array, which then replaces
// the first (one counting pass and one sequential pass writing to 4,096 places: the scattered
// lines stay in cache, where swapping in place would miss on every record); records already
// grouped so (as copy_grouped_by_hash leaves them) are not moved, and records that come as a few
// such runs (grouped by every source of an exchange) are copied a stretch of one group at a time.
// sort_by_hash(records, hash_of, less, spare) takes the second array's memory from `spare` (a
// buffer the caller no longer needs, such as the one the records were sent from: its pages are
// already mapped) and leaves `spare` empty. Each group, now small enough for the cache, is
// partitioned by the next 8 bits (one counting pass, then each record copied into its bucket in a
// scratch array of at most 65,536 records and the part copied back; a larger part, a viral key's,
// is partitioned in place as American flag sort does, each record swapped straight into its
// bucket), and so on until a bucket holds at most 1,024 records, which is sorted by `less`. So a
// record is compared about log2(1024) times instead of log2(n); a pass writes to 256 places at a
// time (a 16-bit pass, to 65,536 places, was slower than std::sort: every write missed), and
// copying out and back is predictable where the swaps mispredicted (the 13M-row benchmark's key
// sort: 0.36 -> 0.30 s). The second array and the scratch are the only allocations: the records
// are held twice for a moment. Records that share one hash (a viral key) are sorted whole, as
// std::sort would.
//
// What copy_grouped_by_hash<Record>(source, copies_of, hash_of) computes: the records that
// copies_of(s, emit) emits (emit(record), any number of times) for each s of `source`, grouped by
// the top 12 bits of hash_of in ascending order and, within a group, in the order emitted: a
// copy (filtering, or making several records of one) that does sort_by_hash's first pass on the
// way. copies_of is called twice per source record (counting, then copying) and must emit the
// same records both times. `headroom` adds capacity for that fraction more records (address
// space only until used): room for the records an exchange brings when the copy, once sent, is
// to take them (sort_by_hash's `spare`).
//
// What copy_grouped<Record>(source, copies_of, n_places, starts) computes: the same for records
// that copies_of(s, emit) emits as emit(record, place), place < n_places, grouped by place in
// ascending order; starts[k] is where place k begins (n_places + 1 entries). The shuffle to the
// key owners groups by rank and, within a rank, by hash group (kernels/key_slicing.cpp
// CopyPlaces), so that each rank's records are one stretch, grouped as the key sort wants them.
//
// Local (no MPI).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

namespace coordnet {

namespace radix_detail {

struct KeyPosition {
  std::uint64_t key;
  std::uint64_t position;
};

inline void radix_sort_entries(std::vector<KeyPosition>& entries, std::uint64_t max_key) {
  constexpr int kBits = 11;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  const auto key_bits = static_cast<int>(std::bit_width(max_key));
  std::vector<KeyPosition> scratch(entries.size());
  for (int shift = 0; shift < key_bits; shift += kBits) {
    std::array<std::size_t, kBuckets> offsets{};
    for (const auto& e : entries) ++offsets[(e.key >> shift) & (kBuckets - 1)];
    std::size_t sum = 0;
    for (auto& o : offsets) sum += std::exchange(o, sum);
    for (const auto& e : entries) scratch[offsets[(e.key >> shift) & (kBuckets - 1)]++] = e;
    entries.swap(scratch);
  }
}

}  // namespace radix_detail

template <class Record, class KeyOf>
void sort_by_key(std::vector<Record>& records, KeyOf&& key_of) {
  using radix_detail::KeyPosition;
  std::vector<KeyPosition> order(records.size());
  std::uint64_t max_key = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    order[i] = {key_of(records[i]), i};
    max_key = std::max(max_key, order[i].key);
  }
  radix_detail::radix_sort_entries(order, max_key);
  // order[k].position is the record that belongs at k; a moved slot is marked by position == k.
  for (std::size_t start = 0; start < records.size(); ++start) {
    if (order[start].position == start) continue;
    Record held = std::move(records[start]);
    std::size_t at = start;
    while (true) {
      const auto from = static_cast<std::size_t>(order[at].position);
      order[at].position = at;
      if (from == start) {
        records[at] = std::move(held);
        break;
      }
      records[at] = std::move(records[from]);
      at = from;
    }
  }
}

namespace radix_detail {

// Parts of at most this many records are sorted by comparison.
constexpr std::ptrdiff_t kSortUpTo = 1024;
// sort_by_hash's first pass: the groups of the hash's top 12 bits.
constexpr int kHashGroupBits = 12;
constexpr std::size_t kHashGroups = std::size_t{1} << kHashGroupBits;
constexpr int kHashGroupShift = 64 - kHashGroupBits;
inline std::size_t hash_group(std::uint64_t hash) { return hash >> kHashGroupShift; }
// sort_by_hash copies stretches of one group whole when they hold this many records on average.
constexpr std::size_t kRecordsPerStretch = 64;

// Parts of at most this many records are partitioned through `scratch` (a copy out by bucket and
// back: predictable, where swapping in place mispredicts on most records); larger ones in place.
constexpr std::ptrdiff_t kScratchUpTo = std::ptrdiff_t{1} << 16;

// Partitions [first, last), whose hashes agree above bit `shift`, by the 8 bits of the hash below
// `shift` (the bits down to 0 when fewer are left) and recurses into each part; a part of at most
// kSortUpTo records, or one whose hash bits are used up, is sorted.
template <class Record, class HashOf, class Less>
void flag_sort(Record* first, Record* last, int shift, HashOf& hash_of, Less& less,
               std::vector<Record>& scratch) {
  constexpr int kBits = 8;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  if (last - first <= kSortUpTo || shift == 0) {
    std::sort(first, last, less);
    return;
  }
  shift = std::max(shift - kBits, 0);
  auto bucket_of = [&](const Record& r) {
    return static_cast<std::size_t>((std::uint64_t{hash_of(r)} >> shift) & (kBuckets - 1));
  };
  std::array<std::ptrdiff_t, kBuckets + 1> start{};
  for (const Record* r = first; r != last; ++r) ++start[bucket_of(*r) + 1];
  for (std::size_t b = 0; b < kBuckets; ++b) start[b + 1] += start[b];
  // next[b]: the first position of bucket b not yet holding one of its own records.
  std::array<std::ptrdiff_t, kBuckets> next;
  std::copy(start.begin(), start.end() - 1, next.begin());
  if (last - first <= kScratchUpTo) {
    if (scratch.size() < static_cast<std::size_t>(last - first))
      scratch.resize(static_cast<std::size_t>(last - first));
    for (const Record* r = first; r != last; ++r) scratch[next[bucket_of(*r)]++] = *r;
    std::copy(scratch.begin(), scratch.begin() + (last - first), first);
  } else {
    for (std::size_t b = 0; b < kBuckets; ++b) {
      while (next[b] < start[b + 1]) {
        auto& here = first[next[b]];
        const auto home = bucket_of(here);
        if (home == b) {
          ++next[b];
        } else {
          std::swap(here, first[next[home]++]);
        }
      }
    }
  }
  for (std::size_t b = 0; b < kBuckets; ++b) {
    flag_sort(first + start[b], first + start[b + 1], shift, hash_of, less, scratch);
  }
}

}  // namespace radix_detail

template <class Record, class HashOf, class Less>
void sort_by_hash(std::vector<Record>& records, HashOf&& hash_of, Less&& less,
                  std::vector<Record>& spare) {
  using radix_detail::kHashGroupShift;
  auto scattered = std::exchange(spare, {});
  if (records.size() <= radix_detail::kSortUpTo) {
    std::sort(records.begin(), records.end(), less);
    return;
  }
  std::vector<std::size_t> start(radix_detail::kHashGroups + 1, 0);
  // The stretches of consecutive records in one group, while there are few (records that arrive
  // grouped from a few sources): then each is copied whole instead of record by record.
  struct Stretch {
    std::size_t group, begin, end;
  };
  std::vector<Stretch> stretches;
  const std::size_t most_stretches = records.size() / radix_detail::kRecordsPerStretch;
  bool grouped = true;
  std::size_t previous = radix_detail::kHashGroups;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto group = radix_detail::hash_group(hash_of(records[i]));
    ++start[group + 1];
    if (group != previous) {
      grouped = grouped && (previous == radix_detail::kHashGroups || group > previous);
      if (stretches.size() <= most_stretches) {
        if (!stretches.empty()) stretches.back().end = i;
        stretches.push_back({group, i, records.size()});
      }
      previous = group;
    }
  }
  for (std::size_t g = 0; g < radix_detail::kHashGroups; ++g) start[g + 1] += start[g];
  if (!grouped) {
    if (stretches.size() <= most_stretches) {
      // Group by group, each group's stretches in the order they came (stable, as below).
      std::stable_sort(stretches.begin(), stretches.end(),
                       [](const Stretch& a, const Stretch& b) { return a.group < b.group; });
      scattered.clear();
      scattered.reserve(records.size());
      for (const auto& st : stretches) {
        scattered.insert(scattered.end(), records.begin() + static_cast<std::ptrdiff_t>(st.begin),
                         records.begin() + static_cast<std::ptrdiff_t>(st.end));
      }
    } else {
      scattered.resize(records.size());
      auto next = start;
      for (const auto& r : records) scattered[next[radix_detail::hash_group(hash_of(r))]++] = r;
    }
    records.swap(scattered);
  }
  std::vector<Record> scratch;
  for (std::size_t g = 0; g < radix_detail::kHashGroups; ++g) {
    radix_detail::flag_sort(records.data() + start[g], records.data() + start[g + 1],
                            kHashGroupShift, hash_of, less, scratch);
  }
}

template <class Record, class HashOf, class Less>
void sort_by_hash(std::vector<Record>& records, HashOf&& hash_of, Less&& less) {
  std::vector<Record> spare;
  sort_by_hash(records, hash_of, less, spare);
}

template <class Record, class Source, class CopiesOf>
std::vector<Record> copy_grouped(const Source& source, CopiesOf&& copies_of, std::size_t n_places,
                                 std::vector<std::size_t>& starts, double headroom = 0) {
  starts.assign(n_places + 1, 0);
  for (const auto& s : source) {
    copies_of(s, [&](const Record&, std::size_t place) { ++starts[place + 1]; });
  }
  for (std::size_t g = 0; g < n_places; ++g) starts[g + 1] += starts[g];
  std::vector<Record> out;
  out.reserve(starts.back() +
              static_cast<std::size_t>(headroom * static_cast<double>(starts.back())));
  out.resize(starts.back());
  auto next = starts;
  for (const auto& s : source) {
    copies_of(s, [&](const Record& r, std::size_t place) { out[next[place]++] = r; });
  }
  return out;
}

template <class Record, class Source, class CopiesOf, class HashOf>
std::vector<Record> copy_grouped_by_hash(const Source& source, CopiesOf&& copies_of,
                                         HashOf&& hash_of, double headroom = 0) {
  std::vector<std::size_t> starts;
  return copy_grouped<Record>(
      source,
      [&](const auto& s, auto&& emit) {
        copies_of(s, [&](const Record& r) { emit(r, radix_detail::hash_group(hash_of(r))); });
      },
      radix_detail::kHashGroups, starts, headroom);
}

}  // namespace coordnet
