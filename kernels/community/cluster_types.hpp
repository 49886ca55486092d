// Shared vocabulary of the community-detection kernel (DESIGN.md §2, "Community detection").
//
// Vertex ids are 64-bit integers below kMaxVertices. At level 0 they are the input's vertex
// indexes; a coarse vertex takes the smallest level-0 id it contains, so ids at every level are
// level-0 ids and the owner of a vertex, owner_of_vertex(id), is the same function at every level
// (a hash partition, which balances ids that arrive sorted by community). Edge weights are
// fixed-point integers (weight * kWeightScale, rounded): sums are exact, so every reduction gives
// the same value in any order and at any rank count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "core/hash.hpp"

namespace coordnet {

using VertexId = std::uint64_t;
using FixedWeight = std::int64_t;

inline constexpr double kWeightScale = 65536.0;

// The most vertices a graph may have: arcs hold 32-bit ids (level_graph.hpp), as the pipeline's
// pairs hold 32-bit account indexes.
inline constexpr std::uint64_t kMaxVertices = std::uint64_t{1} << 32;

enum class Objective { modularity, cpm };

struct ClusterConfig {
  Objective objective = Objective::modularity;
  double resolution = 1.0;
  std::uint64_t seed = 1;
  int max_levels = 32;
  int max_iterations = 20;  // local-moving rounds per level
  int sub_rounds = 8;       // a vertex moves in sub-round hash(v, seed, round) mod sub_rounds
  // A level stops when a round moves fewer than this fraction of its vertices; the fraction
  // shrinks 10x per level (threshold scaling) down to min_tolerance.
  double tolerance = 1e-2;
  double min_tolerance = 1e-6;
  // A coarse graph with at most this many vertices + adjacency entries is gathered on rank 0
  // and finished there; the rest of the algorithm is the same code on a one-rank communicator,
  // with local moving one vertex at a time (at every rank count, 1 included).
  std::uint64_t gather_below = std::uint64_t{1} << 20;
};

// One undirected input edge; src == dst is a self-loop.
struct WeightedEdge {
  VertexId src;
  VertexId dst;
  FixedWeight weight;
};

FixedWeight to_fixed_weight(double weight);

inline std::uint64_t mix_vertex(VertexId v) noexcept {
  v ^= v >> 30;
  v *= 0xbf58476d1ce4e5b9ULL;
  v ^= v >> 27;
  v *= 0x94d049bb133111ebULL;
  return v ^ (v >> 31);
}

inline int owner_of_vertex(VertexId v, int n_ranks) noexcept {
  return owner_of_hash(mix_vertex(v), n_ranks);
}

// The rank holding vertex v when ranks hold contiguous blocks: rank r holds
// [first_by_rank[r], first_by_rank[r + 1]) (the layout of the input and of the output labels).
inline int owner_in_blocks(VertexId v, std::span<const std::uint64_t> first_by_rank) noexcept {
  return static_cast<int>(std::upper_bound(first_by_rank.begin(), first_by_rank.end(), v) -
                          first_by_rank.begin()) -
         1;
}

// Modularity and the optimised objective of one partition, and how it was reached.
struct LevelQuality {
  double modularity = 0;  // Newman-Girvan modularity, resolution 1
  double objective = 0;   // the optimised objective (modularity at the configured resolution, CPM)
  std::uint64_t n_vertices = 0;     // vertices of the level's graph
  std::uint64_t n_communities = 0;  // communities after local moving
  std::uint64_t iterations = 0;     // local-moving rounds
  std::uint64_t moves = 0;          // vertex moves over all rounds
};

}  // namespace coordnet
