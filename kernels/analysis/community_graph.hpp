// Structure of one community's subgraph, computed with Boost.Graph on the owner rank:
// k-core numbers (Batagelj-Zaversnik, boost::core_numbers, unweighted), connected components,
// weighted degree (strength) and, where affordable, betweenness (Brandes,
// boost::brandes_betweenness_centrality, unweighted hops) normalised to [0, 1] by
// (n - 1)(n - 2) / 2 pairs. Betweenness costs O(n m): it is computed only when
// n * m <= max_betweenness_work and is NaN otherwise (a 50k-account community with 10^6 edges
// gets strength and coreness only).
//
// Serial: called by the rank that owns the community. The result depends only on n and the
// edge list in the order given, so sorted edges give the same figures at every rank count.
#pragma once

#include <cstdint>
#include <vector>

namespace coordnet {

struct LocalEdge {
  std::uint32_t u;
  std::uint32_t v;
  double weight;
};

struct SubgraphStructure {
  std::vector<std::uint32_t> coreness;
  std::vector<double> strength;
  std::vector<double> betweenness;
  std::uint32_t n_components = 0;
};

inline constexpr std::uint64_t kDefaultBetweennessWork = 50'000'000;

SubgraphStructure analyse_subgraph(std::uint32_t n_vertices, const std::vector<LocalEdge>& edges,
                                   std::uint64_t max_betweenness_work = kDefaultBetweennessWork);

}  // namespace coordnet
