// The sliding-window sweep against the all-pairs reference, serially, on drawn and random keys.
#include <gtest/gtest.h>

#include <random>

#include "kernels/coaction.hpp"
#include "kernels/reference/coaction_reference.hpp"
#include "tests/support/expect_edges.hpp"

namespace coordnet {
namespace {

Action act(std::uint64_t key, std::uint64_t account, TimeMs t, std::uint64_t content) {
  return make_action(KeyHash{key}, AccountIndex{account}, t, ContentHash{content}, Layer::retweet);
}

CoactionConfig config_with_window(DurationMs window) {
  CoactionConfig config;
  config.window_ms = window;
  config.fast_window_ms = window / 4;
  return config;
}

// The sweep over whole keys, serially, with count weights.
std::vector<CoactionEdge> sweep_all(std::vector<Action> actions, DurationMs window) {
  const auto config = config_with_window(window);
  coaction_detail::sort_and_dedupe(actions);
  std::vector<PairPartial> partials;
  for (const auto& [b, e] : coaction_detail::key_groups(actions)) {
    coaction_detail::sweep_key(actions.data() + b, actions.data() + e, actions.data() + b,
                               actions.data() + e, config, 0, nullptr, partials);
  }
  auto out = coaction_detail::collapse_to_edges(std::move(partials));
  for (auto& edge : out) edge.weight = static_cast<double>(edge.count);
  return out;
}

void expect_same(const std::vector<CoactionEdge>& a, const std::vector<CoactionEdge>& b) {
  testing::expect_same_edges(a, b);
}

std::vector<CoactionEdge> reference_edges(const std::vector<Action>& actions, DurationMs window) {
  return reference::coactions_all_pairs(actions, config_with_window(window));
}

// key 1: accounts 0@0s 1@10s 2@70s 0@71s ; key 2: 0@0s 1@60s (exactly the window) 1@60s dup
//   window 60 s: (0,1) on key 1 dt 10 and key 2 dt 60 -> count 2, keys 2, min 10, sum 70
//                (1,2) key 1 dt 60; (0,2) key 1: 0@0-2@70 out, 2@70-0@71 dt 1 -> count 1
//                (0,1) key 1: 1@10 - 0@71 dt 61 out
TEST(CoactionSweep, DrawnExampleInclusiveWindow) {
  const std::vector<Action> actions = {
      act(1, 0, 0, 1), act(1, 1, 10000, 2), act(1, 2, 70000, 3), act(1, 0, 71000, 4),
      act(2, 0, 0, 5), act(2, 1, 60000, 6), act(2, 1, 60000, 6)};
  const auto edges = sweep_all(actions, 60000);
  ASSERT_EQ(edges.size(), 3u);
  EXPECT_EQ(edges[0].src.value, 0u);
  EXPECT_EQ(edges[0].dst.value, 1u);
  EXPECT_EQ(edges[0].count, 2u);
  EXPECT_EQ(edges[0].n_keys, 2u);
  EXPECT_EQ(edges[0].min_delay_ms, 10000);
  EXPECT_EQ(edges[0].sum_delay_ms, 70000);
  EXPECT_EQ(edges[1].dst.value, 2u);
  EXPECT_EQ(edges[1].count, 1u);
  EXPECT_EQ(edges[1].min_delay_ms, 1000);
  EXPECT_EQ(edges[2].src.value, 1u);
  EXPECT_EQ(edges[2].min_delay_ms, 60000);
  EXPECT_EQ(edges[0].first_ms, 0);
  EXPECT_EQ(edges[0].last_ms, 60000);
  EXPECT_EQ(edges[0].n_fast, 1u);   // the 10 s co-action (fast window 15 s)
  EXPECT_EQ(edges[0].n_older, 2u);  // 0@0 on key 1, 0@0 on key 2
  EXPECT_EQ(edges[0].n_newer, 2u);  // 1@10 on key 1, 1@60 on key 2
  expect_same(edges, reference_edges(actions, 60000));
}

TEST(CoactionSweep, WindowZeroPairsOnlySimultaneousActions) {
  const std::vector<Action> actions = {act(1, 0, 5, 1), act(1, 1, 5, 2), act(1, 2, 6, 3)};
  const auto edges = sweep_all(actions, 0);
  ASSERT_EQ(edges.size(), 1u);
  EXPECT_EQ(edges[0].count, 1u);
}

TEST(CoactionSweep, RandomInputsMatchReference) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<Action> actions;
    const int n = 50 + trial * 20;
    for (int i = 0; i < n; ++i) {
      actions.push_back(
          act(rng() % 8, rng() % 15, static_cast<TimeMs>(rng() % 200000), rng() % 1000));
      if (rng() % 10 == 0) actions.push_back(actions.back());
    }
    const DurationMs window = static_cast<DurationMs>(rng() % 60000);
    expect_same(sweep_all(actions, window), reference_edges(actions, window));
  }
}

}  // namespace
}  // namespace coordnet
