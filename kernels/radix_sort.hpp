// Sorting large records by a 64-bit key with an LSD radix sort (kernels/coaction.cpp).
//
// What it computes: sort_by_key(records, key_of) puts `records` in ascending key_of order,
// stable. It radix-sorts (key, position) entries of 16 bytes, 11 bits per pass and only as many
// passes as the largest key needs, then moves each record once into place by following the
// permutation's cycles. So the large records (the co-action partials are about 100 bytes) are
// neither compared nor copied log(n) times, and the extra memory is 32 bytes per record.
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

}  // namespace coordnet
