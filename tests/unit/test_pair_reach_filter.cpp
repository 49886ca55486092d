// The pre-count's reaching counters and the filter every rank gets of them
// (kernels/pair_count_bound.hpp, kernels/pair_reach_filter.hpp), with several owners simulated.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <vector>

#include "core/huge_pages.hpp"
#include "kernels/pair_count_bound.hpp"
#include "kernels/pair_reach_filter.hpp"

namespace coordnet {
namespace {

// Random co-actions: a few pairs met often among many met once or twice.
std::vector<std::uint64_t> random_coactions(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> coactions;
  for (int i = 0; i < 100'000; ++i) {
    const auto u = rng() % 5000, v = rng() % 5000;
    if (u == v) continue;
    const auto pair = PairPartial::pack(std::min(u, v), std::max(u, v));
    const auto times = rng() % 100 == 0 ? 1 + rng() % 400 : 1;
    for (std::uint64_t t = 0; t < times; ++t) coactions.push_back(pair);
  }
  return coactions;
}

TEST(PairCountBound, ReachingCountersAreThoseAtMinWeight) {
  const auto coactions = random_coactions(1);
  for (const double min_weight : {2.0, 3.0, 2.5, 7.0, 15.0, 16.0, 40.0, 300.0}) {
    PairCountBound bound(1 << 20, min_weight);
    bound.add(coactions);
    std::map<std::size_t, std::uint64_t> count;
    for (const auto pair : coactions) ++count[bound.slot_of(pair)];
    std::set<std::size_t> expected;
    const auto saturated = (std::uint64_t{1} << PairCountBound::counter_bits(min_weight)) - 1;
    for (const auto& [slot, n] : count) {
      if (std::min(n, saturated) == saturated || static_cast<double>(n) >= min_weight)
        expected.insert(slot);
    }
    std::set<std::size_t> reaching;
    bound.for_each_reaching([&](std::size_t slot) { EXPECT_TRUE(reaching.insert(slot).second); });
    EXPECT_EQ(reaching, expected) << "min_weight " << min_weight;
    EXPECT_EQ(bound.reaching(), expected.size());
    ASSERT_FALSE(expected.empty());
  }
}

// Each owner's sketch of the co-actions it owns, and the filter of all of them.
struct Owners {
  std::vector<PairCountBound> bounds;
  std::optional<PairReachFilter> filter;
};

Owners filter_of(const std::vector<std::uint64_t>& coactions, int n_owners, double min_weight) {
  constexpr std::size_t kCounters = 1 << 20;
  Owners o;
  std::vector<std::vector<std::uint64_t>> owned(static_cast<std::size_t>(n_owners));
  for (const auto pair : coactions)
    owned[static_cast<std::size_t>(owner_of_pair(pair, n_owners))].push_back(pair);
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> words;
  std::vector<std::uint64_t> words_per_owner;
  for (const auto& mine : owned) {
    o.bounds.emplace_back(kCounters, min_weight);
    o.bounds.back().add(mine);
    const auto n = PairReachFilter::words_for(o.bounds.back().reaching());
    const auto part = PairReachFilter::owner_words(o.bounds.back(), n);
    EXPECT_EQ(part.size(), n);
    words.insert(words.end(), part.begin(), part.end());
    words_per_owner.push_back(n);
  }
  o.filter.emplace(std::move(words), words_per_owner, kCounters);
  return o;
}

TEST(PairReachFilter, KeepsEveryPairItsOwnerKeepsAndFewOthers) {
  const auto coactions = random_coactions(2);
  for (const int n_owners : {1, 2, 3, 4}) {
    const auto o = filter_of(coactions, n_owners, 3);
    std::set<std::uint64_t> pairs(coactions.begin(), coactions.end());
    std::size_t dropped_by_owner = 0, passed_anyway = 0;
    for (const auto pair : pairs) {
      const auto& bound = o.bounds[static_cast<std::size_t>(owner_of_pair(pair, n_owners))];
      if (bound.may_reach(pair)) {
        EXPECT_TRUE(o.filter->may_reach(pair)) << "a pair its owner keeps, " << n_owners;
      } else {
        ++dropped_by_owner;
        passed_anyway += o.filter->may_reach(pair) ? 1 : 0;
      }
    }
    ASSERT_GT(dropped_by_owner, 80'000u);
    // 16 to 32 bits per reaching counter: about 1% of the other pairs get through.
    EXPECT_LT(passed_anyway, dropped_by_owner / 50) << n_owners << " owners";
  }
}

TEST(PairReachFilter, SixteenToThirtyTwoBitsPerReachingCounter) {
  EXPECT_EQ(PairReachFilter::words_for(0), 1u);
  EXPECT_EQ(PairReachFilter::words_for(4), 1u);
  EXPECT_EQ(PairReachFilter::words_for(5), 2u);
  EXPECT_EQ(PairReachFilter::words_for(1000), 256u);
}

}  // namespace
}  // namespace coordnet
