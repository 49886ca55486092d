// Distributed co-action projection against the serial all-pairs reference, at any rank count:
// every weighting, windows from 0, tiny blocks (keys swept in pieces), hot keys cut into time
// slices with halos, and messages forced into many rounds.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "core/hash.hpp"
#include "kernels/coaction.hpp"
#include "kernels/key_slicing.hpp"
#include "kernels/pair_reach_filter.hpp"
#include "kernels/reference/coaction_reference.hpp"
#include "tests/mpi/mpi_test_util.hpp"
#include "tests/support/expect_edges.hpp"

namespace coordnet {
namespace {

constexpr std::uint64_t kAccounts = 60;

struct Scenario {
  Layer layer;
  Weighting weighting;
  DurationMs window_ms;
  std::size_t block_pairs;
  std::uint64_t hot_key_actions;  // keys with more actions are sliced
  std::uint64_t max_message_elements;
  std::size_t owner_partials = 0;      // > 0: owners spill sorted runs past this many partials
  double min_weight = 0;               // > 1 under pairs or keys weighting: the pre-count drops
  std::size_t precount_counters = 0;   // the pre-count's counters per rank (few: many collisions)
  std::uint64_t round_candidates = 0;  // > 0: rounds of the stream end after this many candidates
};

class CoactionTest : public ::testing::TestWithParam<Scenario> {
 protected:
  void TearDown() override { Comm::set_max_message_elements(INT32_MAX); }
};

// Every rank draws the same global action list (a few busy keys among many quiet ones, in two
// layers, with exact duplicates) and keeps a strided share of it.
std::vector<Action> all_actions() {
  std::mt19937_64 rng(42);
  std::vector<Action> actions;
  for (int i = 0; i < 3000; ++i) {
    const auto layer = rng() % 5 == 0 ? Layer::hashtag : Layer::retweet;
    const auto key = rng() % 3 == 0 ? rng() % 3 : rng() % 40;
    actions.push_back(
        make_action(KeyHash{hash_string(std::to_string(key), 1 + static_cast<int>(layer))},
                    AccountIndex{rng() % kAccounts}, static_cast<TimeMs>(rng() % 3600 * 1000),
                    ContentHash{rng() % 100000}, layer));
    if (rng() % 20 == 0) actions.push_back(actions.back());
  }
  return actions;
}

TEST_P(CoactionTest, MatchesSerialReferenceAtAnyRankCount) {
  const Comm comm;
  const auto s = GetParam();
  Comm::set_max_message_elements(s.max_message_elements);
  const auto actions = all_actions();
  CoactionConfig config;
  config.layer = s.layer;
  config.weighting = s.weighting;
  config.window_ms = s.window_ms;
  config.fast_window_ms = s.window_ms / 3;
  config.block_pairs = s.block_pairs;
  config.hot_key_actions = s.hot_key_actions;
  config.slice_actions = 37;
  config.n_accounts = kAccounts;
  config.owner_partials = s.owner_partials;
  config.min_weight = s.min_weight;
  config.precount_counters = s.precount_counters;
  config.round_candidates = s.round_candidates;
  const testing::ScratchDir spill_dir;
  config.spill_dir = spill_dir.path();
  StageMetrics metrics;
  // Accounts split into contiguous ranges, as /accounts is.
  const auto p = static_cast<std::uint64_t>(comm.size());
  auto owner = [&](AccountIndex a) { return static_cast<int>(a.value * p / kAccounts); };
  const auto edges =
      project_coactions(testing::strided_share(actions, comm), config, owner, comm, metrics);
  for (const auto& e : edges) EXPECT_EQ(owner(e.src), comm.rank());
  const auto gathered = comm.allgatherv<CoactionEdge>(edges);
  const auto expected = reference::coactions_all_pairs(actions, config);
  ASSERT_GT(expected.size(), 0u);
  testing::expect_same_edges(gathered, expected);
  const auto& counts = metrics.reports().back().counts;
  if (s.owner_partials > 0) {
    EXPECT_GT(counts.at("spilled_runs"), 0u);
  }
  // Rounds ended by candidates: the blocks of these scenarios hold every partial, so one round
  // would do; a bound of a few hundred candidates takes several and cuts keys between them.
  if (s.round_candidates > 0) {
    EXPECT_GT(counts.at("stream_rounds"), 3u);
  }
  // The pre-count runs where it is exact. Unless its counters all collide, its filter keeps the
  // senders from emitting some co-actions: they emit those of every kept edge and fewer than all.
  const bool precount = s.min_weight > 1 && s.weighting != Weighting::tfidf;
  EXPECT_EQ(counts.contains("precount_dropped_partials"), precount);
  if (precount && s.precount_counters > kAccounts * kAccounts) {
    EXPECT_GT(counts.at("precount_filter_bytes"), 0u);
    std::uint64_t kept = 0, all = 0;
    for (const auto& e : expected) kept += e.count;
    auto every_pair = config;
    every_pair.min_weight = 0;
    for (const auto& e : reference::coactions_all_pairs(actions, every_pair)) all += e.count;
    EXPECT_GE(counts.at("precount_swept_coactions"), kept);
    EXPECT_LT(counts.at("precount_swept_coactions"), all);
    EXPECT_LE(counts.at("precount_dropped_partials"), counts.at("partials_at_owners"));
  }
  EXPECT_TRUE(std::filesystem::is_empty(spill_dir.path()));  // the runs are removed
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
      mine, config, [&](AccountIndex a) { return static_cast<int>(a.value * p / kAccounts); }, comm,
      metrics);
  std::size_t expected = 0;
  config.min_weight = 0;
  for (const auto& e : reference::coactions_all_pairs(actions, config)) expected += e.count >= 2;
  ASSERT_GT(expected, 0u);
  EXPECT_EQ(comm.allreduce<std::uint64_t>(edges.size(), ReduceOp::sum), expected);
  for (const auto& e : edges) EXPECT_GE(e.count, 2u);
}

// The reach filter gathered on every rank keeps every pair that its owner's sketch keeps, and is
// not built past the bytes allowed.
TEST(PairReachFilter, EveryRankKeepsThePairsTheirOwnersKeep) {
  const Comm comm;
  std::mt19937_64 rng(7);
  std::vector<std::uint64_t> mine;  // co-actions this rank owns: every rank draws them all
  std::vector<std::uint64_t> pairs;
  for (int i = 0; i < 20'000; ++i) {
    const auto u = rng() % 300, v = 300 + rng() % 300;
    const auto pair = PairPartial::pack(u, v);
    pairs.push_back(pair);
    const std::uint64_t times = rng() % 10 == 0 ? 3 : 1;
    if (owner_of_pair(pair, comm.size()) != comm.rank()) continue;
    for (std::uint64_t t = 0; t < times; ++t) mine.push_back(pair);
  }
  PairCountBound bound(1 << 18, 3);
  bound.add(mine);
  EXPECT_FALSE(build_reach_filter(bound, bound.reaching(), 0, comm).has_value());
  const auto filter = build_reach_filter(bound, bound.reaching(), 1 << 20, comm);
  ASSERT_TRUE(filter.has_value());
  // Every rank learns from every owner which pairs reach: gathered, the verdicts agree.
  std::vector<std::uint8_t> owner_keeps;
  for (const auto pair : pairs)
    owner_keeps.push_back(owner_of_pair(pair, comm.size()) == comm.rank() && bound.may_reach(pair));
  const auto kept_anywhere = comm.allgatherv<std::uint8_t>(owner_keeps);
  std::size_t kept = 0, passed = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    bool keeps = false;
    for (int r = 0; r < comm.size(); ++r)
      keeps = keeps || kept_anywhere[static_cast<std::size_t>(r) * pairs.size() + i] != 0;
    kept += keeps ? 1 : 0;
    passed += filter->may_reach(pairs[i]) ? 1 : 0;
    if (keeps) {
      EXPECT_TRUE(filter->may_reach(pairs[i])) << "pair " << i;
    }
  }
  ASSERT_GT(kept, 1000u);
  EXPECT_LT(passed, kept + (pairs.size() - kept) / 50);
}

// The pre-count at any rank count: each owner's counters are those of a serial count of the pairs
// it owns, also when a round is short and its last window passes its end (at 2 ranks, the lists
// of slots by owner then grow).
TEST(PairCountBound, OwnersCountTheirPairsAtAnyRankCount) {
  const Comm comm;
  constexpr DurationMs kWindow = 60'000;
  std::vector<Action> everyone;
  for (const auto& a : all_actions()) {
    if (a.layer == Layer::retweet) everyone.push_back(a);
  }
  coaction_detail::sort_and_dedupe(everyone);
  const auto all_groups = coaction_detail::key_groups(everyone);
  std::vector<Action> mine;  // every size-th key group
  for (std::size_t g = static_cast<std::size_t>(comm.rank()); g < all_groups.size();
       g += static_cast<std::size_t>(comm.size())) {
    mine.insert(mine.end(), everyone.begin() + static_cast<std::ptrdiff_t>(all_groups[g].first),
                everyone.begin() + static_cast<std::ptrdiff_t>(all_groups[g].second));
  }
  std::vector<std::uint64_t> owned;  // every co-action's pair that this rank owns, by all pairs
  std::size_t listed = 0;
  for (const auto& [b, e] : all_groups) {
    for (auto i = b; i < e; ++i) {
      for (auto j = i + 1; j < e && everyone[j].t_ms - everyone[i].t_ms <= kWindow; ++j) {
        const auto [u, v] = std::minmax(everyone[i].account.value, everyone[j].account.value);
        if (u == v) continue;
        ++listed;
        const auto pair = PairPartial::pack(u, v);
        if (owner_of_pair(pair, comm.size()) == comm.rank()) owned.push_back(pair);
      }
    }
  }
  for (const double min_weight : {3.0, 10.0}) {
    const auto bound = count_pair_bounds(mine, coaction_detail::key_groups(mine), kWindow, 1 << 16,
                                         min_weight, comm, nullptr, 0, 7);
    PairCountBound serial(1 << 16, min_weight);
    serial.add(owned);
    std::vector<std::size_t> reaching, serial_reaching;
    bound.for_each_reaching([&](std::size_t slot) { reaching.push_back(slot); });
    serial.for_each_reaching([&](std::size_t slot) { serial_reaching.push_back(slot); });
    std::sort(reaching.begin(), reaching.end());
    std::sort(serial_reaching.begin(), serial_reaching.end());
    EXPECT_EQ(reaching, serial_reaching) << "min_weight " << min_weight;
    const auto reaching_anywhere = comm.allreduce<std::uint64_t>(reaching.size(), ReduceOp::sum);
    EXPECT_GT(reaching_anywhere, min_weight == 3.0 ? 500u : 5u);
  }
  EXPECT_GT(listed, 2000u);
}

// Among 20,000 quiet keys, the keys with more than hot_key_actions / kBusyKeyShare actions over all
// ranks are found and those needing several slices are hot, whatever the rank count; every action
// lands on exactly one rank outside the halos.
TEST(KeySlicing, HotKeysAreFoundAmongQuietKeysAtAnyRankCount) {
  const Comm comm;
  std::mt19937_64 rng(11);
  std::vector<Action> all;
  auto add = [&](std::uint64_t key, TimeMs t_ms) {
    all.push_back(make_action(KeyHash{mix_bits(key + 1)}, AccountIndex{rng() % 5000}, t_ms,
                              ContentHash{rng()}, Layer::retweet));
  };
  for (std::uint64_t key = 10; key < 20'010; ++key) {
    for (std::uint64_t i = 0, n = 1 + rng() % 3; i < n; ++i)
      add(key, static_cast<TimeMs>(rng() % 86'400'000));
  }
  for (std::uint64_t key = 0; key < 3; ++key) {  // 900 actions in ten minutes each
    for (int i = 0; i < 900; ++i) add(key, static_cast<TimeMs>(rng() % 600'000));
  }
  for (int i = 0; i < 600; ++i) add(3, static_cast<TimeMs>(rng() % 31'536'000'000));  // a year
  for (int i = 0; i < 400; ++i) add(4, static_cast<TimeMs>(rng() % 60'000));          // under 500
  const KeySlicing slicing{60'000, 500 * kBusyKeyShare, 1000};
  const auto shuffled =
      shuffle_to_key_slices(testing::strided_share(all, comm), Layer::retweet, slicing, comm);
  std::vector<std::uint64_t> hot;
  for (const auto& h : shuffled.hot_keys) {
    hot.push_back(h.key.value);
    EXPECT_EQ(h.n_actions, 900u);
    EXPECT_GT(h.n_slices, 1u);
  }
  std::vector<std::uint64_t> expected{mix_bits(1), mix_bits(2), mix_bits(3)};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(hot, expected);
  std::uint64_t own = 0;
  for (const auto& a : shuffled.actions) own += (a.flags & kActionIsHalo) == 0 ? 1 : 0;
  EXPECT_EQ(comm.allreduce(own, ReduceOp::sum), all.size());
}

// Candidate keys that stay whole are placed by their estimated work, not by hash: four equal keys
// whose hashes all fall in rank 0's range spread evenly over the ranks, each whole on one.
TEST(KeySlicing, WholeCandidatesArePlacedByWork) {
  const Comm comm;
  std::mt19937_64 rng(5);
  std::vector<Action> all;
  for (std::uint64_t key = 1; key <= 4; ++key) {  // 600 actions in ten minutes each
    for (int i = 0; i < 600; ++i) {
      all.push_back(make_action(KeyHash{key}, AccountIndex{rng() % 5000},
                                static_cast<TimeMs>(rng() % 600'000), ContentHash{rng()},
                                Layer::retweet));
    }
  }
  for (std::uint64_t key = 10; key < 5'010; ++key) {
    all.push_back(make_action(KeyHash{mix_bits(key)}, AccountIndex{rng() % 5000},
                              static_cast<TimeMs>(rng() % 86'400'000), ContentHash{rng()},
                              Layer::retweet));
  }
  const KeySlicing slicing{60'000, 500 * kBusyKeyShare, std::uint64_t{1} << 20};
  const auto shuffled =
      shuffle_to_key_slices(testing::strided_share(all, comm), Layer::retweet, slicing, comm);
  EXPECT_TRUE(shuffled.hot_keys.empty());
  std::vector<std::uint64_t> actions_of_key(4, 0);
  for (const auto& a : shuffled.actions) {
    if (a.key.value <= 4) ++actions_of_key[a.key.value - 1];
  }
  const auto keys_here =
      static_cast<std::uint64_t>(std::count(actions_of_key.begin(), actions_of_key.end(), 600));
  EXPECT_EQ(static_cast<std::uint64_t>(std::count(actions_of_key.begin(), actions_of_key.end(), 0)),
            4 - keys_here)
      << "a key is whole on one rank";
  EXPECT_EQ(comm.allreduce(keys_here, ReduceOp::sum), 4u);
  EXPECT_EQ(comm.allreduce(keys_here, ReduceOp::max),
            static_cast<std::uint64_t>((4 + comm.size() - 1) / comm.size()));
}

constexpr std::uint64_t kNoSlicing = UINT64_MAX;
INSTANTIATE_TEST_SUITE_P(
    Scenarios, CoactionTest,
    ::testing::Values(
        Scenario{Layer::retweet, Weighting::pairs, 60'000, 1u << 22, kNoSlicing, INT32_MAX},
        Scenario{Layer::retweet, Weighting::pairs, 60'000, 7, kNoSlicing, INT32_MAX},
        Scenario{Layer::retweet, Weighting::keys, 300'000, 1u << 22, kNoSlicing, 3},
        Scenario{Layer::retweet, Weighting::pairs, 0, 5, kNoSlicing, 2},
        Scenario{Layer::retweet, Weighting::pairs, 60'000, 1u << 22, 100, INT32_MAX},
        Scenario{Layer::retweet, Weighting::keys, 200'000, 11, 100, 5},
        Scenario{Layer::hashtag, Weighting::pairs, 120'000, 13, 40, INT32_MAX},
        Scenario{Layer::retweet, Weighting::tfidf, 90'000, 1u << 22, kNoSlicing, INT32_MAX},
        Scenario{Layer::hashtag, Weighting::tfidf, 300'000, 9, 40, 4},
        Scenario{Layer::retweet, Weighting::pairs, 60'000, 7, kNoSlicing, INT32_MAX, 50},
        Scenario{Layer::retweet, Weighting::keys, 200'000, 11, 100, 5, 40},
        Scenario{Layer::hashtag, Weighting::tfidf, 300'000, 9, 40, 4, 30},
        Scenario{Layer::retweet, Weighting::pairs, 60'000, 1u << 22, kNoSlicing, INT32_MAX, 0, 2,
                 1u << 16},
        Scenario{Layer::retweet, Weighting::pairs, 120'000, 7, 100, 3, 0, 3, 1u << 16},
        Scenario{Layer::retweet, Weighting::keys, 200'000, 11, 100, 5, 40, 2, 1u << 16},
        Scenario{Layer::hashtag, Weighting::pairs, 120'000, 13, 40, INT32_MAX, 0, 3, 8},
        Scenario{Layer::retweet, Weighting::pairs, 300'000, 7, 100, INT32_MAX, 0, 6, 1u << 16},
        Scenario{Layer::retweet, Weighting::pairs, 900'000, 1u << 22, kNoSlicing, INT32_MAX, 0, 17,
                 1u << 16},
        Scenario{Layer::retweet, Weighting::pairs, 120'000, 1u << 22, 100, INT32_MAX, 0, 3,
                 1u << 16, 300},
        Scenario{Layer::hashtag, Weighting::keys, 300'000, 1u << 22, kNoSlicing, 5, 0, 0, 0, 40},
        Scenario{Layer::retweet, Weighting::tfidf, 90'000, 1u << 22, kNoSlicing, INT32_MAX, 0, 0, 0,
                 250}));

}  // namespace
}  // namespace coordnet
