// Flat open-addressing table of account pairs for the co-action sweep (kernels/coaction.cpp).
//
// What it holds: one slot per distinct pair (src, dst) met in a piece of a key, with the sums,
// minima and maxima of its co-actions there. Linear probing in a power-of-two array of 64-byte
// slots (one cache line each); a slot is empty while src == kEmptyAccount. The sweep looks a
// window's partners up in a batch: it computes their slots first and prefetches them, so the
// cache misses of a large piece (a viral key's slice) overlap instead of queueing.
//
// Local (no MPI). The table is reused across pieces: reset(capacity) clears only what the last
// piece touched. It grows (doubling, the pairs rehashed) when make_room is asked for more than
// its load of 1/2 allows, so behind the reach filter, which passes about 1% of a key's window
// pairs, it is sized by the pairs that pass rather than by all of them (sized by all, clearing and
// scanning a key's table moved 1.4-2.8 GB per rank on the 13M-row input).
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "core/ids.hpp"
#include "kernels/coaction_sums.hpp"

namespace coordnet::coaction_detail {

inline constexpr std::uint64_t kEmptyAccount = UINT64_MAX;

struct PairSlot {
  std::uint64_t src = kEmptyAccount;
  std::uint64_t dst = 0;
  CoactionSums sums;
};
static_assert(sizeof(PairSlot) == 64);

class PairTable {
 public:
  // Empties the table and sizes it for `max_pairs` distinct pairs (load <= 1/2).
  void reset(std::size_t max_pairs) {
    if (size_ > 0) {  // an empty piece (the reach filter's usual verdict) touched nothing
      std::fill(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(used_), PairSlot{});
    }
    size_ = 0;
    size_for(max_pairs);
  }

  // Makes room for `more` pairs beyond those held (load <= 1/2), rehashing them into a table twice
  // as large or more if needed. Slots computed by home() before a call are stale after it.
  void make_room(std::size_t more) {
    if (2 * (size_ + more) <= mask_ + 1) return;
    held_.clear();
    for_each([&](const PairSlot& s) { held_.push_back(s); });
    std::fill(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(used_), PairSlot{});
    size_for(std::max(size_ + more, mask_ + 1));
    size_ = 0;
    for (const auto& h : held_) find_or_insert(h.src, h.dst, home(h.src, h.dst)).sums = h.sums;
  }

  std::size_t home(std::uint64_t src, std::uint64_t dst) const {
    const std::uint64_t h = (src * 0x9E3779B97F4A7C15ULL) ^ (dst * 0xC2B2AE3D27D4EB4FULL);
    return static_cast<std::size_t>((h ^ (h >> 29)) & mask_);
  }
  void prefetch(std::size_t slot) const { __builtin_prefetch(&slots_[slot], 1, 1); }

  // The slot of (src, dst), starting the probe at its home; created empty-valued if new.
  PairSlot& find_or_insert(std::uint64_t src, std::uint64_t dst, std::size_t slot) {
    while (true) {
      PairSlot& s = slots_[slot];
      if (s.src == src && s.dst == dst) return s;
      if (s.src == kEmptyAccount) {
        s.src = src;
        s.dst = dst;
        s.sums.min_delay_ms = INT64_MAX;
        s.sums.first_ms = INT64_MAX;
        s.sums.last_ms = INT64_MIN;
        ++size_;
        return s;
      }
      slot = (slot + 1) & mask_;
    }
  }

  std::size_t size() const { return size_; }

  template <class Visit>
  void for_each(Visit&& visit) const {
    if (size_ == 0) return;
    for (std::size_t i = 0; i < used_; ++i) {
      if (slots_[i].src != kEmptyAccount) visit(slots_[i]);
    }
  }

 private:
  // The table's slots become the first bit_ceil(2 max_pairs) of slots_ (at least 16), which is
  // empty there.
  void size_for(std::size_t max_pairs) {
    const auto capacity = std::bit_ceil(std::max<std::size_t>(16, 2 * max_pairs));
    if (slots_.size() < capacity) slots_.resize(capacity);
    mask_ = capacity - 1;
    used_ = capacity;
  }

  std::vector<PairSlot> slots_;
  std::vector<PairSlot> held_;  // the pairs being rehashed
  std::size_t mask_ = 0;
  std::size_t used_ = 0;  // slots the current sizing may have touched
  std::size_t size_ = 0;
};

}  // namespace coordnet::coaction_detail
