// The pre-count's sketch (kernels/pair_count_bound.hpp): counter widths, saturation and the bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "kernels/pair_count_bound.hpp"

namespace coordnet {
namespace {

TEST(PairCountBound, CounterWidthFollowsMinWeight) {
  EXPECT_EQ(PairCountBound::counter_bits(2), 2);
  EXPECT_EQ(PairCountBound::counter_bits(3), 2);
  EXPECT_EQ(PairCountBound::counter_bits(3.5), 4);
  EXPECT_EQ(PairCountBound::counter_bits(15), 4);
  EXPECT_EQ(PairCountBound::counter_bits(16), 8);
  EXPECT_EQ(PairCountBound::counter_bits(1000), 8);
}

// Adds one pair `times` times to a sketch of `min_weight` and returns whether it may reach it.
bool may_reach_after(double min_weight, int times) {
  PairCountBound bound(1 << 10, min_weight);
  const auto pair = PairPartial::pack(3, 7);
  const std::vector<std::uint64_t> once{pair};
  for (int i = 0; i < times; ++i) bound.add(once);
  return bound.may_reach(pair);
}

TEST(PairCountBound, DropsExactlyThePairsUnderMinWeight) {
  for (const double w : {2.0, 3.0, 2.5, 5.0, 15.0, 16.0, 40.0, 255.0}) {
    for (int times = 0; times < 300; ++times) {
      EXPECT_EQ(may_reach_after(w, times), times >= w) << "min_weight " << w << ", " << times;
    }
  }
}

TEST(PairCountBound, SaturatedCounterKeepsEveryPair) {
  EXPECT_TRUE(may_reach_after(300, 255));  // 8 bits saturate at 255: 300 cannot be excluded
  EXPECT_FALSE(may_reach_after(300, 254));
}

// Counting the pairs' slots (what the pairs' owners receive) is counting the pairs.
TEST(PairCountBound, SlotsCountAsTheirPairs) {
  PairCountBound by_pair(1 << 12, 3), by_slot(1 << 12, 3);
  std::vector<std::uint64_t> pairs;
  for (std::uint64_t u = 0; u < 40; ++u) {
    for (std::uint64_t v = u + 1; v < 40; v += 1 + u % 3) {
      for (std::uint64_t k = 0; k < (u + v) % 5; ++k) pairs.push_back(PairPartial::pack(u, v));
    }
  }
  std::vector<std::uint32_t> slots;
  for (const auto p : pairs) slots.push_back(static_cast<std::uint32_t>(by_pair.slot_of(p)));
  by_pair.add(pairs);
  by_slot.add_slots(slots);
  std::size_t reaching = 0;
  for (const auto p : pairs) {
    EXPECT_EQ(by_slot.may_reach(p), by_pair.may_reach(p));
    reaching += by_slot.may_reach(p) ? 1 : 0;
  }
  EXPECT_GT(reaching, 0u);
  EXPECT_LT(reaching, pairs.size());
}

TEST(PairCountBound, CountersOfOtherPairsOnlyRaiseTheBound) {
  // With a single counter every pair shares it: the sum of their co-actions bounds each.
  PairCountBound bound(1, 3);
  EXPECT_EQ(bound.counters(), 64u);  // the smallest sketch
  std::vector<std::uint64_t> pairs;
  for (std::uint64_t v = 1; v <= 2000; ++v) pairs.push_back(PairPartial::pack(0, v));
  bound.add(pairs);
  std::size_t reaching = 0;
  for (const auto p : pairs) reaching += bound.may_reach(p) ? 1 : 0;
  EXPECT_EQ(reaching, pairs.size());  // 2000 pairs on 64 counters: every counter passes 3
}

TEST(PairCountBound, CountersFollowCandidatesWithinMemory) {
  EXPECT_EQ(pair_count_counters(0, 2, 1 << 30, 2), std::size_t{1} << 16);
  EXPECT_EQ(pair_count_counters(1'000'000, 2, 1 << 30, 2), std::size_t{1} << 22);  // 4M -> 2^22
  // 1 MiB holds 2^22 counters of 2 bits, 2^20 of 8 bits.
  EXPECT_EQ(pair_count_counters(1'000'000'000, 1, 1 << 20, 2), std::size_t{1} << 22);
  EXPECT_EQ(pair_count_counters(1'000'000'000, 1, 1 << 20, 8), std::size_t{1} << 20);
  // Capped, the sketch takes all its memory: 3 MiB hold 12 Mi counters of 2 bits.
  EXPECT_EQ(pair_count_counters(1'000'000'000, 1, 3 << 20, 2), std::size_t{12} << 20);
  EXPECT_EQ(PairCountBound(std::size_t{12} << 20, 3).bytes(), std::size_t{3} << 20);
}

// Every slot lies among the counters, whatever their count, and they fill evenly.
TEST(PairCountBound, SlotsSpreadOverCountersThatAreNoPowerOfTwo) {
  const PairCountBound bound(3 * 64, 3);
  ASSERT_EQ(bound.counters(), 3u * 64);
  std::vector<int> hits(bound.counters(), 0);
  for (std::uint64_t u = 0; u < 300; ++u) {
    for (std::uint64_t v = u + 1; v < 300; ++v) {
      const auto slot = bound.slot_of(PairPartial::pack(u, v));
      ASSERT_LT(slot, bound.counters());
      ++hits[slot];
    }
  }
  // 44,850 pairs on 192 counters: about 234 each.
  EXPECT_GT(*std::min_element(hits.begin(), hits.end()), 150);
  EXPECT_LT(*std::max_element(hits.begin(), hits.end()), 320);
}

}  // namespace
}  // namespace coordnet
