// edge_evidence (kernels/analysis/edge_evidence.hpp) on random canonical communities against a
// brute force over every pair of distinct actions of a key, also past the work cap, and on busy
// windows in which few pairs are edges. (tests/mpi/test_edge_evidence.cpp runs it through the
// distributed analysis.)
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "kernels/analysis/edge_evidence.hpp"

namespace coordnet {
namespace {

struct Row {
  std::uint64_t src, dst;
  std::uint32_t order;
  Layer layer;
  std::uint64_t key, n_coactions;
  TimeMs first_ms, last_ms;
  bool operator==(const Row&) const = default;
};

void PrintTo(const Row& r, std::ostream* os) {
  *os << r.src << "-" << r.dst << " #" << r.order << " " << layer_name(r.layer) << " " << r.key
      << " n " << r.n_coactions << " " << r.first_ms << ".." << r.last_ms;
}

std::vector<Row> as_rows(const std::vector<EdgeEvidenceRow>& rows) {
  std::vector<Row> out;
  for (const auto& x : rows) {
    out.push_back({x.src.value, x.dst.value, x.order, x.layer, x.key.value, x.n_coactions,
                   x.first_ms, x.last_ms});
  }
  return out;
}

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

// Keys in order, each kept while the window pairs so far stay within max_work; then every pair
// of distinct actions of a kept key by the two ends of an edge within the window.
std::vector<Row> brute_force(const CommunityInput& in, const EdgeEvidenceParams& p,
                             std::uint64_t& skipped) {
  using Action = std::tuple<TimeMs, std::uint64_t, std::uint64_t>;  // time, account, content
  std::map<std::tuple<Layer, std::uint64_t>, std::vector<Action>> keys;
  for (const auto& a : in.actions) {
    if (!p.projected[static_cast<std::size_t>(a.layer)]) continue;
    auto& key = keys[{a.layer, a.key.value}];
    const Action x{a.t_ms, a.account.value, a.content.value};
    if (std::find(key.begin(), key.end(), x) == key.end()) key.push_back(x);
  }
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<Row>> by_edge;
  for (const auto& e : in.edges) by_edge[{e.edge.src.value, e.edge.dst.value}];
  std::uint64_t work = 0;
  skipped = 0;
  for (auto& [lk, actions] : keys) {
    const auto [layer, key] = lk;
    const auto window = p.window_ms[static_cast<std::size_t>(layer)];
    std::sort(actions.begin(), actions.end());
    std::uint64_t pairs = 0;
    for (std::size_t i = 0; i < actions.size(); ++i) {
      for (std::size_t j = i + 1; j < actions.size(); ++j) {
        pairs += std::get<0>(actions[j]) - std::get<0>(actions[i]) <= window ? 1 : 0;
      }
    }
    if (pairs == 0) continue;
    if (work + pairs > p.max_work) {
      ++skipped;
      continue;
    }
    work += pairs;
    std::map<std::pair<std::uint64_t, std::uint64_t>, Row> on_key;
    for (std::size_t i = 0; i < actions.size(); ++i) {
      for (std::size_t j = i + 1; j < actions.size(); ++j) {
        const auto [ta, ua, ca] = actions[i];
        const auto [tb, ub, cb] = actions[j];
        if (ua == ub || tb - ta > window) continue;
        const std::pair edge{std::min(ua, ub), std::max(ua, ub)};
        if (!by_edge.contains(edge)) continue;
        auto [it, inserted] =
            on_key.try_emplace(edge, Row{edge.first, edge.second, 0, layer, key, 0, ta, tb});
        ++it->second.n_coactions;
        it->second.first_ms = std::min(it->second.first_ms, ta);
        it->second.last_ms = std::max(it->second.last_ms, tb);
      }
    }
    for (const auto& [edge, row] : on_key) by_edge[edge].push_back(row);
  }
  std::vector<Row> out;
  for (auto& [edge, rows] : by_edge) {
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      return std::make_tuple(b.n_coactions, a.first_ms, a.layer, a.key) <
             std::make_tuple(a.n_coactions, b.first_ms, b.layer, b.key);
    });
    for (std::uint32_t i = 0; i < rows.size() && i < p.keys_per_edge; ++i) {
      rows[i].order = i;
      out.push_back(rows[i]);
    }
  }
  return out;
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
        std::uint64_t skipped = 0;
        const auto expected = brute_force(in, params_for(k, cap), skipped);
        ASSERT_FALSE(expected.empty());
        const auto got = edge_evidence(in, params_for(k, cap));
        EXPECT_EQ(as_rows(got.rows), expected);
        EXPECT_EQ(got.skipped_keys, skipped);
        if (cap < kDefaultEdgeEvidenceWork) {
          EXPECT_GT(skipped, 0u);
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
  std::uint64_t skipped = 0;
  const auto expected = brute_force(in, p, skipped);
  // Each edge 0-v co-acts once on each key (dt = v * 100 ms); the keys tie on count, and the
  // earliest two are kept.
  ASSERT_EQ(expected.size(), 6u);
  EXPECT_EQ(expected[0], (Row{0, 1, 0, Layer::retweet, 0, 1, 0, 100}));
  EXPECT_EQ(expected[1], (Row{0, 1, 1, Layer::retweet, 1, 1, 1'000'000, 1'000'100}));
  EXPECT_EQ(as_rows(edge_evidence(in, p).rows), expected);
}

}  // namespace
}  // namespace coordnet
