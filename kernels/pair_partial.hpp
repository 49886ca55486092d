// Pair partials: the co-actions of one account pair in part of the data, in 72 bytes: what the
// co-action sweep streams to the pair's owner and what the owner accumulates
// (kernels/coaction.hpp).
//
// Key counting: a partial with key_tag 0 counts its keys already (n_keys and tfidf_dot are sums
// over whole keys). A partial with key_tag t != 0 stands for one key that several pieces of work
// meet (a time slice of a hot key, or a key group cut between two blocks of the stream): n_keys is
// 1 and tfidf_dot that key's product, and partials of the same pair and tag describe the same
// key, so merging them keeps n_keys and tfidf_dot once. Collapsing a pair's tags into its edge
// (add_to_edge) then counts each key once, wherever its pieces were swept.
//
// Counters are 32-bit and saturate at UINT32_MAX (a pair would need 2^32 co-actions); the edge
// they fold into is 64-bit. Accounts must be below 2^32 (packed two to a 64-bit pair).
//
// Local (no MPI).
#pragma once

#include <cstdint>
#include <vector>

#include "core/hash.hpp"
#include "core/ids.hpp"
#include "kernels/coaction_sums.hpp"

namespace coordnet {

struct CoactionEdge;

struct PairPartial {
  std::uint64_t pair = 0;  // src << 32 | dst, src < dst
  std::uint32_t key_tag = 0;
  std::uint32_t n_keys = 0;
  CoactionSums sums;
  std::uint64_t tfidf_dot = 0;

  static std::uint64_t pack(std::uint64_t src, std::uint64_t dst) { return (src << 32) | dst; }
  AccountIndex src() const { return AccountIndex{pair >> 32}; }
  AccountIndex dst() const { return AccountIndex{pair & 0xFFFF'FFFFULL}; }
};
static_assert(sizeof(PairPartial) == 72);

// The largest account index a pair can hold.
inline constexpr std::uint64_t kMaxPairAccount = 0xFFFF'FFFFULL;

// The rank that counts and accumulates a pair's co-actions: a hash of the pair, so every rank
// owns an equal share (the owner of src = min(u, v) would own 3/4 of them at 2 ranks).
inline int owner_of_pair(std::uint64_t pair, int n_ranks) {
  return owner_of_hash(mix_bits(pair), n_ranks);
}

// Merges x into p (same pair and tag): sums, minima and maxima; the key's count and product once
// when the tag is not 0.
void merge_partial(PairPartial& p, const PairPartial& x);

// Sorts by (pair, key_tag) and merges equal ones.
void sort_and_reduce(std::vector<PairPartial>& partials);

// Folds a partial into the edge of its pair (a new edge when `edge` has no co-action yet).
void add_to_edge(CoactionEdge& edge, const PairPartial& p);

}  // namespace coordnet
