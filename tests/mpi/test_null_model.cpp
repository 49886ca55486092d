// The null model of chance co-action (kernels/null_model.hpp) and the window estimate
// (kernels/window_estimate.hpp) against serial references computed here, at any rank count.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <tuple>

#include "kernels/coaction.hpp"
#include "kernels/null_model.hpp"
#include "kernels/window_estimate.hpp"
#include "tests/mpi/mpi_test_util.hpp"

namespace coordnet {
namespace {

constexpr std::uint64_t kAccounts = 60;
constexpr DurationMs kWindowMs = 60'000;

// Every rank draws the same list: 3,000 retweets of 30 keys over 3 hours (the null model's
// buckets are 16 minutes, so halos cross bucket edges), with exact duplicates and repeats of an
// account on a key within the window, plus 500 hashtag actions that must not count.
std::vector<Action> all_actions() {
  std::mt19937_64 rng(5);
  std::vector<Action> actions;
  for (int i = 0; i < 3000; ++i) {
    const Action a = make_action(KeyHash{rng() % 30}, AccountIndex{rng() % kAccounts},
                                 static_cast<TimeMs>(rng() % 10'800'000) - 60'000,
                                 ContentHash{rng() % 5}, Layer::retweet);
    actions.push_back(a);
    if (i % 50 == 0) actions.push_back(a);  // an exact duplicate
    if (i % 70 == 0) {
      auto again = a;
      again.t_ms += 20'000;
      again.content = ContentHash{99};
      actions.push_back(again);  // the same account again on the key, within the window
    }
  }
  for (int i = 0; i < 500; ++i) {
    actions.push_back(make_action(KeyHash{rng() % 30}, AccountIndex{rng() % kAccounts},
                                  static_cast<TimeMs>(rng() % 10'800'000), ContentHash{rng()},
                                  Layer::hashtag));
  }
  return actions;
}

// Serial reference: a_u, x_u (partners of other accounts within the window, by brute force over
// all pairs of distinct retweet actions) and A.
struct Reference {
  std::map<std::uint64_t, AccountExposure> by_account;
  std::uint64_t total = 0;
};

Reference reference_exposure(std::vector<Action> actions) {
  std::erase_if(actions, [](const Action& a) { return a.layer != Layer::retweet; });
  coaction_detail::sort_and_dedupe(actions);
  Reference r;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    auto& e = r.by_account[actions[i].account.value];
    e.account = actions[i].account;
    ++e.actions;
    ++r.total;
    for (std::size_t j = 0; j < actions.size(); ++j) {
      if (actions[j].key == actions[i].key && actions[j].account != actions[i].account &&
          std::llabs(actions[j].t_ms - actions[i].t_ms) <= kWindowMs) {
        ++e.exposure;
      }
    }
  }
  return r;
}

// Every rank's share of the exposures, gathered, is the reference's.
void expect_reference_exposure(const LayerExposure& exposure, const Reference& ref,
                               const Comm& comm) {
  EXPECT_EQ(exposure.total_actions, ref.total);
  const auto got = comm.allgatherv<AccountExposure>(exposure.accounts);
  ASSERT_EQ(got.size(), ref.by_account.size());
  for (const auto& e : got) {
    const auto& want = ref.by_account.at(e.account.value);
    EXPECT_EQ(e.actions, want.actions) << e.account.value;
    EXPECT_EQ(e.exposure, want.exposure) << e.account.value;
  }
}

TEST(NullModel, ExposureAndEdgeExpectationMatchSerialReference) {
  const Comm comm;
  const auto actions = all_actions();
  const auto p = static_cast<std::uint64_t>(comm.size());
  auto owner = [&](AccountIndex a) { return static_cast<int>(a.value * p / kAccounts); };
  const auto mine = testing::strided_share(actions, comm);
  const auto exposure = layer_exposure(mine, Layer::retweet, kWindowMs, owner, comm);
  const auto ref = reference_exposure(actions);
  expect_reference_exposure(exposure, ref, comm);

  // Every edge's expectation is (x_u a_v + x_v a_u) / (2 A), and x_u is the account's
  // co-action strength: the sum of count over its edges.
  CoactionConfig config;
  config.window_ms = kWindowMs;
  config.n_accounts = kAccounts;
  StageMetrics metrics;
  const auto edges = project_coactions(mine, config, owner, comm, metrics);
  const auto expected = edge_expectations(edges, exposure, owner, comm);
  ASSERT_EQ(expected.size(), edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const auto& u = ref.by_account.at(edges[i].src.value);
    const auto& v = ref.by_account.at(edges[i].dst.value);
    const double want = (static_cast<double>(u.exposure) * static_cast<double>(v.actions) +
                         static_cast<double>(v.exposure) * static_cast<double>(u.actions)) /
                        (2.0 * static_cast<double>(ref.total));
    EXPECT_DOUBLE_EQ(expected[i], want);
  }
  const auto all_edges = comm.allgatherv<CoactionEdge>(edges);
  std::map<std::uint64_t, std::uint64_t> strength;
  for (const auto& e : all_edges) {
    strength[e.src.value] += e.count;
    strength[e.dst.value] += e.count;
  }
  for (const auto& [account, e] : ref.by_account) {
    EXPECT_EQ(strength[account], e.exposure) << account;
  }
}

// Buckets of hundreds of actions (count_bucket's sorted path, not only its pairwise one): 1,500
// retweets of 2 keys within 40 minutes by 60 accounts, so an account often acts again on a key
// within the window.
TEST(NullModel, ExposureOfBusyKeysMatchesSerialReference) {
  const Comm comm;
  std::mt19937_64 rng(11);
  std::vector<Action> actions;
  for (int i = 0; i < 1500; ++i) {
    actions.push_back(make_action(KeyHash{rng() % 2}, AccountIndex{rng() % kAccounts},
                                  static_cast<TimeMs>(rng() % 2'400'000), ContentHash{rng() % 3},
                                  Layer::retweet));
  }
  const auto p = static_cast<std::uint64_t>(comm.size());
  auto owner = [&](AccountIndex a) { return static_cast<int>(a.value * p / kAccounts); };
  const auto exposure =
      layer_exposure(testing::strided_share(actions, comm), Layer::retweet, kWindowMs, owner, comm);
  const auto ref = reference_exposure(actions);
  expect_reference_exposure(exposure, ref, comm);
}

// The exposure taken from the co-action kernel's shuffled keys is the reference's, with every
// key whole and with keys cut into time slices (their actions bucketed again), at any rank count.
TEST(NullModel, ExposureFromTheProjectionsShuffleMatchesSerialReference) {
  const Comm comm;
  std::mt19937_64 rng(13);
  auto actions = all_actions();
  for (int i = 0; i < 1500; ++i) {  // two busy keys
    actions.push_back(make_action(KeyHash{1000 + rng() % 2}, AccountIndex{rng() % kAccounts},
                                  static_cast<TimeMs>(rng() % 2'400'000), ContentHash{rng() % 3},
                                  Layer::retweet));
  }
  const auto p = static_cast<std::uint64_t>(comm.size());
  auto owner = [&](AccountIndex a) { return static_cast<int>(a.value * p / kAccounts); };
  const auto mine = testing::strided_share(actions, comm);
  const auto ref = reference_exposure(actions);
  for (const bool slice : {false, true}) {
    CoactionConfig config;
    config.window_ms = kWindowMs;
    config.n_accounts = kAccounts;
    if (slice) {
      config.hot_key_actions = 300;
      config.slice_actions = 100;
    }
    StageMetrics metrics;
    ShuffledKeys shuffled;
    project_coactions(mine, config, owner, comm, metrics, &shuffled);
    EXPECT_EQ(shuffled.hot_keys.size(), slice ? 2u : 0u);
    const auto exposure =
        layer_exposure_from_keys(std::move(shuffled), mine, Layer::retweet, kWindowMs, owner, comm);
    expect_reference_exposure(exposure, ref, comm);
  }
}

// sum_by_account gives sort_and_reduce's result on accounts dense enough for its array and on
// accounts too sparse for it.
TEST(NullModel, SumByAccountMatchesSortAndReduce) {
  std::mt19937_64 rng(3);
  for (const std::uint64_t spread : {50u, 5'000'000u}) {
    std::vector<AccountExposure> partials;
    for (int i = 0; i < 2000; ++i) {
      partials.push_back({AccountIndex{1000 + rng() % spread}, rng() % 2, rng() % 7});
    }
    auto summed = partials;
    null_model_detail::sum_by_account(summed);
    null_model_detail::sort_and_reduce(partials);
    ASSERT_EQ(summed.size(), partials.size()) << spread;
    for (std::size_t i = 0; i < summed.size(); ++i) {
      EXPECT_EQ(summed[i].account, partials[i].account) << spread;
      EXPECT_EQ(summed[i].actions, partials[i].actions) << spread;
      EXPECT_EQ(summed[i].exposure, partials[i].exposure) << spread;
    }
  }
}

// -ln P(X >= O | X >= 1) for X Poisson(E), from the probability mass function summed directly
// over k = O .. O + 300.
double reference_tail(std::uint64_t from, double expected) {
  double tail = 0;
  for (std::uint64_t k = from; k < from + 300; ++k) {
    tail += std::exp(-expected + static_cast<double>(k) * std::log(expected) -
                     std::lgamma(static_cast<double>(k) + 1.0));
  }
  return tail;
}

double reference_evidence(std::uint64_t observed, double expected, std::uint64_t min_count = 1) {
  return -std::log(reference_tail(observed, expected) / reference_tail(min_count, expected));
}

TEST(NullModel, RepeatEvidenceIsTheConditionalPoissonTail) {
  EXPECT_EQ(repeat_evidence(0, 0.5), 0.0);
  EXPECT_EQ(repeat_evidence(1, 0.001), 0.0);  // one co-action is what made the edge
  EXPECT_NEAR(repeat_evidence(3, 0.5), reference_evidence(3, 0.5), 1e-9);
  EXPECT_NEAR(repeat_evidence(3, 0.5), 3.308631, 1e-6);  // 1 - e^-.5 (1 + .5 + .125) over 1 - e^-.5
  EXPECT_NEAR(repeat_evidence(12, 0.14), reference_evidence(12, 0.14), 1e-9);
  EXPECT_NEAR(repeat_evidence(4, 6.0), reference_evidence(4, 6.0), 1e-9);  // fewer than expected
  EXPECT_GT(repeat_evidence(20, 0.1), repeat_evidence(10, 0.1));
  // Edges that needed 3 co-actions (--min-weight 3 under pairs weighting): conditioned on that.
  EXPECT_EQ(repeat_evidence(3, 0.5, 3), 0.0);
  EXPECT_NEAR(repeat_evidence(5, 0.5, 3), reference_evidence(5, 0.5, 3), 1e-9);
  EXPECT_NEAR(repeat_evidence(5, 4.0, 3), reference_evidence(5, 4.0, 3), 1e-9);
}

// -ln P(X >= k), X binomial(m, p), by summing the pmf from k to m in long double.
double reference_binomial_evidence(std::uint64_t k, std::uint64_t m, double p) {
  long double tail = 0;
  for (std::uint64_t j = k; j <= m; ++j) {
    const auto jj = static_cast<long double>(j);
    const auto mm = static_cast<long double>(m);
    tail += std::exp(std::lgamma(mm + 1) - std::lgamma(jj + 1) - std::lgamma(mm - jj + 1) +
                     jj * std::log(static_cast<long double>(p)) +
                     (mm - jj) * std::log1p(-static_cast<long double>(p)));
  }
  return -static_cast<double>(std::log(tail));
}

TEST(NullModel, BinomialTailEvidence) {
  EXPECT_EQ(binomial_tail_evidence(0, 10, 0.1), 0.0);
  EXPECT_NEAR(binomial_tail_evidence(2, 3, 0.5), std::log(2.0), 1e-12);  // 4 of 8 outcomes
  EXPECT_NEAR(binomial_tail_evidence(3, 10, 0.1), 2.6565376545521717, 1e-9);
  EXPECT_NEAR(binomial_tail_evidence(5, 10, 0.5), 0.4731335222546632, 1e-9);  // below the mode
  EXPECT_NEAR(binomial_tail_evidence(40, 300, std::exp(-4.0)), 49.572398724822996, 1e-8);
  for (const auto& [k, m, p] : {std::tuple{7, 2000, 1e-5}, std::tuple{50, 60, 0.02},
                                std::tuple{1, 1, 0.3}, std::tuple{12, 12, std::exp(-24.0)}}) {
    EXPECT_NEAR(binomial_tail_evidence(k, m, p), reference_binomial_evidence(k, m, p), 1e-8)
        << k << " of " << m << " at " << p;
  }
}

TEST(NullModel, LadderEvidenceTakesTheBestLevelLessItsBonferroni) {
  EXPECT_EQ(evidence_level(0.0), 0);
  EXPECT_EQ(evidence_level(1.99), 0);
  EXPECT_EQ(evidence_level(2.0), 1);
  EXPECT_EQ(evidence_level(7.0), 4);
  EXPECT_EQ(evidence_level(100.0), kEvidenceLadder.size());
  // 40 edges: 9 reach 4 nats, 5 of them 8 nats, 2 of those 12 nats. Best: 5 at 8 nats
  // (26.6128 nats), less ln 8.
  const std::array<std::uint64_t, kEvidenceLadder.size()> at_least = {9, 9, 9, 5, 5, 2, 0, 0};
  EXPECT_NEAR(ladder_evidence(at_least, 40), 24.533370454447635, 1e-8);
  EXPECT_NEAR(ladder_evidence(at_least, 40),
              reference_binomial_evidence(5, 40, std::exp(-8.0)) - std::log(8.0), 1e-9);
  EXPECT_EQ(ladder_evidence({}, 40), 0.0);
  EXPECT_EQ(ladder_evidence({1, 0, 0, 0, 0, 0, 0, 0}, 1000), 0.0);  // chance explains it
}

TEST(NullModel, CoactionsOfOneMomentAreOneEvent) {
  CoactionEdge edge{AccountIndex{1}, AccountIndex{2}};
  edge.count = 2;  // e.g. one retweet carrying two hashtags
  edge.first_ms = 1'000'000;
  edge.last_ms = 1'000'000 + 30'000;
  EXPECT_EQ(repeated_coactions(edge, kWindowMs), 1u);
  edge.last_ms = 1'000'000 + 2 * kWindowMs;
  EXPECT_EQ(repeated_coactions(edge, kWindowMs), 1u);
  edge.last_ms += 1;  // more than two windows apart: two moments
  EXPECT_EQ(repeated_coactions(edge, kWindowMs), 2u);
  edge.count = 5;
  EXPECT_EQ(repeated_coactions(edge, kWindowMs), 5u);
}

// A known answer for the window: background keys with actions at uniform times over 10 hours
// (a flat lag density), and 200 signals, each a new key that 8 accounts act on at lags spread
// evenly over 0..20 s from the signal. Pairs at lags up to 20 s are far above the background;
// the bin (20 s, 30 s] holds background pairs only, so the estimate is 20 s.
TEST(WindowEstimate, FindsThePlantedReactionSpread) {
  const Comm comm;
  std::mt19937_64 rng(9);
  std::vector<Action> actions;
  for (int i = 0; i < 20'000; ++i) {
    actions.push_back(make_action(KeyHash{rng() % 100}, AccountIndex{rng() % 1000},
                                  static_cast<TimeMs>(rng() % 36'000'000), ContentHash{rng()},
                                  Layer::retweet));
  }
  for (std::uint64_t s = 0; s < 200; ++s) {
    const auto t0 = static_cast<TimeMs>(rng() % 36'000'000);
    for (std::uint64_t m = 0; m < 8; ++m) {
      actions.push_back(make_action(KeyHash{1000 + s}, AccountIndex{m},
                                    t0 + static_cast<TimeMs>(m) * 2'857, ContentHash{rng()},
                                    Layer::hashtag));
    }
  }
  WindowEstimateConfig config;
  config.layers = {Layer::retweet, Layer::hashtag};
  const auto estimate = estimate_window(testing::strided_share(actions, comm), config, comm);
  EXPECT_EQ(estimate.window_ms, 20'000);
  // Only retweets: no excess at short lags, so the first bin is already at chance level.
  config.layers = {Layer::retweet};
  EXPECT_EQ(estimate_window(testing::strided_share(actions, comm), config, comm).window_ms,
            config.min_window_ms);
}

}  // namespace
}  // namespace coordnet
