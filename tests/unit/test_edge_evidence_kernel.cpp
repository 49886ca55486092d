// edge_evidence (kernels/analysis/edge_evidence.hpp) on random canonical communities against a
// brute force over every pair of distinct actions of a key, also past the work cap, and on busy
// windows in which few pairs are edges. (tests/mpi/test_edge_evidence.cpp runs it through the
// distributed analysis.)
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "kernels/analysis/edge_evidence.hpp"
#include "tests/support/edge_evidence_reference.hpp"

namespace coordnet {
namespace {

using Row = testing::EvidenceRow;

// Members 0..n-1, random edges u < v (one pair in edge_one_in: 3 indexes the edges by a matrix
// of the members' pairs, 30 by a hash map), actions on a few keys of two layers (one not projected)
// with exact duplicates and same-time actions, sorted as analyse_community sorts them.
CommunityInput random_community(std::uint32_t seed, std::uint64_t n_members,
                                std::uint64_t edge_one_in) {
  std::mt19937_64 rng(seed);
  CommunityInput in;
  for (std::uint64_t a = 0; a < n_members; ++a) in.members.push_back({0, AccountIndex{a}, 0});
  for (std::uint64_t u = 0; u < n_members; ++u) {
    for (std::uint64_t v = u + 1; v < n_members; ++v) {
      if (rng() % edge_one_in == 0) in.edges.push_back({0, {AccountIndex{u}, AccountIndex{v}}});
    }
  }
  const Layer layers[] = {Layer::retweet, Layer::hashtag, Layer::url};
  for (int i = 0; i < 400; ++i) {
    CommunityAction a{};
    a.layer = layers[rng() % 3];
    a.key = KeyHash{rng() % 12};
    a.account = AccountIndex{rng() % n_members};
    a.t_ms = static_cast<TimeMs>(rng() % 40) * 5'000;
    a.content = ContentHash{rng() % 4};
    in.actions.push_back(a);
    if (rng() % 10 == 0) in.actions.push_back(a);
  }
  std::sort(in.actions.begin(), in.actions.end(), [](const auto& a, const auto& b) {
    return std::tie(a.layer, a.key, a.t_ms, a.account, a.content) <
           std::tie(b.layer, b.key, b.t_ms, b.account, b.content);
  });
  return in;
}

EdgeEvidenceParams params_for(std::size_t k, std::uint64_t max_work) {
  EdgeEvidenceParams p;
  p.window_ms[static_cast<std::size_t>(Layer::retweet)] = 60'000;
  p.window_ms[static_cast<std::size_t>(Layer::hashtag)] = 15'000;
  p.projected[static_cast<std::size_t>(Layer::retweet)] = true;
  p.projected[static_cast<std::size_t>(Layer::hashtag)] = true;
  p.keys_per_edge = k;
  p.max_work = max_work;
  return p;
}

testing::ReferenceEvidence brute_force(const CommunityInput& in, const EdgeEvidenceParams& p) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> edges;
  for (const auto& e : in.edges) edges.insert({e.edge.src.value, e.edge.dst.value});
  std::vector<testing::ReferenceAction> actions;
  for (const auto& a : in.actions) {
    actions.push_back({a.layer, a.key.value, a.t_ms, a.account.value, a.content.value});
  }
  return testing::brute_force_edge_evidence(actions, edges, p.window_ms, p.projected,
                                            p.keys_per_edge, p.max_work);
}

TEST(EdgeEvidenceKernel, MatchesABruteForceAlsoPastTheWorkCap) {
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    const std::uint64_t edge_one_in = seed % 2 == 0 ? 3 : 30;
    const auto in =
        random_community(seed, edge_one_in == 3 ? 4 + seed * 2 : 20 + seed * 2, edge_one_in);
    for (const std::size_t k : {1, 3, 100}) {
      for (const std::uint64_t cap : {kDefaultEdgeEvidenceWork, std::uint64_t{300}}) {
        SCOPED_TRACE(::testing::Message() << "seed " << seed << " one edge in " << edge_one_in
                                          << " K " << k << " cap " << cap);
        const auto expected = brute_force(in, params_for(k, cap));
        ASSERT_FALSE(expected.rows.empty());
        const auto got = edge_evidence(in, params_for(k, cap));
        EXPECT_EQ(testing::evidence_rows(got.rows), expected.rows);
        EXPECT_EQ(got.skipped_keys, expected.skipped_keys);
        if (cap < kDefaultEdgeEvidenceWork) {
          EXPECT_GT(expected.skipped_keys, 0u);
        }
      }
    }
  }
}

// Keys whose windows hold many members but few edges (a star around member 0 among 60 members
// acting together on each key): each key's slots are cleared for the next.
TEST(EdgeEvidenceKernel, BusyWindowsFewEdges) {
  CommunityInput in;
  constexpr std::uint64_t kMembers = 60;
  for (std::uint64_t a = 0; a < kMembers; ++a) in.members.push_back({0, AccountIndex{a}, 0});
  for (std::uint64_t v = 1; v < 4; ++v) {
    in.edges.push_back({0, {AccountIndex{0}, AccountIndex{v}}});
  }
  for (std::uint64_t key = 0; key < 5; ++key) {
    for (std::uint64_t a = 0; a < kMembers; ++a) {
      CommunityAction x{};
      x.layer = Layer::retweet;
      x.key = KeyHash{key};
      x.account = AccountIndex{a};
      x.t_ms = static_cast<TimeMs>(key * 1'000'000 + a * 100);
      in.actions.push_back(x);
    }
  }
  const auto p = params_for(2, kDefaultEdgeEvidenceWork);
  const auto expected = brute_force(in, p).rows;
  // Each edge 0-v co-acts once on each key (dt = v * 100 ms); the keys tie on count, and the
  // earliest two are kept.
  ASSERT_EQ(expected.size(), 6u);
  EXPECT_EQ(expected[0], (Row{0, 1, Layer::retweet, 0, 1, 0, 100}));
  EXPECT_EQ(expected[1], (Row{0, 1, Layer::retweet, 1, 1, 1'000'000, 1'000'100}));
  EXPECT_EQ(testing::evidence_rows(edge_evidence(in, p).rows), expected);
}

}  // namespace
}  // namespace coordnet
