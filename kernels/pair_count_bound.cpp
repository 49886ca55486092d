#include "kernels/pair_count_bound.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <tuple>

#include "core/hash.hpp"
#include "core/rank_buffers.hpp"

namespace coordnet {

namespace {

// The counter slots a round of the 2-rank pre-count lists, by owner. Each slot is stored at the
// end of both owners' lists and only its owner's list grows: RankBuffers::add stores into the
// buffer its owner picks, and on this host that store waited on the pair's hash (the viral
// retweet layer at 2 ranks, docs/benchmarks.md session 29: listing 1.81 -> 1.39 s; the exchange,
// with RankBuffers' copy of every buffer into its send buffer, 0.48 -> 0.30 s).
class SlotsOfTwoOwners {
 public:
  explicit SlotsOfTwoOwners(std::size_t pairs_per_round) : pairs_per_round_(pairs_per_round) {}
  void add(int owner, std::uint32_t slot) {
    if (listed_ == low_.size()) grow();
    const auto high = static_cast<std::size_t>(owner);
    low_[n_low_] = slot;
    high_[n_high_] = slot;
    n_low_ += 1 - high;
    n_high_ += high;
    ++listed_;
  }
  // Sends the slots listed since the last send to their owners. Collective (2 ranks).
  const Received<std::uint32_t>& send(const Comm& comm) {
    std::copy(high_.begin(), high_.begin() + static_cast<std::ptrdiff_t>(n_high_),
              low_.begin() + static_cast<std::ptrdiff_t>(n_low_));
    const std::array<std::uint64_t, 2> counts{n_low_, n_high_};
    comm.alltoallv_into<std::uint32_t>(std::span<const std::uint32_t>(low_.data(), listed_), counts,
                                       received_);
    n_low_ = n_high_ = listed_ = 0;
    return received_;
  }

 private:
  // A slot is stored in both lists, so each holds room for every slot of the round: its
  // pairs_per_round, and more for a round whose last window passes them.
  void grow() {
    const auto size = std::max(pairs_per_round_, 2 * low_.size());
    low_.resize(size);
    high_.resize(size);
  }
  std::size_t pairs_per_round_;
  std::vector<std::uint32_t> low_, high_;
  std::size_t n_low_ = 0, n_high_ = 0, listed_ = 0;
  Received<std::uint32_t> received_;
};

}  // namespace

PairCountBound::PairCountBound(std::size_t counters, double min_weight)
    : min_weight_(min_weight),
      bits_(counter_bits(min_weight)),
      per_word_log_(std::countr_zero(static_cast<unsigned>(64 / bits_))),
      saturated_((std::uint64_t{1} << bits_) - 1),
      counters_((std::clamp<std::size_t>(counters, 64, kMostCounters) + 63) / 64 * 64),
      words_(counters_ >> per_word_log_, 0) {}

int PairCountBound::counter_bits(double min_weight) {
  if (min_weight <= 3) return 2;
  if (min_weight <= 15) return 4;
  return 8;
}

template <class SlotOf>
void PairCountBound::count(std::size_t n, SlotOf&& slot_of_element) {
  // The counters are far larger than the caches: the word of the element kAhead further on is
  // prefetched, its slot kept in a ring so that each pair is hashed once. 64 ahead, not 16: with
  // more misses in flight a random increment in 256 MiB takes 5.3-5.6 ns instead of 10.5 (a
  // microbenchmark; 32 ahead 7.3 ns, 128 and more no better), and the 13M-row input's counting
  // 0.11 -> 0.06 s at 2 ranks.
  constexpr std::size_t kAhead = 64;
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
  const auto most = std::min(PairCountBound::kMostCounters,
                             most_bytes * 8 / static_cast<std::size_t>(bits) / 64 * 64);
  return std::max(kFewest, std::min(static_cast<std::size_t>(wanted), most));
}

PairCountBound count_pair_bounds(const std::vector<Action>& by_key,
                                 const std::vector<std::pair<std::size_t, std::size_t>>& groups,
                                 DurationMs window_ms, std::size_t counters, double min_weight,
                                 const Comm& comm, PartTimes* times, std::size_t first_part,
                                 std::size_t pairs_per_round) {
  auto lap = [&](std::size_t part) {
    if (times != nullptr) times->lap(first_part + part);
  };
  PairCountBound bound(counters, min_weight);
  std::size_t group = 0;
  const Action *left = nullptr, *right = nullptr;
  if (!groups.empty()) left = right = by_key.data() + groups[0].first;
  // Lists the next round's pairs, at most pairs_per_round after a whole right-hand action.
  const auto list_round = [&](auto&& emit) {
    std::size_t emitted = 0;
    while (group < groups.size() && emitted < pairs_per_round) {
      const Action* end = by_key.data() + groups[group].second;
      std::tie(right, left) = pair_count_detail::emit_window_pairs(left, right, end, window_ms,
                                                                   pairs_per_round, emitted, emit);
      if (right == end && ++group < groups.size())
        left = right = by_key.data() + groups[group].first;
    }
  };
  // One rank counts each round's pairs where they are listed; more ranks send each pair's counter
  // slot to the pair's owner (both from one mix of the pair), written by owner as it is listed.
  std::vector<std::uint64_t> pairs;
  RankBuffers<std::uint32_t> slots(comm.size());
  const int n_ranks = comm.size();
  SlotsOfTwoOwners two_owners(pairs_per_round);
  while (true) {
    if (n_ranks == 1) {
      list_round([&](std::uint64_t pair) { pairs.push_back(pair); });
      lap(0);
      lap(1);
      bound.add(pairs);
      pairs.clear();
    } else if (n_ranks == 2) {
      list_round([&](std::uint64_t pair) {
        const auto mixed = mix_bits(pair);
        two_owners.add(owner_of_hash(mixed, 2),
                       static_cast<std::uint32_t>(bound.slot_of_mixed(mixed)));
      });
      lap(0);
      const auto& received = two_owners.send(comm);
      lap(1);
      bound.add_slots(received.data);
    } else {
      list_round([&](std::uint64_t pair) {
        const auto mixed = mix_bits(pair);
        slots.add(owner_of_hash(mixed, n_ranks),
                  static_cast<std::uint32_t>(bound.slot_of_mixed(mixed)));
      });
      lap(0);
      const auto& received = slots.send(comm);
      lap(1);
      bound.add_slots(received.data);
    }
    lap(2);
    const bool more =
        comm.allreduce<std::uint64_t>(group < groups.size() ? 1 : 0, ReduceOp::sum) > 0;
    lap(1);
    if (!more) break;
  }
  return bound;
}

}  // namespace coordnet
