// PairReachFilter: every rank's copy of the pre-count's verdict (kernels/pair_count_bound.hpp),
// so the sweep skips the pairs whose owner would drop them on arrival.
//
// What it computes: per owner, a blocked Bloom filter of the counters of its sketch that may
// reach min_weight: a 64-bit word per counter, chosen by a hash of the counter, in which the
// counter sets four bits (one of kPatterns, by the hash's top bits). A pair is looked up through
// its owner (owner_of_pair) and its counter there (PairCountBound::slot_of). No false negatives: a
// pair the filter rejects has a counter under min_weight, so the owner would drop all of its
// partials, and skipping them at the sender changes no edge. A pair it accepts may still be dropped
// by the owner's exact test (false positives, about 1% with 16 to 32 bits per reaching counter).
//
// Memory: every rank holds all owners' filters, 2 to 4 bytes per reaching counter over all ranks.
// build_reach_filter builds none (returns nullopt) when that would pass `most_bytes` (with many
// reaching counters the filter would also skip little).
//
// Collective: every rank calls build_reach_filter with its sketch (the same counters and
// min_weight on every rank) and the same most_bytes.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/comm.hpp"
#include "core/hash.hpp"
#include "core/huge_pages.hpp"
#include "kernels/pair_count_bound.hpp"
#include "kernels/pair_partial.hpp"

namespace coordnet {

class PairReachFilter {
 public:
  // Words of a filter of that many reaching counters (a power of two).
  static std::size_t words_for(std::size_t reaching);
  // One owner's filter of its sketch's reaching counters, in words_for(bound.reaching()) words.
  static std::vector<std::uint64_t> owner_words(const PairCountBound& bound, std::size_t words);

  // From the owners' words, concatenated in rank order, words_per_owner[r] of owner r; `counters`
  // is every sketch's counter count.
  PairReachFilter(std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> words,
                  const std::vector<std::uint64_t>& words_per_owner, std::size_t counters);

  // A pair's word in the filter and the bits it needs there: probe first, prefetch, then test
  // (the sweep probes a window's pairs before it tests them, so the cache misses overlap).
  struct Probe {
    std::size_t word;
    std::uint64_t bits;
  };
  Probe probe(std::uint64_t pair) const {
    const auto mixed = mix_bits(pair);
    const auto owner = static_cast<std::size_t>(owner_of_hash(mixed, n_owners_));
    const auto h = counter_hash(PairCountBound::slot_in(mixed, counters_));
    return {first_word_[owner] + (h & word_mask_[owner]), bits_of(h)};
  }
  void prefetch(const Probe& p) const { __builtin_prefetch(&words_[p.word]); }
  bool passes(const Probe& p) const { return (words_[p.word] & p.bits) == p.bits; }
  bool may_reach(std::uint64_t pair) const { return passes(probe(pair)); }
  std::size_t bytes() const { return words_.size() * sizeof(std::uint64_t); }

 private:
  // The counter's hash: its word by the low bits, its four bits by the top twelve. The slot is
  // already drawn from a mixed pair, so one multiply spreads it to the top bits, and the
  // bits come from a table: the sweep probes every co-action it meets, and a second mix_bits
  // and four shifts cost a quarter more per probe (a microbenchmark of windows of 100 pairs
  // against a 2 MiB filter: 14.1 against 11.1 ns). A table of 1,024 patterns let 40-110% more
  // non-reaching counters through than four shifted bits; 4,096 as few. The constant keeps
  // counter 0 off 0.
  static std::uint64_t counter_hash(std::uint64_t slot) {
    return (slot + 0x9E3779B97F4A7C15ULL) * 0xD6E8FEB86659FD93ULL;
  }
  static std::uint64_t bits_of(std::uint64_t h) { return kPatterns[h >> (64 - kPatternBits)]; }

  // 2^kPatternBits words of four distinct bits each, drawn once (SplitMix64 from a fixed seed;
  // 32 KiB).
  static constexpr int kPatternBits = 12;
  static constexpr std::array<std::uint64_t, std::size_t{1} << kPatternBits> kPatterns = [] {
    std::array<std::uint64_t, std::size_t{1} << kPatternBits> patterns{};
    std::uint64_t state = 0;
    for (auto& pattern : patterns) {
      while (std::popcount(pattern) < 4) {
        state += 0x9E3779B97F4A7C15ULL;
        pattern |= std::uint64_t{1} << (mix_bits(state) & 63);
      }
    }
    return patterns;
  }();

  // On huge pages: read at random.
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> words_;
  std::vector<std::uint64_t> first_word_;
  std::vector<std::uint64_t> word_mask_;
  std::size_t counters_;
  int n_owners_;
};

// Every owner's filter gathered on every rank, or nullopt when they would take more than
// most_bytes; `reaching` is bound.reaching(). Collective.
std::optional<PairReachFilter> build_reach_filter(const PairCountBound& bound, std::size_t reaching,
                                                  std::size_t most_bytes, const Comm& comm);

}  // namespace coordnet
