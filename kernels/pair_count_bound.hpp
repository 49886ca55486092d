// Upper bounds on every account pair's co-action count, before the pairs are built
// (kernels/coaction.hpp: the pre-count).
//
// What it computes: a count sketch partitioned by pair owner. A pass over a rank's key groups
// lists each co-action's pair (u < v, different accounts, |dt| <= window, the right-hand action
// not a halo copy, exactly the co-actions the sweep counts) and sends its counter's slot
// (slot_in: from the low bits of hash(pair), 4 bytes) to the pair's owner (owner_of_pair, the owner
// of its partials later, from the high bits of the same hash), which adds one to that counter,
// saturating; one rank counts its pairs where they are listed. Counters are as narrow as min_weight
// allows (2 bits up to min_weight 3, 4 up to 15, else 8), so a given memory holds more of them. A
// counter is the sum of the counts of all pairs hashed to it, so it never falls below any of them:
// a pair whose counter is under min_weight has fewer co-actions than min_weight, and fewer keys (a
// key with a co-action has at least one), so the owner can drop its partials on arrival without
// changing any edge of pairs or keys weighting. Organic traffic meets most pairs once, so at
// --min-weight 3 most partials go at once instead of being indexed, held, spilled and sorted.
// for_each_reaching lists the counters that may reach min_weight, from which every rank gets a
// filter (kernels/pair_reach_filter.hpp) that keeps the sweep from emitting the other pairs.
//
// Memory: the counters (a quarter of a byte each at min_weight 3, on huge pages where the system
// allows them: core/huge_pages.hpp) per rank, plus a block of kPairsPerRound pairs (8 bytes each)
// at one rank; at more ranks the block's slots, written by owner as the pairs are listed, the send
// block and the receive block (4 bytes each, three times). Traffic: 4 bytes per co-action, against
// 72 per partial later.
//
// Collective: every rank calls count_pair_bounds with its shuffled, sorted key groups and the
// same counters and min_weight. With `times`, the pass adds its wall time to
// parts first_part (listing pairs; at more ranks, writing their slots by owner), first_part + 1
// (the exchange, waits included) and first_part + 2 (counting). A round lists pairs_per_round
// pairs (kPairsPerRound; tests take fewer) and the rest of its last right-hand action's window.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/exchange.hpp"
#include "core/huge_pages.hpp"
#include "core/stage_metrics.hpp"
#include "kernels/pair_partial.hpp"

namespace coordnet {

class PairCountBound {
 public:
  static constexpr std::size_t kPairsPerRound = std::size_t{1} << 22;
  // Counters per rank at most (a slot fits 32 bits; 1 GiB of the narrowest counters).
  static constexpr std::size_t kMostCounters = std::size_t{1} << 32;

  // `counters` (rounded up to a multiple of 64, at least 64 and at most kMostCounters) of the
  // width counter_bits(min_weight).
  PairCountBound(std::size_t counters, double min_weight);

  // The narrowest counter (2, 4 or 8 bits) whose saturated value is min_weight or more, so only a
  // counter under min_weight drops its pairs (8 bits when min_weight passes 255: a saturated
  // counter then always keeps them).
  static int counter_bits(double min_weight);

  // Counts one co-action of each pair (PairPartial::pack) in `pairs`.
  void add(std::span<const std::uint64_t> pairs);
  // Counts one co-action in each counter of `slots` (slot_of of the pairs, which fits 32 bits:
  // at most kMostCounters).
  void add_slots(std::span<const std::uint32_t> slots);
  // Whether the pair may have min_weight co-actions or more (a saturated counter always may).
  bool may_reach(std::uint64_t pair) const {
    const auto c = value(slot_of(pair));
    return c == saturated_ || static_cast<double>(c) >= min_weight_;
  }
  // Starts loading the counter of a pair (may_reach reads it a few steps later).
  void prefetch(std::uint64_t pair) const {
    __builtin_prefetch(&words_[slot_of(pair) >> per_word_log_]);
  }
  // Calls visit(slot) for every counter that may reach min_weight (in no particular order).
  template <class Visit>
  void for_each_reaching(Visit&& visit) const;
  // The counters that may reach min_weight.
  std::size_t reaching() const;
  // The counter of a pair (the slot for_each_reaching names). Account indexes are dense, so every
  // bit of the pair must mix (the owner takes the top bits of the same mix, the slot the low ones).
  std::size_t slot_of(std::uint64_t pair) const { return slot_of_mixed(mix_bits(pair)); }
  // The same from the pair's mix_bits, which also gives its owner (owner_of_pair).
  std::size_t slot_of_mixed(std::uint64_t mixed) const { return slot_in(mixed, counters_); }
  // The slot of a pair's mix_bits among `counters` (at most kMostCounters): its low bits for a
  // power of two, else its low 32 bits scaled to the range, so that a sketch capped by its memory
  // fills it. Not scaled always: in the 2-rank pre-count the multiply on the way to each listed
  // pair's store made the listing 5-15% slower.
  static std::size_t slot_in(std::uint64_t mixed, std::size_t counters) {
    if ((counters & (counters - 1)) == 0) return static_cast<std::size_t>(mixed & (counters - 1));
    return static_cast<std::size_t>((static_cast<std::uint64_t>(static_cast<std::uint32_t>(mixed)) *
                                     static_cast<std::uint64_t>(counters)) >>
                                    32);
  }
  std::size_t counters() const { return counters_; }
  int bits() const { return bits_; }
  std::size_t bytes() const { return words_.size() * sizeof(std::uint64_t); }

 private:
  // add and add_slots: one increment per element, slot_of_element(i) the counter of the i-th.
  template <class SlotOf>
  void count(std::size_t n, SlotOf&& slot_of_element);
  std::uint64_t value(std::size_t slot) const {
    return (words_[slot >> per_word_log_] >> shift_of(slot)) & saturated_;
  }
  unsigned shift_of(std::size_t slot) const {
    return static_cast<unsigned>((slot & ((std::size_t{1} << per_word_log_) - 1)) *
                                 static_cast<std::size_t>(bits_));
  }
  double min_weight_;
  int bits_;
  int per_word_log_;  // log2 of the counters in a 64-bit word
  std::uint64_t saturated_;
  std::size_t counters_;
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> words_;
};

template <class Visit>
void PairCountBound::for_each_reaching(Visit&& visit) const {
  // A counter may reach min_weight when its value is at least `least` (a saturated one always
  // may). Per word, the even counters and then the odd ones sit alone in a field twice their
  // width: adding 2^bits - least to each carries into the field's upper half exactly when the
  // counter reaches `least`.
  const auto least =
      std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::ceil(min_weight_)), 1, saturated_);
  const auto b = static_cast<unsigned>(bits_);
  std::uint64_t even = 0;
  for (unsigned f = 0; f < 64; f += 2 * b) even |= saturated_ << f;
  const auto add = (even / saturated_) * ((std::uint64_t{1} << b) - least);
  const auto carries = even << b;
  const std::size_t per_word = std::size_t{1} << per_word_log_;
  for (std::size_t w = 0; w < words_.size(); ++w) {
    const auto word = words_[w];
    if (word == 0) continue;
    for (unsigned odd = 0; odd < 2; ++odd) {
      auto hits = (((word >> (odd * b)) & even) + add) & carries;
      while (hits != 0) {
        const auto bit = static_cast<unsigned>(std::countr_zero(hits));
        visit(w * per_word + bit / b - 1 + odd);
        hits &= hits - 1;
      }
    }
  }
}

// The counters each rank's sketch gets for `candidates` co-actions over all ranks: eight per
// co-action a rank owns on average (so a pair met once shares its counter with pairs of two more
// co-actions well under 1% of the time), rounded up to a power of two, at least 2^16; or, when
// `most_bytes` holds fewer at `bits` per counter, as many as it holds (a multiple of 64).
std::size_t pair_count_counters(std::uint64_t candidates, int n_ranks, std::size_t most_bytes,
                                int bits);

namespace pair_count_detail {

// Calls emit(pair) (PairPartial::pack) for each co-action of one key group's right-hand actions
// [right, end) whose window starts at `left` (sorted by time; halo actions only as earlier
// partners), adding one to `emitted` per pair and stopping once it reaches `until` after a whole
// right-hand action. Returns where it stopped and the window start there.
template <class Emit>
std::pair<const Action*, const Action*> emit_window_pairs(const Action* left, const Action* right,
                                                          const Action* end, DurationMs window_ms,
                                                          std::size_t until, std::size_t& emitted,
                                                          Emit&& emit) {
  for (; right != end && emitted < until; ++right) {
    while (right->t_ms - left->t_ms > window_ms) ++left;
    if (right->flags & kActionIsHalo) continue;
    const auto v = right->account.value;
    for (const Action* a = left; a != right; ++a) {
      if (a->account.value == v) continue;
      const auto [src, dst] = std::minmax(a->account.value, v);
      emit(PairPartial::pack(src, dst));
      ++emitted;
    }
  }
  return {right, left};
}

}  // namespace pair_count_detail

PairCountBound count_pair_bounds(const std::vector<Action>& by_key,
                                 const std::vector<std::pair<std::size_t, std::size_t>>& groups,
                                 DurationMs window_ms, std::size_t counters, double min_weight,
                                 const Comm& comm, PartTimes* times = nullptr,
                                 std::size_t first_part = 0,
                                 std::size_t pairs_per_round = PairCountBound::kPairsPerRound);

}  // namespace coordnet
