// The serial community references on graphs whose answers are worked out by hand.
#include <gtest/gtest.h>

#include "kernels/reference/community_reference.hpp"

namespace coordnet::reference {
namespace {

// Two triangles 0-1-2 and 3-4-5 joined by the edge 2-3: m = 7, degrees 2,2,3,3,2,2.
const std::vector<Edge> kTwoTriangles = {{0, 1, 1}, {1, 2, 1}, {0, 2, 1}, {3, 4, 1},
                                         {4, 5, 1}, {3, 5, 1}, {2, 3, 1}};

TEST(CommunityReference, ModularityOfTwoTriangles) {
  // Each side: in = 6, sigma = 7: Q = 2 * (6/14 - (7/14)^2) = 12/14 - 1/2.
  EXPECT_NEAR(modularity(6, kTwoTriangles, {0, 0, 0, 1, 1, 1}), 12.0 / 14 - 0.5, 1e-15);
  EXPECT_NEAR(modularity(6, kTwoTriangles, {0, 0, 0, 0, 0, 0}), 0.0, 1e-15);
  // Resolution 2 doubles the penalty: 12/14 - 1.
  EXPECT_NEAR(modularity(6, kTwoTriangles, {0, 0, 0, 1, 1, 1}, 2.0), 12.0 / 14 - 1, 1e-15);
}

TEST(CommunityReference, SelfLoopCountsTwiceInDegreeAndInside) {
  // One edge 0-1 and a loop of weight 1 at 0: m2 = 4; all together Q = 4/4 - 1 = 0.
  EXPECT_NEAR(modularity(2, {{0, 1, 1}, {0, 0, 1}}, {0, 0}), 0.0, 1e-15);
  // Apart: in_0 = 2, sigma_0 = 3, sigma_1 = 1: 2/4 - 9/16 - 1/16.
  EXPECT_NEAR(modularity(2, {{0, 1, 1}, {0, 0, 1}}, {0, 1}), 0.5 - 10.0 / 16, 1e-15);
}

TEST(CommunityReference, CountsDisconnectedCommunities) {
  EXPECT_EQ(count_disconnected_communities(6, kTwoTriangles, {0, 0, 0, 1, 1, 1}), 0U);
  // {0, 4} has no edge inside; {1, 2, 3, 5}: 1-2, 2-3, 3-5 connect it.
  EXPECT_EQ(count_disconnected_communities(6, kTwoTriangles, {0, 1, 1, 1, 0, 1}), 1U);
  EXPECT_EQ(count_disconnected_communities(6, kTwoTriangles, {0, 1, 0, 1, 0, 1}), 2U);
}

TEST(CommunityReference, ExhaustiveSearchFindsTheTwoTriangles) {
  EXPECT_NEAR(best_modularity_exhaustive(6, kTwoTriangles), 12.0 / 14 - 0.5, 1e-15);
}

}  // namespace
}  // namespace coordnet::reference
