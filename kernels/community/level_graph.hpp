// LevelGraph: one rank's part of the graph of one level of the multilevel algorithm.
//
// A rank owns the vertices v with owner_of_vertex(v) == rank (sorted by id, local slots
// 0..n_owned-1) and all their adjacency (both directions of every undirected edge live with
// their source). Remote neighbours are ghosts: slots n_owned.. with their id in ghost_ids.
// Adjacency entries name slots, so the kernel's loops index flat arrays and never look up ids.
// Self-loops are kept apart in `loop` (A_vv: twice the weight of an input self-loop; for a
// coarse vertex the weight of all ordered pairs inside it), degree[v] = sum of A_vu over u.
//
// Per owned vertex the graph also knows which ranks hold it as a ghost (holders, so label
// changes go only to them), and per ghost which owned vertices are its neighbours (so a
// neighbour's move re-activates them).
//
// build_level_graph is collective: vertex records and arcs may be on any rank; they are sent to
// the owner of the vertex / of the arc's source (arcs come grouped by that owner) and reduced
// there (node weights and parallel arcs summed). Each arc must be given in both directions; a
// loop once.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/comm.hpp"
#include "kernels/community/cluster_types.hpp"
#include "kernels/community/id_map.hpp"

namespace coordnet {

struct VertexRecord {
  VertexId id;
  std::int64_t node_weight;  // level-0 vertices it stands for (CPM's n_v)
  VertexId label;            // initial community
};

// An arc between two vertex ids, which are below 2^32 at every level (a level's ids are level-0
// ids, and cluster_graph takes at most kMaxVertices vertices): 16 bytes, not 24, for the level
// graphs' largest messages and buffers.
struct Arc {
  std::uint32_t src;
  std::uint32_t dst;
  FixedWeight weight;
};

inline Arc make_arc(VertexId src, VertexId dst, FixedWeight weight) noexcept {
  return {static_cast<std::uint32_t>(src), static_cast<std::uint32_t>(dst), weight};
}

struct LevelGraph {
  std::vector<VertexId> ids;        // owned vertices, ascending
  std::vector<VertexId> ghost_ids;  // ghost g has slot ids.size() + g
  std::vector<std::int64_t> node_weight;
  std::vector<FixedWeight> degree;
  std::vector<FixedWeight> loop;
  std::vector<VertexId> initial_label;          // per slot, owned then ghosts
  std::vector<FixedWeight> ghost_degree;        // per ghost, from its owner
  std::vector<std::int64_t> ghost_node_weight;  // per ghost, from its owner
  std::vector<std::uint64_t> offsets;  // CSR of owned vertices: entries offsets[v]..offsets[v+1]
  std::vector<std::uint32_t> targets;  // slots
  std::vector<FixedWeight> weights;
  // Per owned vertex: its row's first owned_in_row[v] entries are owned vertices, the rest
  // ghosts (loops over a row's owned or ghost neighbours alone do not test each entry).
  std::vector<std::uint32_t> owned_in_row;
  std::vector<std::uint64_t> holder_offsets;  // per owned vertex: ranks holding it as a ghost
  std::vector<int> holder_ranks;
  std::vector<std::uint64_t> ghost_offsets;  // per ghost: owned neighbours (slots)
  std::vector<std::uint32_t> ghost_neighbours;
  IdMap owned_index;
  IdMap ghost_index;
  FixedWeight total_degree = 0;      // 2m: sum of degrees over all ranks
  std::uint64_t n_global = 0;        // vertices over all ranks
  std::uint64_t entries_global = 0;  // vertices + adjacency entries over all ranks

  std::size_t n_owned() const noexcept { return ids.size(); }
  std::size_t n_slots() const noexcept { return ids.size() + ghost_ids.size(); }
  VertexId id_of_slot(std::uint32_t slot) const noexcept {
    return slot < ids.size() ? ids[slot] : ghost_ids[slot - ids.size()];
  }
};

// Arcs grouped by the owner of their source: the first counts[0] go to rank 0, the next
// counts[1] to rank 1, and so on (callers generate them in this order: no regrouping copy).
struct ArcsByOwner {
  std::vector<Arc> arcs;
  std::vector<std::uint64_t> counts;  // per rank
};

LevelGraph build_level_graph(std::vector<VertexRecord> vertices, ArcsByOwner arcs,
                             const Comm& comm);

// Collective: the first level, whose vertices are the sources of the arcs (so the vertices of the
// input's non-zero edges), each of node weight 1 and alone in its community.
LevelGraph build_level_zero(ArcsByOwner arcs, const Comm& comm);

// Collective: the value of every ghost, from its owner's owned_values (one per owned vertex).
std::vector<VertexId> ghost_values(const LevelGraph& graph, std::span<const VertexId> owned_values,
                                   const Comm& comm);

// The graph's vertex records (with the given labels per owned vertex) and arcs, for moving it.
std::vector<VertexRecord> vertex_records(const LevelGraph& graph, std::span<const VertexId> labels);
std::vector<Arc> arc_records(const LevelGraph& graph);

}  // namespace coordnet
