// A hash index over a dense vector of pair partials (kernels/coaction.hpp,
// kernels/pair_accumulator.hpp).
//
// What it computes: absorb_tail(partials, from) merges each partial of partials[from, end) into
// the one of the same (pair, key tag) before it, or keeps it (moved down over the merged ones), so
// `partials` holds each (pair, tag) once, in the order they first came. The index is an
// open-addressing array of 8-byte slots (a 40-bit position + 1 and a 24-bit fingerprint of the
// hash), kept at most half full, so a probe that misses (a new pair, the common case on organic
// traffic) reads one cache line and the partials are only touched on a fingerprint match. A
// batch's slots are prefetched before they are probed, so the cache misses overlap. No sorting:
// each partial costs O(1).
//
// Memory: 16 to 32 bytes per indexed partial. Local (no MPI).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/pair_partial.hpp"

namespace coordnet {

class PartialIndex {
 public:
  static constexpr std::size_t kMaxBytesPerPartial = 32;

  // Sizes the index for `expected` partials (it grows past that).
  explicit PartialIndex(std::size_t expected = 0) { rebuild_for(expected, {}, 0); }

  void absorb_tail(std::vector<PairPartial>& partials, std::size_t from) {
    constexpr std::size_t kBatch = 16;
    std::uint64_t hashes[kBatch];
    std::size_t kept = from;
    for (std::size_t next = from; next < partials.size();) {
      const auto n = std::min(kBatch, partials.size() - next);
      if (kept + n > slots_.size() / 2) rebuild_for(2 * (kept + n), partials, kept);
      for (std::size_t i = 0; i < n; ++i) {
        hashes[i] = hash_of(partials[next + i]);
        __builtin_prefetch(&slots_[hashes[i] & mask_], 1, 1);
      }
      for (std::size_t i = 0; i < n; ++i, ++next) {
        if (PairPartial* held = insert(partials, next, kept, hashes[i])) {
          merge_partial(*held, partials[next]);
        } else {
          partials[kept++] = partials[next];
        }
      }
    }
    partials.resize(kept);
  }

  // Empties the index, keeping its size.
  void clear() { std::fill(slots_.begin(), slots_.end(), 0); }

  // The position in `partials` of (pair, key_tag), or npos.
  static constexpr std::size_t npos = SIZE_MAX;
  std::size_t find(const std::vector<PairPartial>& partials, std::uint64_t pair,
                   std::uint32_t key_tag) const {
    const auto hash = hash_of(pair, key_tag);
    for (std::size_t slot = hash & mask_; slots_[slot] != 0; slot = (slot + 1) & mask_) {
      const std::uint64_t s = slots_[slot];
      if ((s >> kPositionBits) != fingerprint(hash)) continue;
      const auto at = static_cast<std::size_t>((s & kPositionMask) - 1);
      if (partials[at].pair == pair && partials[at].key_tag == key_tag) return at;
    }
    return npos;
  }

  // Frees the index (the partials are kept by the caller).
  void release() {
    std::vector<std::uint64_t>().swap(slots_);
    mask_ = 0;
  }

 private:
  static constexpr int kPositionBits = 40;
  static constexpr std::uint64_t kPositionMask = (std::uint64_t{1} << kPositionBits) - 1;

  static std::uint64_t hash_of(const PairPartial& p) { return hash_of(p.pair, p.key_tag); }
  static std::uint64_t hash_of(std::uint64_t pair, std::uint32_t key_tag) {
    std::uint64_t h = (pair ^ (std::uint64_t{key_tag} << 17)) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 32;
    h *= 0xC2B2AE3D27D4EB4FULL;
    return h ^ (h >> 29);
  }
  static std::uint64_t fingerprint(std::uint64_t hash) { return hash >> kPositionBits; }

  // The held partial of partials[at]'s (pair, tag) among the first `kept`, or nullptr after
  // indexing it as the kept-th.
  PairPartial* insert(std::vector<PairPartial>& partials, std::size_t at, std::size_t kept,
                      std::uint64_t hash) {
    const PairPartial& p = partials[at];
    const auto print = fingerprint(hash);
    for (std::size_t slot = hash & mask_;; slot = (slot + 1) & mask_) {
      const std::uint64_t s = slots_[slot];
      if (s == 0) {
        slots_[slot] = (print << kPositionBits) | (kept + 1);
        return nullptr;
      }
      if ((s >> kPositionBits) == print) {
        PairPartial& held = partials[(s & kPositionMask) - 1];
        if (held.pair == p.pair && held.key_tag == p.key_tag) return &held;
      }
    }
  }

  // Reallocates the index for `expected` partials and indexes the first `n` of `partials`.
  void rebuild_for(std::size_t expected, const std::vector<PairPartial>& partials, std::size_t n) {
    const auto capacity = std::bit_ceil(std::max<std::size_t>(64, 2 * expected));
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < n; ++i) {
      const auto hash = hash_of(partials[i]);
      std::size_t slot = hash & mask_;
      while (slots_[slot] != 0) slot = (slot + 1) & mask_;
      slots_[slot] = (fingerprint(hash) << kPositionBits) | (i + 1);
    }
  }

  std::vector<std::uint64_t> slots_;
  std::size_t mask_ = 0;
};

}  // namespace coordnet
