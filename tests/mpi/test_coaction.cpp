// Distributed co-action projection against the serial all-pairs reference, at any rank count,
// with tiny pre-aggregation blocks and messages forced into many rounds.
#include <gtest/gtest.h>

#include <random>

#include "core/hash.hpp"
#include "kernels/coaction.hpp"
#include "kernels/reference/coaction_reference.hpp"

namespace coordnet {
namespace {

struct Scenario {
  std::size_t block_pairs;
  std::uint64_t max_message_elements;
  DurationMs window_ms;
};

class CoactionTest : public ::testing::TestWithParam<Scenario> {
 protected:
  void TearDown() override { Comm::set_max_message_elements(INT32_MAX); }
};

// Every rank draws the same global action list and keeps a strided share of it.
std::vector<Action> all_actions() {
  std::mt19937_64 rng(42);
  std::vector<Action> actions;
  for (int i = 0; i < 3000; ++i) {
    const auto layer = rng() % 5 == 0 ? Layer::hashtag : Layer::retweet;
    const auto key = rng() % 40;
    actions.push_back({KeyHash{hash_string(std::to_string(key), 1 + static_cast<int>(layer))},
                       AccountIndex{rng() % 60}, static_cast<TimeMs>(rng() % 3'600'000),
                       ContentHash{rng() % 100000}, layer});
    if (rng() % 20 == 0) actions.push_back(actions.back());
  }
  return actions;
}

TEST_P(CoactionTest, MatchesSerialReferenceAtAnyRankCount) {
  const Comm comm;
  const auto scenario = GetParam();
  Comm::set_max_message_elements(scenario.max_message_elements);
  const auto actions = all_actions();
  std::vector<Action> mine;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(comm.size())) == comm.rank()) {
      mine.push_back(actions[i]);
    }
  }
  CoactionConfig config;
  config.window_ms = scenario.window_ms;
  config.block_pairs = scenario.block_pairs;
  StageMetrics metrics;
  // Accounts 0..59 split into contiguous ranges, as /accounts is.
  const auto p = static_cast<std::uint64_t>(comm.size());
  auto owner = [&](AccountIndex a) { return static_cast<int>(a.value * p / 60); };
  const auto edges = project_coactions(mine, config, owner, comm, metrics);
  for (const auto& e : edges) EXPECT_EQ(owner(e.src), comm.rank());
  const auto gathered = comm.allgatherv<CoactionEdge>(edges);
  const auto expected = reference::coactions_all_pairs(actions, Layer::retweet, config.window_ms);
  ASSERT_EQ(gathered.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(gathered[i].src, expected[i].src);
    EXPECT_EQ(gathered[i].dst, expected[i].dst);
    EXPECT_EQ(gathered[i].count, expected[i].count);
    EXPECT_EQ(gathered[i].n_keys, expected[i].n_keys);
    EXPECT_EQ(gathered[i].min_delay_ms, expected[i].min_delay_ms);
    EXPECT_EQ(gathered[i].sum_delay_ms, expected[i].sum_delay_ms);
  }
}

TEST(CoactionMinWeight, DropsLightEdges) {
  const Comm comm;
  const auto actions = all_actions();
  std::vector<Action> mine;
  if (comm.is_root()) mine = actions;
  CoactionConfig config;
  config.window_ms = 120'000;
  config.min_weight = 2;
  StageMetrics metrics;
  const auto p = static_cast<std::uint64_t>(comm.size());
  const auto edges = project_coactions(
      mine, config, [&](AccountIndex a) { return static_cast<int>(a.value * p / 60); }, comm,
      metrics);
  std::size_t expected = 0;
  for (const auto& e : reference::coactions_all_pairs(actions, Layer::retweet, 120'000)) {
    expected += e.count >= 2;
  }
  EXPECT_EQ(comm.allreduce<std::uint64_t>(edges.size(), ReduceOp::sum), expected);
  for (const auto& e : edges) EXPECT_GE(e.count, 2u);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, CoactionTest,
                         ::testing::Values(Scenario{1u << 22, INT32_MAX, 60'000},
                                           Scenario{7, INT32_MAX, 60'000},
                                           Scenario{1u << 22, 3, 300'000}, Scenario{5, 2, 0}));

}  // namespace
}  // namespace coordnet
