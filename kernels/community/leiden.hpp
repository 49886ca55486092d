// Distributed community detection (DESIGN.md §2 "Community detection"; docs/algorithms.md §4).
//
// What it computes: a partition of the vertices of an undirected weighted graph that maximises
// modularity (resolution gamma) or CPM, with every community connected: Louvain-style local
// moving in synchronous sub-rounds, Leiden's refinement and aggregation, level after level
// (multilevel.hpp). Communities are numbered 0, 1, ... by their smallest vertex id. The result
// is identical at every rank count: weights are fixed-point integers, ties are broken by id,
// and every decision depends only on the state at the start of a sub-round.
//
// Input layout: rank r holds the vertices [first_vertex_by_rank[r], first_vertex_by_rank[r+1])
// (all vertices exist, isolated ones become singleton communities) and any share of the
// edges; the labels come back in the same block layout.
//
// Collective: every rank calls cluster_graph once.
#pragma once

#include <span>
#include <vector>

#include "core/comm.hpp"
#include "kernels/community/cluster_types.hpp"

namespace coordnet {

struct ClusterInput {
  std::vector<std::uint64_t> first_vertex_by_rank;  // size p + 1
  std::span<const WeightedEdge> edges;              // endpoints < first_vertex_by_rank[p]
};

struct ClusterResult {
  std::vector<std::uint64_t> community;                     // per vertex of this rank's block
  std::vector<std::vector<std::uint64_t>> level_community;  // the same at every level
  std::vector<LevelQuality> levels;
  std::uint64_t n_communities = 0;
  std::uint64_t first_community = 0;          // this rank's slice of the communities
  std::vector<std::uint64_t> community_size;  // vertices of communities first_community, ...
  double modularity = 0;                      // the kernel's own figure for the result
  double modularity_recomputed = 0;           // recomputed from the input edges and labels
};

ClusterResult cluster_graph(const ClusterInput& input, const ClusterConfig& config,
                            const Comm& comm);

// Vertex blocks for n vertices over p ranks (rank r: [r*n/p, (r+1)*n/p)).
std::vector<std::uint64_t> even_blocks(std::uint64_t n, int n_ranks);

}  // namespace coordnet
