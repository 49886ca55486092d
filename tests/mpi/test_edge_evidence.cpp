// Edge evidence (kernels/analysis/edge_evidence.hpp) through the distributed analysis stage, at
// this run's rank count (the suite runs it at 1, 2, 3 and 4 ranks): a drawn fixture whose every
// row is known by hand, a random fixture against a brute-force serial reference (every pair of
// actions of a key), and the work cap.
//
// Communities c0 = {0,1,2,3}, c1 = {4,5}; edges 0-1, 0-2, 1-2, 2-3, 4-5 and the cut edge 3-4.
// Windows: retweet 60 s, hashtag 30 s; two keys per edge (K = 2). Seconds after T0 (post):
//   R1: 0@0 (p1) twice (an exact duplicate), 1@60 (|dt| = window: counts), 1@61 (too late for
//       0@0)                                             -> 0-1: 1 co-action, 0..60
//   R2: 0@1000, 1@1010 (p2 twice: a duplicate), 0@1020  -> 0-1: 2 co-actions, 1000..1020
//   H1: 0@2000, 1@2030 (|dt| = hashtag window), 1@2031  -> 0-1: 1, 2000..2030 (ties R1 on count,
//       loses on first time: 0-1 keeps R2, R1; a third key dropped)
//   H2: 0@3000, 1@3040 (inside 60 s, outside the hashtag window: no co-action)
//   R3, R4, H3: 0@4000 and 2@4005 (R4: 2@4010): 0-2 ties on count and first time; layer
//       (retweet first) keeps R3, R4 over H3, key hash orders R3 before R4
//   R5: 1@5000 (p50), 1@5000 (p51: another post, not a duplicate), 2@5000 -> 1-2: 2, 5000..5000
//   R6: 0@6000, 3@6001, 2@6002 -> 2-3: 1, 6001..6002; 0-2: 1 at 6000 (weaker than R3, R4);
//       0-3 is no edge: nothing
//   R7: 4@100, 5@100, 5@160, 4@221, and 3@150 (c0: the cut edge 3-4 gets nothing)
//       -> 4-5: 2 co-actions (dt 0 and 60), 100..160
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "kernels/analysis/analyse_communities.hpp"
#include "kernels/community/leiden.hpp"
#include "mpi_test_util.hpp"
#include "tests/support/edge_evidence_reference.hpp"

namespace coordnet {
namespace {

constexpr TimeMs kT0 = 1'700'000'000'000;
constexpr std::uint64_t kR1 = 11, kR2 = 12, kR3 = 13, kR4 = 14, kR5 = 15, kR6 = 16, kR7 = 17;
constexpr std::uint64_t kH1 = 101, kH2 = 102, kH3 = 103;

struct Fixture {
  std::vector<std::uint64_t> community_of;
  std::vector<std::uint64_t> sizes;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> edges;
  std::vector<Action> actions;
};

Action action(std::uint64_t account, std::uint64_t key, TimeMs ms, Layer layer,
              std::uint64_t post) {
  return make_action(KeyHash{key}, AccountIndex{account}, kT0 + ms, ContentHash{post}, layer);
}

Fixture drawn_fixture() {
  const auto rt = Layer::retweet;
  const auto ht = Layer::hashtag;
  Fixture f{{0, 0, 0, 0, 1, 1}, {4, 2}, {{0, 1}, {0, 2}, {1, 2}, {2, 3}, {4, 5}, {3, 4}}, {}};
  f.actions = {action(0, kR1, 0, rt, 1),          action(0, kR1, 0, rt, 1),
               action(1, kR1, 60'000, rt, 2),     action(1, kR1, 61'000, rt, 3),
               action(0, kR2, 1'000'000, rt, 4),  action(1, kR2, 1'010'000, rt, 5),
               action(1, kR2, 1'010'000, rt, 5),  action(0, kR2, 1'020'000, rt, 6),
               action(0, kH1, 2'000'000, ht, 7),  action(1, kH1, 2'030'000, ht, 8),
               action(1, kH1, 2'031'000, ht, 9),  action(0, kH2, 3'000'000, ht, 10),
               action(1, kH2, 3'040'000, ht, 11), action(0, kR3, 4'000'000, rt, 12),
               action(2, kR3, 4'005'000, rt, 13), action(0, kR4, 4'000'000, rt, 14),
               action(2, kR4, 4'010'000, rt, 15), action(0, kH3, 4'000'000, ht, 16),
               action(2, kH3, 4'005'000, ht, 17), action(1, kR5, 5'000'000, rt, 50),
               action(1, kR5, 5'000'000, rt, 51), action(2, kR5, 5'000'000, rt, 52),
               action(0, kR6, 6'000'000, rt, 18), action(3, kR6, 6'001'000, rt, 19),
               action(2, kR6, 6'002'000, rt, 20), action(4, kR7, 100'000, rt, 21),
               action(5, kR7, 100'000, rt, 22),   action(5, kR7, 160'000, rt, 23),
               action(4, kR7, 221'000, rt, 24),   action(3, kR7, 150'000, rt, 25)};
  return f;
}

AnalysisParams params(std::size_t keys_per_edge) {
  AnalysisParams p;
  p.window_ms.fill(60'000);
  p.window_ms[static_cast<std::size_t>(Layer::hashtag)] = 30'000;
  p.projected[static_cast<std::size_t>(Layer::retweet)] = true;
  p.projected[static_cast<std::size_t>(Layer::hashtag)] = true;
  p.edge_evidence_keys = keys_per_edge;
  return p;
}

struct Analysed {
  std::vector<EdgeEvidenceRow> rows;  // all ranks', in file order
  std::vector<CommunityFeatures> features;
};

Analysed analyse(const Fixture& f, const AnalysisParams& p, const Comm& comm) {
  const auto n = f.community_of.size();
  const auto accounts = even_blocks(n, comm.size());
  const auto communities = even_blocks(f.sizes.size(), comm.size());
  const auto r = static_cast<std::size_t>(comm.rank());
  const auto lo = accounts[r], hi = accounts[r + 1];
  const std::vector<std::uint64_t> community(f.community_of.begin() + static_cast<long>(lo),
                                             f.community_of.begin() + static_cast<long>(hi));
  const std::vector<std::uint32_t> renames(hi - lo, 0);
  const std::vector<TimeMs> created(hi - lo, kUnknownTime);
  const std::vector<std::string> unknown(hi - lo);
  const std::vector<std::uint64_t> sizes(f.sizes.begin() + static_cast<long>(communities[r]),
                                         f.sizes.begin() + static_cast<long>(communities[r + 1]));
  std::vector<AnalysisEdge> all_edges;
  for (const auto& [u, v] : f.edges) all_edges.push_back({AccountIndex{u}, AccountIndex{v}, 1});
  const auto edges = testing::strided_share(all_edges, comm);
  const auto actions = testing::strided_share(f.actions, comm);
  const AnalysisInput input{accounts,    community,   renames, created, unknown,
                            unknown,     communities, sizes,   edges,   actions,
                            p.projected, {},          false};
  const auto result = analyse_communities(input, p, comm);
  return {comm.allgatherv<EdgeEvidenceRow>(result.edge_evidence),
          comm.allgatherv<CommunityFeatures>(result.features)};
}

using Row = testing::EvidenceRow;
const auto as_rows = testing::evidence_rows;

// Every pair of distinct actions of a key by the two ends of an internal edge, |dt| <= window;
// then per edge the strongest keys_per_edge keys (no work cap).
std::vector<Row> brute_force(const Fixture& f, const AnalysisParams& p) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> internal;
  for (const auto& [u, v] : f.edges) {
    if (f.community_of[u] == f.community_of[v]) internal.insert({u, v});
  }
  std::vector<testing::ReferenceAction> actions;
  for (const auto& a : f.actions) {
    actions.push_back({a.layer, a.key.value, a.t_ms, a.account.value, a.content.value});
  }
  return testing::brute_force_edge_evidence(actions, internal, p.window_ms, p.projected,
                                            p.edge_evidence_keys, UINT64_MAX)
      .rows;
}

TEST(EdgeEvidence, RowsOfTheDrawnFixture) {
  const Comm comm;
  const auto rt = Layer::retweet;
  const auto got = as_rows(analyse(drawn_fixture(), params(2), comm).rows);
  auto t = [](TimeMs ms) { return kT0 + ms; };
  const std::vector<Row> expected = {{0, 1, rt, kR2, 2, t(1'000'000), t(1'020'000)},
                                     {0, 1, rt, kR1, 1, t(0), t(60'000)},
                                     {0, 2, rt, kR3, 1, t(4'000'000), t(4'005'000)},
                                     {0, 2, rt, kR4, 1, t(4'000'000), t(4'010'000)},
                                     {1, 2, rt, kR5, 2, t(5'000'000), t(5'000'000)},
                                     {2, 3, rt, kR6, 1, t(6'001'000), t(6'002'000)},
                                     {4, 5, rt, kR7, 2, t(100'000), t(160'000)}};
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got, brute_force(drawn_fixture(), params(2)));
  const auto three = analyse(drawn_fixture(), params(3), comm);
  EXPECT_EQ(as_rows(three.rows)[2].key, kH1);  // the third key of 0-1
  EXPECT_TRUE(analyse(drawn_fixture(), params(0), comm).rows.empty());
}

Fixture random_fixture(std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  Fixture f;
  f.sizes = {9, 7, 5, 2, 1};
  for (std::uint64_t c = 0; c < f.sizes.size(); ++c)
    f.community_of.insert(f.community_of.end(), f.sizes[c], c);
  const auto n = f.community_of.size();
  std::bernoulli_distribution internal(0.6), cut(0.05);
  for (std::uint64_t u = 0; u < n; ++u) {
    for (std::uint64_t v = u + 1; v < n; ++v) {
      if (f.community_of[u] == f.community_of[v] ? internal(rng) : cut(rng))
        f.edges.push_back({u, v});
    }
  }
  std::uniform_int_distribution<std::uint64_t> account(0, n - 1), key(1, 15), post(1, 40);
  std::uniform_int_distribution<TimeMs> seconds(0, 300);
  std::bernoulli_distribution hashtag(0.4), repeat(0.1);
  for (int i = 0; i < 600; ++i) {
    f.actions.push_back(action(account(rng), key(rng), seconds(rng) * 1000,
                               hashtag(rng) ? Layer::hashtag : Layer::retweet, post(rng)));
    if (repeat(rng)) f.actions.push_back(f.actions.back());
  }
  std::shuffle(f.actions.begin(), f.actions.end(), rng);
  return f;
}

TEST(EdgeEvidence, MatchesABruteForceReference) {
  const Comm comm;
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE(seed);
    const auto f = random_fixture(seed);
    for (const std::size_t k : {1, 3, 100}) {
      const auto got = analyse(f, params(k), comm);
      EXPECT_EQ(as_rows(got.rows), brute_force(f, params(k))) << "K " << k;
      for (const auto& c : got.features) EXPECT_EQ(c.edge_evidence_skipped_keys, 0u);
    }
  }
}

// Past the work cap a key is skipped whole and counted; the other keys' rows stay exact. In key
// order, c0's keys hold these pairs inside their windows (same-account pairs included, duplicates
// dropped): R1 2, R2 3, R3 1, R4 1, R5 3, R6 3, R7 0, H1 2, H2 0, H3 1: 16 in all.
TEST(EdgeEvidence, WorkCapSkipsKeysAndSaysSo) {
  const Comm comm;
  auto p = params(2);
  p.max_edge_evidence_work = 16;
  auto got = analyse(drawn_fixture(), p, comm);
  EXPECT_EQ(got.features[0].edge_evidence_skipped_keys, 0u);
  EXPECT_EQ(got.rows.size(), 7u);
  p.max_edge_evidence_work = 12;  // R1..R5 take 10: R6 (13) is skipped, H1 (12) fits, H3 not
  got = analyse(drawn_fixture(), p, comm);
  EXPECT_EQ(got.features[0].edge_evidence_skipped_keys, 2u);
  EXPECT_EQ(got.features[1].edge_evidence_skipped_keys, 0u);
  const auto rows = as_rows(got.rows);
  EXPECT_TRUE(std::none_of(rows.begin(), rows.end(), [](const Row& r) { return r.key == kR6; }));
  EXPECT_EQ(rows.size(), 6u);  // 2-3 has no key left
}

}  // namespace
}  // namespace coordnet
