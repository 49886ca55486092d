// Distributed temporal-synchrony layer against the serial reference at any rank count, with
// occupancy caps that skip bins, tiny pre-aggregation blocks and messages forced into rounds.
#include <gtest/gtest.h>

#include <random>

#include "kernels/reference/synchrony_reference.hpp"
#include "kernels/synchrony.hpp"
#include "tests/mpi/mpi_test_util.hpp"

namespace coordnet {
namespace {

constexpr std::uint64_t kAccounts = 80;

struct Scenario {
  std::uint32_t max_bin_occupancy;
  std::uint64_t min_co_bins;
  std::size_t block_pairs;
  std::uint64_t max_message_elements;
};

class SynchronyTest : public ::testing::TestWithParam<Scenario> {
 protected:
  void TearDown() override { Comm::set_max_message_elements(INT32_MAX); }
};

// Every rank draws the same global list: background actions of all layers over an hour (about 11
// per 10-s bin), and accounts 0..4 posting together (within 3 s) in 40 of the 10-s bins.
std::vector<Action> all_actions() {
  std::mt19937_64 rng(11);
  std::vector<Action> actions;
  for (int i = 0; i < 4000; ++i) {
    actions.push_back(make_action(KeyHash{rng() % 50}, AccountIndex{rng() % kAccounts},
                                  static_cast<TimeMs>(rng() % 3'600'000) - 30'000,
                                  ContentHash{rng()}, static_cast<Layer>(rng() % 9)));
  }
  for (TimeMs bin = 0; bin < 40; ++bin) {
    for (std::uint64_t account = 0; account < 5; ++account) {
      actions.push_back(make_action(KeyHash{1}, AccountIndex{account},
                                    bin * 60'000 + static_cast<TimeMs>(rng() % 3000),
                                    ContentHash{rng()}, Layer::retweet));
    }
  }
  return actions;
}

TEST_P(SynchronyTest, MatchesSerialReferenceAtAnyRankCount) {
  const Comm comm;
  const auto scenario = GetParam();
  Comm::set_max_message_elements(scenario.max_message_elements);
  const auto actions = all_actions();
  SynchronyConfig config;
  config.max_bin_occupancy = scenario.max_bin_occupancy;
  config.min_co_bins = scenario.min_co_bins;
  config.block_pairs = scenario.block_pairs;
  StageMetrics metrics;
  const auto p = static_cast<std::uint64_t>(comm.size());
  auto owner = [&](AccountIndex a) { return static_cast<int>(a.value * p / kAccounts); };
  const auto result =
      project_synchrony(testing::strided_share(actions, comm), config, owner, comm, metrics);
  for (const auto& e : result.edges) EXPECT_EQ(owner(e.src), comm.rank());
  for (const auto& c : result.active_bins) EXPECT_EQ(owner(c.account), comm.rank());

  const auto expected = reference::synchrony_all_pairs(actions, config);
  EXPECT_EQ(result.kept_bins, expected.kept_bins);
  EXPECT_EQ(result.skipped_bins, expected.skipped_bins);
  EXPECT_EQ(result.skipped_account_bins, expected.skipped_account_bins);
  // Bins hold about 11 accounts, so the low caps skip some of them.
  EXPECT_EQ(result.skipped_bins > 0, config.max_bin_occupancy < 1000);
  const auto edges = comm.allgatherv<SynchronyEdge>(result.edges);
  ASSERT_EQ(edges.size(), expected.edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) {
    EXPECT_EQ(edges[i].src, expected.edges[i].src);
    EXPECT_EQ(edges[i].dst, expected.edges[i].dst);
    EXPECT_EQ(edges[i].co_bins, expected.edges[i].co_bins);
    EXPECT_EQ(edges[i].weight_fixed, expected.edges[i].weight_fixed);
    EXPECT_EQ(edges[i].expected_co_bins, expected.edges[i].expected_co_bins);
  }
  const auto active = comm.allgatherv<AccountActiveBins>(result.active_bins);
  ASSERT_EQ(active.size(), expected.active_bins.size());
  for (std::size_t i = 0; i < active.size(); ++i) {
    EXPECT_EQ(active[i].account, expected.active_bins[i].account);
    EXPECT_EQ(active[i].active_bins, expected.active_bins[i].active_bins);
  }
}

// The planted group shares at least 40 bins, more than twice the chance expectation (43-50
// co-bins against 15-20 expected with this seed); no background pair reaches 30 co-bins, so a
// minimum of 30 keeps exactly the group's 10 pairs.
TEST(SynchronyPlantedGroup, GroupPairsStandOut) {
  const Comm comm;
  const auto actions = all_actions();
  SynchronyConfig config;
  config.min_co_bins = 30;
  StageMetrics metrics;
  const auto p = static_cast<std::uint64_t>(comm.size());
  auto owner = [&](AccountIndex a) { return static_cast<int>(a.value * p / kAccounts); };
  // All input on rank 0, none elsewhere.
  const auto result = project_synchrony(comm.is_root() ? actions : std::vector<Action>{}, config,
                                        owner, comm, metrics);
  const auto edges = comm.allgatherv<SynchronyEdge>(result.edges);
  ASSERT_EQ(edges.size(), 10u);  // the 10 pairs of accounts 0..4
  for (const auto& e : edges) {
    EXPECT_LT(e.dst.value, 5u);
    EXPECT_GE(e.co_bins, 40u);
    EXPECT_GT(static_cast<double>(e.co_bins), 2.0 * e.expected_co_bins);
  }
  EXPECT_EQ(result.skipped_bins, 0u);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, SynchronyTest,
                         ::testing::Values(Scenario{1000, 2, 1u << 22, INT32_MAX},
                                           Scenario{12, 1, 7, INT32_MAX},
                                           Scenario{1000, 3, 1u << 22, 3}, Scenario{10, 2, 5, 2}));

}  // namespace
}  // namespace coordnet
