// The temporal-synchrony building blocks and serial reference on a drawn example.
#include <gtest/gtest.h>

#include "kernels/reference/synchrony_reference.hpp"
#include "kernels/synchrony.hpp"

namespace coordnet {
namespace {

Action act(std::uint64_t account, TimeMs t, Layer layer = Layer::retweet) {
  return make_action(KeyHash{1}, AccountIndex{account}, t, ContentHash{7}, layer);
}

// Bins of 10 s; accounts 0..3:
//   bin -1: 2@-1ms            bin 0: 0@1s 1@2s 1@3s 2@9.999s     bin 1: 0@10s 1@15s
//   bin 2:  3@21s 0@25s 1@29s bin 3: 3@35s                         bin 5: 0 1 2 3 (over cap 3)
// Kept bins B = 5; active bins a0 = 3, a1 = 3, a2 = 2, a3 = 2.
// (0,1) share bins 0 (n 3), 1 (n 2), 2 (n 3): co_bins 3, weight 1/2 + 1 + 1/2 = 2, expected 9/5.
// (0,2), (1,2) share bin 0 only; (0,3), (1,3) bin 2 only: co_bins 1, weight 1/2, expected 6/5.
std::vector<Action> drawn_actions() {
  return {act(2, -1),    act(0, 1000),  act(1, 2000, Layer::hashtag),
          act(1, 3000),  act(2, 9999),  act(0, 10000),
          act(1, 15000), act(3, 21000), act(0, 25000),
          act(1, 29000), act(3, 35000), act(0, 50000),
          act(1, 51000), act(2, 52000), act(3, 59999, Layer::url)};
}

TEST(SynchronyBins, FloorDivisionAlsoForNegativeTimes) {
  EXPECT_EQ(synchrony_detail::bin_of(0, 10000), 0);
  EXPECT_EQ(synchrony_detail::bin_of(9999, 10000), 0);
  EXPECT_EQ(synchrony_detail::bin_of(10000, 10000), 1);
  EXPECT_EQ(synchrony_detail::bin_of(-1, 10000), -1);
  EXPECT_EQ(synchrony_detail::bin_of(-10000, 10000), -1);
  EXPECT_EQ(synchrony_detail::bin_of(-10001, 10000), -2);
}

TEST(SynchronyBins, FixedPointWeightIsRoundedInverseOfOtherAccounts) {
  EXPECT_EQ(synchrony_detail::bin_weight_fixed(2), 4294967296u);
  EXPECT_EQ(synchrony_detail::bin_weight_fixed(3), 2147483648u);
  EXPECT_EQ(synchrony_detail::bin_weight_fixed(4), 1431655765u);  // 1431655765.33
  EXPECT_EQ(synchrony_detail::bin_weight_fixed(7), 715827883u);   // 715827882.67
}

TEST(SynchronyReference, DrawnExample) {
  SynchronyConfig config;
  config.max_bin_occupancy = 3;
  const auto result = reference::synchrony_all_pairs(drawn_actions(), config);
  EXPECT_EQ(result.kept_bins, 5u);
  EXPECT_EQ(result.skipped_bins, 1u);
  EXPECT_EQ(result.skipped_account_bins, 4u);
  ASSERT_EQ(result.active_bins.size(), 4u);
  EXPECT_EQ(result.active_bins[0].active_bins, 3u);
  EXPECT_EQ(result.active_bins[1].active_bins, 3u);
  EXPECT_EQ(result.active_bins[2].active_bins, 2u);
  EXPECT_EQ(result.active_bins[3].active_bins, 2u);
  ASSERT_EQ(result.edges.size(), 1u);
  EXPECT_EQ(result.edges[0].src.value, 0u);
  EXPECT_EQ(result.edges[0].dst.value, 1u);
  EXPECT_EQ(result.edges[0].co_bins, 3u);
  EXPECT_EQ(result.edges[0].weight_fixed, 2 * kSynchronyWeightOne);
  EXPECT_DOUBLE_EQ(result.edges[0].expected_co_bins, 1.8);
}

TEST(SynchronyReference, DrawnExampleWithoutMinimumAndCap) {
  SynchronyConfig config;
  config.max_bin_occupancy = 3;
  config.min_co_bins = 1;
  const auto edges = reference::synchrony_all_pairs(drawn_actions(), config).edges;
  ASSERT_EQ(edges.size(), 5u);
  const std::uint64_t expected_pairs[5][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}};
  for (std::size_t i = 1; i < 5; ++i) {
    EXPECT_EQ(edges[i].src.value, expected_pairs[i][0]);
    EXPECT_EQ(edges[i].dst.value, expected_pairs[i][1]);
    EXPECT_EQ(edges[i].co_bins, 1u);
    EXPECT_EQ(edges[i].weight_fixed, kSynchronyWeightOne / 2);
    EXPECT_DOUBLE_EQ(edges[i].expected_co_bins, 1.2);
  }
  config.max_bin_occupancy = 4;  // bin 5 kept: B = 6, every pair gains a bin of weight 1/3
  const auto uncapped = reference::synchrony_all_pairs(drawn_actions(), config);
  EXPECT_EQ(uncapped.kept_bins, 6u);
  EXPECT_EQ(uncapped.skipped_bins, 0u);
  ASSERT_EQ(uncapped.edges.size(), 6u);
  EXPECT_EQ(uncapped.edges[0].co_bins, 4u);
  EXPECT_EQ(uncapped.edges[0].weight_fixed, 2 * kSynchronyWeightOne + 1431655765u);
  EXPECT_DOUBLE_EQ(uncapped.edges[0].expected_co_bins, 16.0 / 6.0);
  EXPECT_EQ(uncapped.edges[5].src.value, 2u);
  EXPECT_EQ(uncapped.edges[5].dst.value, 3u);
  EXPECT_EQ(uncapped.edges[5].co_bins, 1u);
}

TEST(SynchronyBins, EmitBinPairsOnePartialPerPair) {
  using synchrony_detail::AccountBin;
  const std::vector<AccountBin> bin = {
      {4, AccountIndex{1}}, {4, AccountIndex{5}}, {4, AccountIndex{9}}};
  std::vector<SynchronyEdge> out;
  synchrony_detail::emit_bin_pairs(bin.data(), bin.data() + 1, out);
  EXPECT_TRUE(out.empty());
  synchrony_detail::emit_bin_pairs(bin.data(), bin.data() + 3, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].src.value, 5u);
  EXPECT_EQ(out[2].dst.value, 9u);
  EXPECT_EQ(out[2].weight_fixed, kSynchronyWeightOne / 2);
}

}  // namespace
}  // namespace coordnet
