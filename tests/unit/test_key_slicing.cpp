// The slice plan of a hot key (kernels/key_slicing.hpp): slices of about equal work, bin-aligned,
// at least a window wide, and at least as many as the action count asks for.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "kernels/key_slicing.hpp"

namespace coordnet {
namespace {

constexpr DurationMs kWindow = 60'000;
constexpr DurationMs kBin = kWindow + 1;
constexpr TimeMs kFirst = 1'000'000;

HotKey hot_key(const std::vector<std::uint64_t>& bins) {
  std::uint64_t n = 0;
  for (const auto c : bins) n += c;
  return {KeyHash{7}, n, kFirst, kFirst + static_cast<TimeMs>(bins.size()) * kBin - 1};
}

// The bin index of each slice start, checked to be bin-aligned, ascending and from the first bin.
std::vector<std::size_t> start_bins(const std::vector<TimeMs>& starts) {
  std::vector<std::size_t> bins;
  for (const auto t : starts) {
    EXPECT_EQ((t - kFirst) % kBin, 0);
    bins.push_back(static_cast<std::size_t>((t - kFirst) / kBin));
  }
  EXPECT_FALSE(bins.empty());
  if (!bins.empty()) {
    EXPECT_EQ(bins.front(), 0u);
  }
  for (std::size_t i = 1; i < bins.size(); ++i) EXPECT_LT(bins[i - 1], bins[i]);
  return bins;
}

TEST(KeySlicing, BinsAreAtLeastAnEighthOfAWindowWide) {
  HotKey hot{KeyHash{1}, 1000, 0, 10'000};      // a span shorter than the window
  EXPECT_EQ(slice_bin_ms(hot, kWindow), 7501);  // ceil(60,001 / kBinsPerWindow)
  EXPECT_EQ(slice_bin_ms(hot, 0), 81);  // window 0: the span over 125 bins (one per 8 actions)
  hot.last_ms = static_cast<TimeMs>(kSliceBins) * 1'000'000 - 1;  // a long span
  EXPECT_EQ(slice_bin_ms(hot, kWindow), 524'288'000);             // one bin per eight actions
  hot.n_actions = std::uint64_t{1} << 20;
  EXPECT_EQ(slice_bin_ms(hot, kWindow), 1'000'000);  // at most kSliceBins bins
}

TEST(KeySlicing, KeysUnderHotKeyActionsAreCutByCoactionsOnly) {
  // 1,000 actions and about 10^4 co-actions (100 a bin): 7 slices of 1,600 co-actions at 100
  // actions a slice, none at 1,000 (16,000 co-actions a slice), whatever the action count.
  const std::vector<std::uint64_t> bins(100, 10);
  const auto hot = hot_key(bins);
  EXPECT_EQ(start_bins(plan_slices(hot, bins, kBin, KeySlicing{kWindow, 5000, 100}).starts).size(),
            7u);
  EXPECT_EQ(start_bins(plan_slices(hot, bins, kBin, KeySlicing{kWindow, 5000, 1000}).starts).size(),
            1u);
}

TEST(KeySlicing, EvenTrafficGivesEvenSlices) {
  // 1,000 actions, 100 co-actions a bin (about 10^4 in all: one slice's worth at 100 actions a
  // slice), so the action count asks for the most slices: 10, of 9 to 11 bins each.
  const std::vector<std::uint64_t> bins(100, 10);
  const KeySlicing slicing{kWindow, 100, 100};
  const auto starts = start_bins(plan_slices(hot_key(bins), bins, kBin, slicing).starts);
  ASSERT_EQ(starts.size(), 10u);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const auto end = i + 1 < starts.size() ? starts[i + 1] : bins.size();
    EXPECT_GE(end - starts[i], 9u);
    EXPECT_LE(end - starts[i], 11u);
  }
}

TEST(KeySlicing, DenseTimesGetNarrowSlices) {
  // Ten busy bins then ninety quiet ones: the busy bins hold nearly all co-actions (about 10^6
  // each against 100), so nearly every slice's share of the work lies among them.
  std::vector<std::uint64_t> bins(100, 10);
  for (std::size_t i = 0; i < 10; ++i) bins[i] = 1000;
  const KeySlicing slicing{kWindow, 100, 1000};  // ceil(10,900 / 1,000) = 11 slices by actions
  const auto hot = hot_key(bins);
  const auto starts = start_bins(plan_slices(hot, bins, kBin, slicing).starts);
  // By co-actions: about 9.5 * 10^6 / (1,000 * kSliceCoactionsPerAction) = 595 wanted; slices
  // are whole bins, so each busy bin starts its own.
  ASSERT_GE(starts.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(starts[i], i);
  // The ninety quiet bins hold less work than one slice's share: one or two slices.
  EXPECT_LE(starts.size(), 12u);
}

TEST(KeySlicing, BurstInsideOneWindowIsCut) {
  // 8,000 actions in eight bins of an eighth of a window each (a burst of one minute): about
  // 8,000^2 / 2 = 3.2 * 10^7 co-actions, far more than a slice of 1,000 actions may hold, so
  // every bin starts a slice although the whole burst lies within one window.
  constexpr DurationMs kEighth = 7501;
  const std::vector<std::uint64_t> bins(8, 1000);
  const HotKey hot{KeyHash{7}, 8000, kFirst, kFirst + 8 * kEighth - 1};
  const auto starts = plan_slices(hot, bins, kEighth, KeySlicing{kWindow, 100'000, 1000}).starts;
  ASSERT_EQ(starts.size(), 8u);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    EXPECT_EQ(starts[i], kFirst + static_cast<TimeMs>(i) * kEighth);
  }
}

TEST(KeySlicing, CoactionEstimateCountsEveryBinWithinTheWindow) {
  // 64 bins of a quarter window (r = 60,001 / 15,001, just under 4), 100 actions each: an action
  // pairs with the 400 actions of the window before it (fewer in the first four bins), about
  // 2.48 * 10^6 co-actions in all. At 80,000 co-actions a slice (5,000 actions) that is 31
  // slices of about two bins each. (The estimate for r <= 1 alone would make these bins' work
  // negative.)
  constexpr DurationMs kQuarter = 15'001;
  const std::vector<std::uint64_t> bins(64, 100);
  const HotKey hot{KeyHash{7}, 6400, kFirst, kFirst + 64 * kQuarter - 1};
  const auto slices = plan_slices(hot, bins, kQuarter, KeySlicing{kWindow, 100'000, 5000});
  const auto& starts = slices.starts;
  ASSERT_EQ(starts.size(), 31u);
  // Each slice's work (co-actions plus actions) is returned for placement: 2,486,400 in all.
  ASSERT_EQ(slices.work.size(), starts.size());
  EXPECT_NEAR(std::accumulate(slices.work.begin(), slices.work.end(), 0.0), 2'486'400, 2'500);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const auto end = i + 1 < starts.size() ? starts[i + 1] : hot.last_ms + 1;
    EXPECT_EQ((starts[i] - kFirst) % kQuarter, 0);
    EXPECT_GE(end - starts[i], kQuarter);
    // The first four bins hold 8 * 10^4 co-actions together: the first slice.
    EXPECT_LE(end - starts[i], (i == 0 ? 4 : 3) * kQuarter);
  }
}

TEST(KeySlicing, SlicesGoToTheLeastLoadedRank) {
  // Rank 1 already owns 5 units of whole keys. Heaviest first: 6 -> rank 0 (0 < 5), 4 -> rank 1
  // (5 < 6), the first 3 -> rank 0 (6 < 9), the second 3 -> rank 0 (9 = 9: the lower rank).
  const std::vector<double> work = {3, 6, 3, 4};
  EXPECT_EQ(place_slices(work, {0, 5}), (std::vector<int>{0, 0, 0, 1}));
  // Three idle ranks: 6 -> 0, 4 -> 1, 3 -> 2, 3 -> 2 (3 < 4 < 6).
  EXPECT_EQ(place_slices(work, {0, 0, 0}), (std::vector<int>{2, 0, 2, 1}));
  EXPECT_EQ(place_slices({}, {1, 2}), std::vector<int>{});
}

TEST(KeySlicing, SliceOfFollowsTheStarts) {
  SlicePlan plan;
  plan.slice_starts = {5, 100, 0, 10, 20};  // two keys' starts
  const HotKey a{KeyHash{1}, 10, 100, 500, 2, 3};
  EXPECT_EQ(plan.slice_of(a, 0), 0u);
  EXPECT_EQ(plan.slice_of(a, 9), 0u);
  EXPECT_EQ(plan.slice_of(a, 10), 1u);
  EXPECT_EQ(plan.slice_of(a, 19), 1u);
  EXPECT_EQ(plan.slice_of(a, 20), 2u);
  EXPECT_EQ(plan.slice_of(a, 500), 2u);
}

}  // namespace
}  // namespace coordnet
