// Distributed community detection on drawn graphs with known optima, against the serial
// references (Boost.Graph), and at this run's rank count against the same call on one rank.
#include <gtest/gtest.h>

#include <random>

#include "core/errors.hpp"
#include "kernels/community/leiden.hpp"
#include "kernels/reference/community_reference.hpp"

namespace coordnet {
namespace {

struct TestGraph {
  std::uint64_t n_vertices;
  std::vector<reference::Edge> edges;
};

// Every rank passes a strided share of the edges.
std::vector<WeightedEdge> my_share(const TestGraph& g, const Comm& comm) {
  std::vector<WeightedEdge> mine;
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(comm.size())) != comm.rank()) continue;
    mine.push_back({g.edges[i].src, g.edges[i].dst, to_fixed_weight(g.edges[i].weight)});
  }
  return mine;
}

struct Gathered {
  std::vector<std::uint64_t> labels;
  ClusterResult result;
};

Gathered cluster(const TestGraph& g, const ClusterConfig& config, const Comm& comm) {
  const auto edges = my_share(g, comm);
  ClusterInput input{even_blocks(g.n_vertices, comm.size()), edges};
  Gathered out;
  out.result = cluster_graph(input, config, comm);
  out.labels = comm.allgatherv<std::uint64_t>(out.result.community);
  return out;
}

// Cliques of `size` vertices, clique i joined to clique i+1 by one edge (a ring when `ring`).
TestGraph cliques(int count, int size, bool ring) {
  TestGraph g{static_cast<std::uint64_t>(count * size), {}};
  for (int c = 0; c < count; ++c) {
    const auto base = static_cast<std::uint64_t>(c * size);
    for (int i = 0; i < size; ++i)
      for (int j = i + 1; j < size; ++j) g.edges.push_back({base + i, base + j, 1.0});
    if (c + 1 < count || ring) {
      g.edges.push_back({base, static_cast<std::uint64_t>(((c + 1) % count) * size + 1), 1.0});
    }
  }
  return g;
}

// 0..n-1 in a random order: vertex ids that do not follow the groups.
std::vector<std::uint64_t> shuffled_ids(std::uint64_t n, std::mt19937_64& rng) {
  std::vector<std::uint64_t> id(n);
  for (std::uint64_t i = 0; i < n; ++i) id[i] = i;
  std::shuffle(id.begin(), id.end(), rng);
  return id;
}

// Planted partition: `groups` groups of `size`; edges inside with probability p_in, between
// with p_out; vertex ids shuffled so that groups are not id ranges.
TestGraph planted(int groups, int size, double p_in, double p_out, std::uint64_t seed,
                  std::vector<std::uint64_t>* truth = nullptr) {
  const auto n = static_cast<std::uint64_t>(groups * size);
  std::mt19937_64 rng(seed);
  const auto id = shuffled_ids(n, rng);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  TestGraph g{n, {}};
  for (std::uint64_t a = 0; a < n; ++a) {
    for (std::uint64_t b = a + 1; b < n; ++b) {
      const bool same =
          a / static_cast<std::uint64_t>(size) == b / static_cast<std::uint64_t>(size);
      if (uniform(rng) < (same ? p_in : p_out)) {
        g.edges.push_back({id[a], id[b], static_cast<double>(1 + rng() % 3)});
      }
    }
  }
  if (truth) {
    truth->assign(n, 0);
    for (std::uint64_t a = 0; a < n; ++a) (*truth)[id[a]] = a / static_cast<std::uint64_t>(size);
  }
  return g;
}

// Sparse planted groups: each vertex has `inside` edges to random members of its group and, with
// probability p_out, one to a random vertex; ids shuffled. Linear in the edges, for graphs too
// large for planted()'s all-pairs draw.
TestGraph sparse_planted(std::uint64_t groups, std::uint64_t size, int inside, double p_out,
                         std::uint64_t seed) {
  const auto n = groups * size;
  std::mt19937_64 rng(seed);
  const auto id = shuffled_ids(n, rng);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  TestGraph g{n, {}};
  for (std::uint64_t a = 0; a < n; ++a) {
    for (int k = 0; k < inside; ++k) {
      const auto b = a / size * size + rng() % size;
      if (b != a) g.edges.push_back({id[a], id[b], static_cast<double>(1 + rng() % 3)});
    }
    if (uniform(rng) < p_out) g.edges.push_back({id[a], id[rng() % n], 1.0});
  }
  return g;
}

void expect_sound(const TestGraph& g, const Gathered& out, const Comm& comm) {
  const auto n = g.n_vertices;
  ASSERT_EQ(out.labels.size(), n);
  EXPECT_EQ(reference::count_disconnected_communities(n, g.edges, out.labels), 0U);
  const double q = reference::modularity(n, g.edges, out.labels);
  EXPECT_NEAR(out.result.modularity, q, 1e-6);
  EXPECT_NEAR(out.result.modularity_recomputed, q, 1e-9);
  EXPECT_NEAR(out.result.modularity, out.result.modularity_recomputed, 1e-9);
  // Canonical ids: community k's smallest member comes before community k+1's.
  std::uint64_t next = 0;
  for (auto label : out.labels) {
    EXPECT_LE(label, next);
    if (label == next) ++next;
  }
  EXPECT_EQ(next, out.result.n_communities);
  const auto sizes = comm.allgatherv<std::uint64_t>(out.result.community_size);
  ASSERT_EQ(sizes.size(), out.result.n_communities);
  std::vector<std::uint64_t> counted(sizes.size(), 0);
  for (auto label : out.labels) ++counted[label];
  EXPECT_EQ(sizes, counted);
}

// The same call at this rank count and on one rank (every rank alone) gives identical output.
void expect_rank_invariant(const TestGraph& g, const ClusterConfig& config, const Gathered& out) {
  const Comm self(MPI_COMM_SELF, false);
  const auto alone = cluster(g, config, self);
  EXPECT_EQ(out.labels, alone.labels);
  ASSERT_EQ(out.result.levels.size(), alone.result.levels.size());
  for (std::size_t l = 0; l < alone.result.levels.size(); ++l) {
    EXPECT_EQ(out.result.levels[l].modularity, alone.result.levels[l].modularity);
    EXPECT_EQ(out.result.levels[l].iterations, alone.result.levels[l].iterations);
    EXPECT_EQ(out.result.levels[l].moves, alone.result.levels[l].moves);
  }
}

std::vector<std::uint64_t> by_block(std::uint64_t n, std::uint64_t size) {
  std::vector<std::uint64_t> labels(n);
  for (std::uint64_t v = 0; v < n; ++v) labels[v] = v / size;
  return labels;
}

ClusterConfig distributed_to_the_end() {
  ClusterConfig config;
  config.gather_below = 0;
  return config;
}

TEST(Leiden, TwoCliquesJoinedByAnEdgeAreTwoCommunities) {
  const Comm comm;
  const auto g = cliques(2, 5, false);
  const auto out = cluster(g, distributed_to_the_end(), comm);
  EXPECT_EQ(out.labels, by_block(10, 5));
  expect_sound(g, out, comm);
  EXPECT_NEAR(out.result.modularity, reference::best_modularity_exhaustive(10, g.edges), 1e-12);
}

TEST(Leiden, RingOfCliquesIsOneCommunityPerClique) {
  const Comm comm;
  const auto g = cliques(8, 5, true);
  const auto out = cluster(g, distributed_to_the_end(), comm);
  EXPECT_EQ(out.labels, by_block(40, 5));
  expect_sound(g, out, comm);
}

TEST(Leiden, StarIsOneCommunity) {
  const Comm comm;
  TestGraph g{7, {}};
  for (std::uint64_t leaf = 1; leaf < 7; ++leaf) g.edges.push_back({0, leaf, 1.0});
  const auto out = cluster(g, distributed_to_the_end(), comm);
  EXPECT_EQ(out.labels, std::vector<std::uint64_t>(7, 0));
  expect_sound(g, out, comm);
  EXPECT_NEAR(out.result.modularity, reference::best_modularity_exhaustive(7, g.edges), 1e-12);
}

// Most vertices without an edge (a run's accounts, most of which co-act with nobody): the
// recomputed modularity asks for the labels of every remote edge end instead of holding a flat
// array over all vertices.
TEST(Leiden, GraphOfMostlyIsolatedVerticesIsSoundAndRankInvariant) {
  const Comm comm;
  auto g = sparse_planted(10, 20, 4, 0.2, 17);
  constexpr std::uint64_t kSpread = 50;  // vertex v becomes v * 50 + 7 of 10,000
  for (auto& e : g.edges) {
    e.src = e.src * kSpread + 7;
    e.dst = e.dst * kSpread + 7;
  }
  g.n_vertices *= kSpread;
  const auto out = cluster(g, distributed_to_the_end(), comm);
  expect_sound(g, out, comm);
  expect_rank_invariant(g, distributed_to_the_end(), out);
}

TEST(Leiden, IsolatedVerticesAndSelfLoopsAreSingletons) {
  const Comm comm;
  // 0-1-2 triangle, 3 isolated, 4 with a self-loop only, 5-6 an edge.
  const TestGraph g{7, {{0, 1, 1}, {1, 2, 1}, {0, 2, 1}, {4, 4, 2}, {5, 6, 1}}};
  const auto out = cluster(g, distributed_to_the_end(), comm);
  EXPECT_EQ(out.labels, (std::vector<std::uint64_t>{0, 0, 0, 1, 2, 3, 3}));
  expect_sound(g, out, comm);
  // Vertex 3 is left out of the levels but counts in each, alone.
  EXPECT_EQ(out.result.levels.front().n_vertices, 7u);
  EXPECT_EQ(out.result.levels.back().n_communities, 4u);
  EXPECT_EQ(out.result.n_communities, 4u);
}

TEST(Leiden, FewEdgesAmongManyIsolatedVertices) {
  const Comm comm;
  // A triangle and an edge between vertices far apart among 200,000: each rank's level-0
  // vertices (the sources of its arcs) span a range far wider than its arcs.
  const TestGraph g{200000, {{0, 100000, 1}, {100000, 199999, 1}, {0, 199999, 1}, {5, 150000, 1}}};
  const auto out = cluster(g, distributed_to_the_end(), comm);
  std::vector<std::uint64_t> expected(200000);
  for (std::uint64_t v = 0, next = 0; v < expected.size(); ++v) {
    if (v == 100000 || v == 199999) {
      expected[v] = 0;
    } else if (v == 150000) {
      expected[v] = expected[5];
    } else {
      expected[v] = next++;
    }
  }
  EXPECT_EQ(out.labels, expected);
  EXPECT_EQ(out.result.n_communities, 199997u);
  EXPECT_EQ(out.result.levels.front().n_vertices, 200000u);
  expect_sound(g, out, comm);
}

TEST(Leiden, GraphWithoutEdgesIsAllSingletons) {
  const Comm comm;
  const TestGraph g{9, {{2, 7, 0}}};  // a zero weight is no edge
  for (const auto& config : {ClusterConfig{}, distributed_to_the_end()}) {
    const auto out = cluster(g, config, comm);
    EXPECT_EQ(out.labels, (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(out.result.n_communities, 9u);
    EXPECT_EQ(out.result.levels.back().n_vertices, 9u);
    EXPECT_EQ(out.result.modularity, 0.0);
    EXPECT_EQ(out.result.modularity_recomputed, 0.0);
  }
}

// Arcs hold 32-bit vertex ids: a graph of more than 2^32 vertices is refused on every rank, with
// a data error, before anything of its size is allocated.
TEST(Leiden, MoreThan2To32VerticesAreRefused) {
  const Comm comm;
  std::vector<WeightedEdge> edges;
  if (comm.is_root()) edges.push_back({0, kMaxVertices, to_fixed_weight(1.0)});
  const ClusterInput too_many{even_blocks(kMaxVertices + 1, comm.size()), edges};
  EXPECT_THROW(cluster_graph(too_many, ClusterConfig{}, comm), DataError);
}

TEST(Leiden, DisjointCliquesAggregateToALevelWithoutEdges) {
  const Comm comm;
  // 24 four-cliques and nothing between them: the second level's graph has 24 vertices and no
  // edges (empty rows; local moving must not index the empty edge arrays), enough vertices for
  // every sub-round to visit several.
  TestGraph g{96, {}};
  for (std::uint64_t base = 0; base < 96; base += 4)
    for (std::uint64_t i = 0; i < 4; ++i)
      for (std::uint64_t j = i + 1; j < 4; ++j) g.edges.push_back({base + i, base + j, 1.0});
  for (const auto& config : {ClusterConfig{}, distributed_to_the_end()}) {
    const auto out = cluster(g, config, comm);
    EXPECT_EQ(out.labels, by_block(96, 4));
    expect_sound(g, out, comm);
  }
}

TEST(Leiden, CpmSeparatesCliquesThatModularityMerges) {
  const Comm comm;
  // 30 five-cliques in a ring: past the resolution limit (30 > 5 * 4 + 2), modularity merges
  // neighbouring cliques; CPM with gamma 0.5 keeps every clique.
  const auto g = cliques(30, 5, true);
  const auto modularity = cluster(g, distributed_to_the_end(), comm);
  EXPECT_LT(modularity.result.n_communities, 30U);
  expect_sound(g, modularity, comm);
  ClusterConfig config = distributed_to_the_end();
  config.objective = Objective::cpm;
  config.resolution = 0.5;
  const auto cpm = cluster(g, config, comm);
  EXPECT_EQ(cpm.labels, by_block(150, 5));
  EXPECT_EQ(reference::count_disconnected_communities(150, g.edges, cpm.labels), 0U);
  // 10 edges inside each clique, penalty 0.5 * C(5,2) = 5 each.
  EXPECT_DOUBLE_EQ(cpm.result.levels.back().objective, 30 * (10 - 5));
  expect_rank_invariant(g, config, cpm);
}

struct Scenario {
  std::uint64_t gather_below;
  int sub_rounds;
  std::uint64_t max_message_elements;
};

class LeidenPlanted : public ::testing::TestWithParam<Scenario> {
 protected:
  void TearDown() override { Comm::set_max_message_elements(INT32_MAX); }
};

TEST_P(LeidenPlanted, RecoversPlantedGroupsIdenticallyAtAnyRankCount) {
  const Comm comm;
  const auto scenario = GetParam();
  std::vector<std::uint64_t> truth;
  const auto g = planted(12, 25, 0.4, 0.01, 7, &truth);
  ClusterConfig config;
  config.gather_below = scenario.gather_below;
  config.sub_rounds = scenario.sub_rounds;
  Comm::set_max_message_elements(scenario.max_message_elements);
  const auto out = cluster(g, config, comm);
  expect_sound(g, out, comm);
  EXPECT_NEAR(reference::modularity(g.n_vertices, g.edges, truth), out.result.modularity, 0.01);
  EXPECT_EQ(out.result.n_communities, 12U);
  expect_rank_invariant(g, config, out);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, LeidenPlanted,
                         ::testing::Values(Scenario{0, 4, INT32_MAX}, Scenario{0, 2, 7},
                                           Scenario{1000, 3, INT32_MAX},
                                           Scenario{UINT64_MAX, 4, INT32_MAX}));

TEST(Leiden, NoisyGraphHasConnectedCommunitiesAndEveryLevelIsRankInvariant) {
  const Comm comm;
  const auto g = planted(20, 30, 0.15, 0.02, 11);
  ClusterConfig config = distributed_to_the_end();
  config.seed = 5;
  const auto out = cluster(g, config, comm);
  expect_sound(g, out, comm);
  expect_rank_invariant(g, config, out);
  EXPECT_GE(out.result.levels.size(), 2U);
  const Comm self(MPI_COMM_SELF, false);
  const auto alone = cluster(g, config, self);
  for (std::size_t l = 0; l < out.result.level_community.size(); ++l) {
    EXPECT_EQ(comm.allgatherv<std::uint64_t>(out.result.level_community[l]),
              alone.result.level_community[l]);
  }
}

// A level small enough for one rank moves one vertex at a time, so no level lowers the
// objective, even with one sub-round (where every vertex of a synchronous level decides at once
// on stale totals and the partition oscillates).
TEST(Leiden, LevelsOnOneRankNeverLowerTheObjective) {
  const Comm comm;
  std::vector<std::uint64_t> truth;
  const auto g = planted(20, 30, 0.15, 0.02, 11, &truth);
  ClusterConfig config;
  config.sub_rounds = 1;
  const auto out = cluster(g, config, comm);
  expect_sound(g, out, comm);
  expect_rank_invariant(g, config, out);
  for (std::size_t l = 1; l < out.result.levels.size(); ++l)
    EXPECT_GE(out.result.levels[l].objective, out.result.levels[l - 1].objective) << "level " << l;
  EXPECT_LT(out.result.levels.front().iterations,
            static_cast<std::uint64_t>(config.max_iterations));
  EXPECT_GT(out.result.modularity, reference::modularity(g.n_vertices, g.edges, truth) - 0.01);
}

TEST(Leiden, MaxLevelsOneReportsTheRefinedPartition) {
  const Comm comm;
  const auto g = planted(10, 20, 0.3, 0.03, 3);
  ClusterConfig config = distributed_to_the_end();
  config.max_levels = 1;
  const auto out = cluster(g, config, comm);
  expect_sound(g, out, comm);
  ASSERT_EQ(out.result.levels.size(), 2U);
  EXPECT_EQ(out.result.levels[1].iterations, 0U);
  expect_rank_invariant(g, config, out);
}

// On a sparse graph of unit weights a vertex meets many parts by one edge each; the refinement
// joins the part of more vertices among them (not the smallest, which gains a hair more), so its
// parts stay few: the coarse level is much smaller than the graph (180 parts of 1,000 vertices
// here; the largest-gain choice left 409).
TEST(Leiden, RefinementOfASparseGraphKeepsFewParts) {
  const Comm comm;
  auto g = planted(20, 50, 0.12, 0.002, 7);
  for (auto& e : g.edges) e.weight = 1.0;
  ClusterConfig config = distributed_to_the_end();
  config.max_levels = 1;
  const auto out = cluster(g, config, comm);
  expect_sound(g, out, comm);
  expect_rank_invariant(g, config, out);
  EXPECT_LT(out.result.n_communities * 4, g.n_vertices) << out.result.n_communities << " parts";
}

// 12,000 vertices: more than 2,048 per rank at up to 4 ranks, so every level-0 build sorts its
// arcs by source in two radix passes (level_graph.cpp); parallel edges and self-loops included.
TEST(Leiden, GraphOfThousandsOfVerticesPerRankIsSoundAndRankInvariant) {
  const Comm comm;
  auto g = sparse_planted(600, 20, 4, 0.3, 13);
  g.edges.push_back({17, 17, 2.0});
  g.edges.push_back(g.edges.front());
  const auto config = distributed_to_the_end();
  const auto out = cluster(g, config, comm);
  expect_sound(g, out, comm);
  expect_rank_invariant(g, config, out);
  EXPECT_GT(out.result.modularity, 0.8);
}

}  // namespace
}  // namespace coordnet
