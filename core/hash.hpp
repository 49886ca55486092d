// 64-bit hashing of strings (xxHash3) and the range partition that maps a hash to its owner rank.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <string_view>

namespace coordnet {

inline std::uint64_t hash_string(std::string_view s, std::uint64_t seed = 0) noexcept {
  return XXH3_64bits_withSeed(s.data(), s.size(), seed);
}

inline std::uint64_t hash_combine(std::uint64_t a, std::uint64_t b) noexcept {
  const std::uint64_t words[2] = {a, b};
  return XXH3_64bits(words, sizeof(words));
}

// SplitMix64's finaliser: every bit of `x` moves about half of the result's bits, so dense
// values (account indexes, pairs of them) spread evenly over the range and over low bits alike.
constexpr std::uint64_t mix_bits(std::uint64_t x) noexcept {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Transparent hashing and equality, so hash maps keyed by std::string can be probed with a
// std::string_view without building a string.
struct StringViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return hash_string(s); }
};
struct StringViewEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

// Owner of a 64-bit hash under a range partition: rank r owns [r*2^64/p, (r+1)*2^64/p).
// Ordering by hash is therefore ordering by (owner rank, hash): a prefix sum over ranks turns
// local positions into global ones that do not depend on the rank count.
inline int owner_of_hash(std::uint64_t hash, int n_ranks) noexcept {
  __extension__ using uint128 = unsigned __int128;
  return static_cast<int>((static_cast<uint128>(hash) * static_cast<unsigned>(n_ranks)) >> 64);
}

}  // namespace coordnet
