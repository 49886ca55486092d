// The multilevel loop: local moving, refinement and aggregation, level after level.
//
// Level l: local moving from the level's starting partition (singletons at level 0, afterwards
// the communities found one level down); the partition is recorded (mapped onto the vertices of
// the starting graph) with its quality; refinement splits it into connected parts; the parts
// become the vertices of level l + 1. The loop ends when every community is a single vertex
// (all communities are then refined parts, hence connected), or when refinement merged nothing.
// After max_levels levels with local moving, one more level reports the refined partition
// itself (starting alone, no moving), so the result is connected in that case too.
//
// Once the whole graph of a level has at most gather_below vertices + adjacency entries, it is
// sent to rank 0, which finishes with the same code on a one-rank communicator and broadcasts
// the labels of the gathered vertices per level (at most gather_below values per level). Such a
// level (at any rank count, 1 included) moves vertices one at a time (MoveSchedule::sequential).
//
// Collective: every rank calls run_levels with its part of the same graph.
#pragma once

#include <vector>

#include "core/comm.hpp"
#include "kernels/community/cluster_types.hpp"
#include "kernels/community/level_graph.hpp"

namespace coordnet {

struct LevelsOutcome {
  std::vector<LevelQuality> quality;
  // labels[l][i]: community at level first_level + l of owned vertex i of the starting graph.
  std::vector<std::vector<VertexId>> labels;
};

LevelsOutcome run_levels(LevelGraph graph, const ClusterConfig& config, int first_level,
                         const Comm& comm);

}  // namespace coordnet
