// Upper bounds on every account pair's co-action count, before the pairs are built
// (kernels/coaction.hpp: the pre-count).
//
// What it computes: a count sketch partitioned by pair owner. A pass over a rank's key groups
// sends each co-action's pair (8 bytes, u < v, different accounts, |dt| <= window, the right-hand
// action not a halo copy, exactly the co-actions the sweep counts) to the owner of u, which adds
// one to the 8-bit counter at hash(pair) mod slots, saturating at 255. A counter is the sum of the
// counts of all pairs hashed to it, so it never falls below any of them: a pair whose counter is
// under min_weight has fewer co-actions than min_weight, and fewer keys (a key with a co-action
// has at least one), so the owner can drop its partials on arrival without changing any edge of
// pairs or keys weighting. Organic traffic meets most pairs once, so at --min-weight 3 most
// partials go at once instead of being indexed, held, spilled and sorted.
//
// Memory: `slots` bytes per rank, plus the stream's send and receive blocks of kPairsPerRound
// pairs (8 bytes each, twice). Traffic: 8 bytes per co-action, against 72 per partial later.
//
// Collective: every rank calls count_pair_bounds with its shuffled, sorted key groups and the
// same slots and owner_of_account.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/exchange.hpp"
#include "kernels/pair_partial.hpp"

namespace coordnet {

class PairCountBound {
 public:
  static constexpr std::size_t kPairsPerRound = std::size_t{1} << 22;
  static constexpr std::uint8_t kSaturated = UINT8_MAX;

  // `slots` is rounded up to a power of two.
  explicit PairCountBound(std::size_t slots)
      : counters_(std::bit_ceil(std::max<std::size_t>(1, slots)), 0), mask_(counters_.size() - 1) {}

  // Counts one co-action of each pair (PairPartial::pack) in `pairs`.
  void add(std::span<const std::uint64_t> pairs);
  // Whether the pair may have min_weight co-actions or more (a saturated counter always may).
  bool may_reach(std::uint64_t pair, double min_weight) const {
    const auto c = counters_[slot_of(pair)];
    return c == kSaturated || static_cast<double>(c) >= min_weight;
  }
  std::size_t slots() const { return counters_.size(); }

 private:
  std::size_t slot_of(std::uint64_t pair) const {
    const std::uint64_t h = pair * 0x9E3779B97F4A7C15ULL;
    return static_cast<std::size_t>((h ^ (h >> 31)) & mask_);
  }
  std::vector<std::uint8_t> counters_;
  std::size_t mask_;
};

// The slots each rank's sketch gets for `candidates` co-actions over all ranks: four per
// co-action a rank owns on average (so a pair met once shares its counter with pairs of two more
// co-actions about 3% of the time), a power of two between 2^16 and `most`.
std::size_t pair_count_slots(std::uint64_t candidates, int n_ranks, std::size_t most);

namespace pair_count_detail {

// Appends the pairs of the co-actions of one key group's right-hand actions [right, end) whose
// window starts at `left` (sorted by time; halo actions only as earlier partners), stopping once
// `out` holds `until` pairs after a whole right-hand action. Returns where it stopped and the
// window start there.
std::pair<const Action*, const Action*> emit_window_pairs(const Action* left, const Action* right,
                                                          const Action* end, DurationMs window_ms,
                                                          std::size_t until,
                                                          std::vector<std::uint64_t>& out);

}  // namespace pair_count_detail

template <class OwnerOf>
PairCountBound count_pair_bounds(const std::vector<Action>& by_key,
                                 const std::vector<std::pair<std::size_t, std::size_t>>& groups,
                                 DurationMs window_ms, std::size_t slots,
                                 OwnerOf&& owner_of_account, const Comm& comm) {
  PairCountBound bound(slots);
  std::vector<std::uint64_t> pairs;
  OwnerExchange<std::uint64_t> stream;
  auto owner_of_pair = [&](std::uint64_t pair) {
    return owner_of_account(AccountIndex{pair >> 32});
  };
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
    bound.add(stream(std::span<const std::uint64_t>(pairs), owner_of_pair, comm).data);
    pairs.clear();
    if (comm.allreduce<std::uint64_t>(group < groups.size() ? 1 : 0, ReduceOp::sum) == 0) break;
  }
  return bound;
}

}  // namespace coordnet
