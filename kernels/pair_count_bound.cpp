#include "kernels/pair_count_bound.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace coordnet {

PairCountBound::PairCountBound(std::size_t counters, double min_weight)
    : min_weight_(min_weight),
      bits_(counter_bits(min_weight)),
      per_word_log_(std::countr_zero(static_cast<unsigned>(64 / bits_))),
      saturated_((std::uint64_t{1} << bits_) - 1),
      mask_(std::bit_ceil(std::max<std::size_t>(64, counters)) - 1),
      words_((mask_ + 1) >> per_word_log_, 0) {}

int PairCountBound::counter_bits(double min_weight) {
  if (min_weight <= 3) return 2;
  if (min_weight <= 15) return 4;
  return 8;
}

void PairCountBound::add(std::span<const std::uint64_t> pairs) {
  // The counters are far larger than the caches: the word of the pair kAhead further on is
  // prefetched, its slot kept in a ring so that each pair is hashed once.
  constexpr std::size_t kAhead = 16;
  std::array<std::size_t, kAhead> ahead{};
  const auto n = pairs.size();
  const auto look_ahead = [&](std::size_t i) {
    ahead[i % kAhead] = slot_of(pairs[i]);
    __builtin_prefetch(&words_[ahead[i % kAhead] >> per_word_log_], 1, 0);
  };
  for (std::size_t i = 0; i < std::min(n, kAhead); ++i) look_ahead(i);
  for (std::size_t i = 0; i < n; ++i) {
    const auto slot = ahead[i % kAhead];
    if (i + kAhead < n) look_ahead(i + kAhead);
    if (value(slot) != saturated_) {
      words_[slot >> per_word_log_] += std::uint64_t{1} << shift_of(slot);
    }
  }
}

std::size_t pair_count_counters(std::uint64_t candidates, int n_ranks, std::size_t most_bytes,
                                int bits) {
  constexpr std::size_t kFewest = std::size_t{1} << 16;
  const auto wanted = std::bit_ceil(
      std::max<std::uint64_t>(kFewest, 8 * candidates / static_cast<std::uint64_t>(n_ranks)));
  const auto most =
      std::bit_floor(std::max<std::size_t>(1, most_bytes * 8 / static_cast<std::size_t>(bits)));
  return std::max(kFewest, std::min(static_cast<std::size_t>(wanted), most));
}

namespace pair_count_detail {

std::pair<const Action*, const Action*> emit_window_pairs(const Action* left, const Action* right,
                                                          const Action* end, DurationMs window_ms,
                                                          std::size_t until,
                                                          std::vector<std::uint64_t>& out) {
  for (; right != end && out.size() < until; ++right) {
    while (right->t_ms - left->t_ms > window_ms) ++left;
    if (right->flags & kActionIsHalo) continue;
    const auto v = right->account.value;
    for (const Action* a = left; a != right; ++a) {
      if (a->account.value == v) continue;
      const auto [src, dst] = std::minmax(a->account.value, v);
      out.push_back(PairPartial::pack(src, dst));
    }
  }
  return {right, left};
}

}  // namespace pair_count_detail

}  // namespace coordnet
