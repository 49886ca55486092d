#include "kernels/pair_count_bound.hpp"

#include <algorithm>
#include <bit>

namespace coordnet {

void PairCountBound::add(std::span<const std::uint64_t> pairs) {
  // The counters are far larger than the caches: the slot of a pair a few ahead is prefetched.
  constexpr std::size_t kAhead = 16;
  const auto n = pairs.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) __builtin_prefetch(&counters_[slot_of(pairs[i + kAhead])], 1, 0);
    auto& c = counters_[slot_of(pairs[i])];
    c = static_cast<std::uint8_t>(c + (c != kSaturated ? 1 : 0));
  }
}

std::size_t pair_count_slots(std::uint64_t candidates, int n_ranks, std::size_t most) {
  constexpr std::size_t kFewest = std::size_t{1} << 16;
  const auto wanted = std::bit_ceil(
      std::max<std::uint64_t>(kFewest, 4 * candidates / static_cast<std::uint64_t>(n_ranks)));
  return std::max(kFewest, std::min(static_cast<std::size_t>(wanted), std::bit_floor(most)));
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
