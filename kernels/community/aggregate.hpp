// Aggregation: the graph of the next level, one vertex per refined part.
//
// What it computes: coarse vertex P (named by its smallest member id) with node weight the sum
// of its members', arcs P -> Q with the summed weight of all arcs between their members, and a
// self-loop holding every arc inside P plus the members' own loops, so degrees and 2m are
// preserved. Each coarse vertex starts in the community its members were in (next_label), or
// alone when `start_alone` (the last level, which reports the refined partition itself).
//
// How (sort-and-reduce): parts of ghosts come from their owners; each rank groups its owned
// vertices by part, sums their arcs per target part in a flat array (one arc per pair of parts
// leaves the rank), and build_level_graph sends the arcs to the owner of the coarse vertex,
// which merges the parallel ones.
//
// Collective: every rank calls aggregate_level with its part of the same level.
#pragma once

#include "core/comm.hpp"
#include "kernels/community/level_graph.hpp"
#include "kernels/community/refine.hpp"

namespace coordnet {

LevelGraph aggregate_level(const LevelGraph& graph, const Refinement& refinement, bool start_alone,
                           const Comm& comm);

}  // namespace coordnet
