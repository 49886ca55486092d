// PairTotals: each pair's co-action and key counts summed over all of its partials, as its edge
// will count them (add_to_edge), for an owner that holds every partial of its pairs
// (kernels/pair_accumulator.hpp: the drop before the sort).
//
// What it computes: of(p), for a held partial p, the sums of sums.count and n_keys over the held
// partials of p's pair. A pair held as one untagged partial (on organic traffic nearly all of
// them) is its own total and is not stored; the pairs with tagged partials (the time slices of
// hot keys) are summed in an open-addressing table of 16-byte slots, twice as many as the tagged
// partials (so at most half full), indexed by a multiply-shift of the pair's hash (its low half:
// the high half chose the owner). A sum that
// reaches 2^32 - 1 saturates there, like the partials' counters, and reads as UINT64_MAX (any
// threshold keeps it).
//
// Memory: 32 bytes per tagged partial, none without tags. Local (no MPI).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/pair_partial.hpp"

namespace coordnet {

struct PairCounts {
  std::uint64_t count;   // co-actions
  std::uint64_t n_keys;  // distinct keys
};

class PairTotals {
 public:
  explicit PairTotals(std::span<const PairPartial> held);

  PairCounts of(const PairPartial& p) const;
  // Starts loading where of(p) looks (a pass calls it a few partials ahead).
  void prefetch(const PairPartial& p) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[home(p.pair)]);
  }

 private:
  struct Slot {
    std::uint64_t pair;  // 0: empty (a pair has src < dst, so it is never 0)
    std::uint32_t count;
    std::uint32_t n_keys;
  };
  std::size_t home(std::uint64_t pair) const;
  // The slot of pair, or of the empty slot where it would go.
  std::size_t probe(std::uint64_t pair) const;

  std::vector<Slot> slots_;
};

}  // namespace coordnet
