// Refinement: Leiden's second phase, which splits every community into well-connected parts.
//
// What it computes: for every community S of the local-moving partition, a refined partition
// of S in which every part is connected (Traag, Waltman & van Eck 2019, "From Louvain to
// Leiden", Algorithm A.2 MergeNodesSubset, with a deterministic choice). Each vertex of S
// starts alone; vertices are visited in the order of hash(v, seed) (ties by id); a vertex that
// is still alone and well connected to S (k_{v,S-v} >= gamma k_v (sigma_S - k_v) / 2m for
// modularity, >= gamma n_v (n_S - n_v) for CPM) joins, among the well-connected parts T of S
// next to it whose merge gains (as MergeNodesSubset requires), the one it has the most edge
// weight to; ties: the part of more level-0 vertices, then the smaller id. A vertex only ever
// joins a part it has an edge to, so every part stays connected, and every merge raises the
// objective. Why not the largest gain (the limit theta -> 0): under modularity the gains of the
// parts a vertex has the same weight to differ only by gamma k_v sigma_T / 2m, a relative 1e-5 on
// a graph of 9M edges, so the largest gain is the *smallest* part linked, mostly another vertex
// still alone: on the 1M-vertex LFR benchmark that left 387k parts of 2.6 vertices (level 1
// barely coarser than level 0, 12.5M entries), against 62k parts and 3.9M entries with this rule,
// and a final modularity as high (docs/benchmarks.md, session 11). Leiden's own randomised
// choice (theta = 0.01) is near uniform over those parts for the same reason.
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
