// Refinement: Leiden's second phase, which splits every community into well-connected parts.
//
// What it computes: for every community S of the local-moving partition, a refined partition
// of S in which every part is connected (Traag, Waltman & van Eck 2019, "From Louvain to
// Leiden", Algorithm A.2 MergeNodesSubset, with the greedy choice theta -> 0). Each vertex of S
// starts alone; vertices are visited in the order of hash(v, seed) (ties by id); a vertex that
// is still alone and well connected to S (k_{v,S-v} >= gamma k_v (sigma_S - k_v) / 2m for
// modularity, >= gamma n_v (n_S - n_v) for CPM) joins the well-connected part T of S next to
// it with the largest positive gain (ties: the part with the smaller id). A vertex only ever
// joins a part it has an edge to, so every part stays connected.
//
// How: every vertex and its arcs inside its community are sent to the owner of the community,
// so each community is whole on one rank and is refined there without communication; the
// results are sent back. A part is named by its smallest vertex id (the coarse vertex of the
// next level); next_label names the whole community S by its smallest vertex id, which is the
// community the coarse vertices of S start in at the next level.
//
// Collective: every rank calls refine_communities with its part of the same level.
#pragma once

#include <vector>

#include "core/comm.hpp"
#include "kernels/community/cluster_types.hpp"
#include "kernels/community/community_state.hpp"
#include "kernels/community/level_graph.hpp"

namespace coordnet {

struct Refinement {
  std::vector<VertexId> part;        // per owned vertex: its refined part (smallest member id)
  std::vector<VertexId> next_label;  // per owned vertex: its community (smallest member id)
};

Refinement refine_communities(const LevelGraph& graph, const CommunityState& state,
                              const ClusterConfig& config, const Comm& comm);

}  // namespace coordnet
