// Quality of a partition: Newman-Girvan modularity (resolution 1) and the optimised objective.
//
// Q = internal / 2m - gamma * sum_c sigma_c^2 / (2m)^2, where internal sums A_uv over ordered
// pairs inside a community (self-loops included) and sigma_c sums the members' degrees. CPM:
// sum_c (e_c - gamma * n_c (n_c - 1) / 2), e_c the weight of the edges inside c, in input units.
// The sums are exact integers (128-bit where squares need it) reduced in rank order, so the
// figures are the same at every rank count.
//
// level_quality reads the kernel's own state (the figure the algorithm reports);
// recompute_modularity starts again from the input edges and the final labels, as a check.
// Both are collective.
#pragma once

#include <span>

#include "core/comm.hpp"
#include "kernels/community/cluster_types.hpp"
#include "kernels/community/community_state.hpp"
#include "kernels/community/level_graph.hpp"

namespace coordnet {

LevelQuality level_quality(const LevelGraph& graph, const CommunityState& state,
                           const ClusterConfig& config, const Comm& comm);

// labels[i]: community of vertex first_vertex + i; first_vertex_by_rank (size p + 1) says which
// rank holds the label of a vertex. Edges may be on any rank; resolution 1.
double recompute_modularity(std::span<const WeightedEdge> edges, std::span<const VertexId> labels,
                            std::span<const std::uint64_t> first_vertex_by_rank, const Comm& comm);

}  // namespace coordnet
