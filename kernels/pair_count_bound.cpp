#include "kernels/pair_count_bound.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <tuple>

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

std::size_t PairCountBound::reaching() const {
  std::size_t n = 0;
  for_each_reaching([&](std::size_t) { ++n; });
  return n;
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

PairCountBound count_pair_bounds(const std::vector<Action>& by_key,
                                 const std::vector<std::pair<std::size_t, std::size_t>>& groups,
                                 DurationMs window_ms, std::size_t counters, double min_weight,
                                 const Comm& comm, PartTimes* times, std::size_t first_part) {
  auto lap = [&](std::size_t part) {
    if (times != nullptr) times->lap(first_part + part);
  };
  PairCountBound bound(counters, min_weight);
  std::vector<std::uint64_t> pairs;
  OwnerExchange<std::uint64_t> stream;
  auto owner = [&](std::uint64_t pair) { return owner_of_pair(pair, comm.size()); };
  std::size_t group = 0;
  const Action *left = nullptr, *right = nullptr;
  if (!groups.empty()) left = right = by_key.data() + groups[0].first;
  while (true) {
    while (group < groups.size() && pairs.size() < PairCountBound::kPairsPerRound) {
      const Action* end = by_key.data() + groups[group].second;
      std::tie(right, left) = pair_count_detail::emit_window_pairs(
          left, right, end, window_ms, PairCountBound::kPairsPerRound, pairs);
      if (right == end && ++group < groups.size())
        left = right = by_key.data() + groups[group].first;
    }
    lap(0);
    const auto& received = stream(std::span<const std::uint64_t>(pairs), owner, comm).data;
    lap(1);
    bound.add(received);
    pairs.clear();
    lap(2);
    const bool more =
        comm.allreduce<std::uint64_t>(group < groups.size() ? 1 : 0, ReduceOp::sum) > 0;
    lap(1);
    if (!more) break;
  }
  return bound;
}

}  // namespace coordnet
