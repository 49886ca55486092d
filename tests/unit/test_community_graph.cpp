// analyse_subgraph: k-cores, components, strength and betweenness of small drawn subgraphs, with
// and without edges (a community of accounts without edges between them skips the graph).
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/analysis/community_graph.hpp"

namespace coordnet {
namespace {

TEST(CommunityGraph, WithoutEdgesEveryAccountIsAComponentOfCorenessZero) {
  for (const std::uint32_t n : {0u, 1u, 3u}) {
    SCOPED_TRACE(n);
    const auto s = analyse_subgraph(n, {});
    EXPECT_EQ(s.n_components, n);
    EXPECT_EQ(s.coreness, std::vector<std::uint32_t>(n, 0));
    EXPECT_EQ(s.strength, std::vector<double>(n, 0.0));
    EXPECT_EQ(s.betweenness, std::vector<double>(n, 0.0));
  }
}

// 0 - 1 - 2 in a path (weights 2 and 3), 1 - 3 - 4 - 1 a triangle (weights 1), 5 alone.
TEST(CommunityGraph, PathTriangleAndLoneVertex) {
  const std::vector<LocalEdge> edges = {
      {0, 1, 2.0}, {1, 2, 3.0}, {1, 3, 1.0}, {3, 4, 1.0}, {4, 1, 1.0}};
  const auto s = analyse_subgraph(6, edges);
  EXPECT_EQ(s.n_components, 2u);
  EXPECT_EQ(s.coreness, (std::vector<std::uint32_t>{1, 2, 1, 2, 2, 0}));
  EXPECT_EQ(s.strength, (std::vector<double>{2, 7, 3, 2, 2, 0}));
  // Vertex 1 is on the only shortest path of 5 of the (6 - 1)(6 - 2) / 2 = 10 pairs: 0-2, 0-3,
  // 0-4, 2-3 and 2-4; the others on none.
  ASSERT_EQ(s.betweenness.size(), 6u);
  EXPECT_DOUBLE_EQ(s.betweenness[1], 5.0 / 10.0);
  for (const std::size_t v : {0u, 2u, 3u, 4u, 5u}) EXPECT_EQ(s.betweenness[v], 0.0) << v;
}

TEST(CommunityGraph, BetweennessPastTheWorkCapIsNaN) {
  const std::vector<LocalEdge> edges = {{0, 1, 1.0}, {1, 2, 1.0}};
  const auto s = analyse_subgraph(3, edges, 5);  // 3 vertices x 2 edges = 6 > 5
  ASSERT_EQ(s.betweenness.size(), 3u);
  for (const double b : s.betweenness) EXPECT_TRUE(std::isnan(b));
  EXPECT_EQ(s.coreness, (std::vector<std::uint32_t>{1, 1, 1}));
}

}  // namespace
}  // namespace coordnet
