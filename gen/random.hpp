// Counter-based random numbers for the generator: every stream is keyed by (seed, what, which),
// so a value never depends on how much other work a rank did before it. That is what makes the
// generated files identical at any rank count: a unit of work (a chunk of posts, a campaign
// signal) draws from its own stream, and per-entity properties (an account's handle, a member's
// follow probability) are pure functions of (seed, entity id).
//
// Stream: splitmix64 (Steele, Lea & Flood, OOPSLA 2014), seeded by xxh3 of the key; the
// distributions below are inverse transforms, so one draw consumes a fixed number of words.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

#include "core/hash.hpp"

namespace coordnet::gen {

// splitmix64's finaliser: a bijection on 64-bit words with good avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A hash of (seed, tag, a, b): per-entity properties without a stream.
inline std::uint64_t key_hash(std::uint64_t seed, std::uint64_t tag, std::uint64_t a,
                              std::uint64_t b = 0) noexcept {
  const std::uint64_t words[4] = {seed, tag, a, b};
  return XXH3_64bits(words, sizeof(words));
}

// Uniform in [0, 1) from the top 53 bits of a word.
inline double unit_double(std::uint64_t word) noexcept {
  return static_cast<double>(word >> 11) * 0x1.0p-53;
}

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t tag, std::uint64_t a, std::uint64_t b = 0) noexcept
      : state_(key_hash(seed, tag, a, b)) {}

  std::uint64_t next() noexcept {
    state_ += 0x9E3779B97F4A7C15ULL;
    return mix64(state_);
  }
  double uniform() noexcept { return unit_double(next()); }
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) (Lemire's multiply-shift; the bias is below 2^-64 * n).
  std::uint64_t below(std::uint64_t n) noexcept {
    __extension__ using uint128 = unsigned __int128;
    return static_cast<std::uint64_t>((static_cast<uint128>(next()) * n) >> 64);
  }
  bool chance(double p) noexcept { return uniform() < p; }
  double exponential(double mean) noexcept { return -mean * std::log1p(-uniform()); }
  // Log-normal with the given median and shape sigma (Box-Muller, one normal per call).
  double lognormal(double median, double sigma) noexcept {
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    return median * std::exp(sigma * normal);
  }

 private:
  std::uint64_t state_;
};

// Draws of ranks 0..n-1 with probability ~ (rank + 1)^-exponent: the inverse transform of the
// continuous power law on [1, n + 1), floored. Costs one pow per draw for any n.
class ZipfSampler {
 public:
  ZipfSampler(std::uint64_t n, double exponent) : n_(n), a_(1.0 - exponent) {
    log_top_ = std::log(static_cast<double>(n) + 1.0);
    top_minus_one_ = std::abs(a_) < 1e-9 ? 0.0 : std::pow(static_cast<double>(n) + 1.0, a_) - 1.0;
  }
  std::uint64_t operator()(Rng& rng) const noexcept {
    const double u = rng.uniform();
    const double x =
        std::abs(a_) < 1e-9 ? std::exp(u * log_top_) : std::pow(1.0 + u * top_minus_one_, 1.0 / a_);
    const auto rank = static_cast<std::uint64_t>(x) - 1;
    return rank < n_ ? rank : n_ - 1;
  }

 private:
  std::uint64_t n_;
  double a_;
  double log_top_ = 0.0;
  double top_minus_one_ = 0.0;
};

}  // namespace coordnet::gen
