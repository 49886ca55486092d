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
      mask_(std::bit_ceil(std::clamp<std::size_t>(counters, 64, kMostCounters)) - 1),
      words_((mask_ + 1) >> per_word_log_, 0) {}

int PairCountBound::counter_bits(double min_weight) {
  if (min_weight <= 3) return 2;
  if (min_weight <= 15) return 4;
  return 8;
}

template <class SlotOf>
void PairCountBound::count(std::size_t n, SlotOf&& slot_of_element) {
  // The counters are far larger than the caches: the word of the element kAhead further on is
  // prefetched, its slot kept in a ring so that each pair is hashed once.
  constexpr std::size_t kAhead = 16;
  std::array<std::size_t, kAhead> ahead{};
  const auto look_ahead = [&](std::size_t i) {
    ahead[i % kAhead] = slot_of_element(i);
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

void PairCountBound::add(std::span<const std::uint64_t> pairs) {
  count(pairs.size(), [&](std::size_t i) { return slot_of(pairs[i]); });
}

void PairCountBound::add_slots(std::span<const std::uint32_t> slots) {
  count(slots.size(), [&](std::size_t i) { return static_cast<std::size_t>(slots[i]); });
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

namespace {

// One round of the pre-count's exchange at more than one rank: each pair's counter slot (4 bytes)
// to the pair's owner, both from the same hash of the pair. The buffers are kept between rounds.
class SlotStream {
 public:
  const std::vector<std::uint32_t>& operator()(std::span<const std::uint64_t> pairs,
                                               const PairCountBound& bound, const Comm& comm) {
    slots_.resize(pairs.size());
    owners_.resize(pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      slots_[i] = static_cast<std::uint32_t>(bound.slot_of(pairs[i]));
      owners_[i] = static_cast<std::uint32_t>(owner_of_pair(pairs[i], comm.size()));
    }
    scatter_by_owner(std::span<const std::uint32_t>(slots_),
                     std::span<const std::uint32_t>(owners_), comm.size(), send_, counts_);
    comm.alltoallv_into<std::uint32_t>(send_, counts_, received_);
    return received_.data;
  }

 private:
  std::vector<std::uint32_t> slots_, owners_, send_;
  std::vector<std::uint64_t> counts_;
  Received<std::uint32_t> received_;
};

}  // namespace

PairCountBound count_pair_bounds(const std::vector<Action>& by_key,
                                 const std::vector<std::pair<std::size_t, std::size_t>>& groups,
                                 DurationMs window_ms, std::size_t counters, double min_weight,
                                 const Comm& comm, PartTimes* times, std::size_t first_part) {
  auto lap = [&](std::size_t part) {
    if (times != nullptr) times->lap(first_part + part);
  };
  PairCountBound bound(counters, min_weight);
  std::vector<std::uint64_t> pairs;
  SlotStream stream;
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
    if (comm.size() == 1) {
      lap(1);
      bound.add(pairs);
    } else {
      const auto& received = stream(pairs, bound, comm);
      lap(1);
      bound.add_slots(received);
    }
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
