// CommunityState: the community of every owned and ghost vertex of one level, and the totals
// of every community this rank needs, kept consistent across ranks between sub-rounds.
//
// A community is named by a vertex id of the level, and its totals (sum of degrees sigma, node
// weight, member count) live with the owner of that vertex, in flat arrays indexed by the
// owner's local slot: owners reduce the changes. Every rank keeps a cache of the totals of the
// communities its vertices and ghosts belong to (a cache slot per community; cache_slot(slot)
// is a flat array, so the moving loop never looks an id up). A rank that first meets a
// community subscribes to it at the owner; after each sub-round owners push the new totals of
// changed communities to their subscribers only, and movers send new labels only to the ranks
// that hold the moved vertex as a ghost. A rank meets a new community only through such a label
// (its own vertices move to communities it caches), so the mover subscribes the holders in the
// same message: two all-to-alls per sub-round. What a rank would send itself (the totals of the
// communities it owns, its own subscriptions to them and their new totals) it applies directly,
// through the owned slot of each cached community it owns and the cache slot of each owned
// community it caches: no message and no id look-up.
//
// Collective: the constructor and apply_moves are called by every rank in the same order.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/comm.hpp"
#include "core/huge_pages.hpp"
#include "kernels/community/id_map.hpp"
#include "kernels/community/level_graph.hpp"
#include "kernels/community/owner_queries.hpp"

namespace coordnet {

struct CommunityTotals {
  FixedWeight sigma = 0;     // sum of member degrees
  std::int64_t nodes = 0;    // sum of member node weights
  std::int64_t members = 0;  // member vertices of this level
};

struct CommunityUpdate {
  VertexId community;
  CommunityTotals totals;
};

struct Move {
  std::uint32_t vertex;      // owned slot
  std::uint32_t cache_slot;  // the new community's cache slot (the mover read it there)
  VertexId to;               // new community
};

class CommunityState {
 public:
  // Starts from graph.initial_label: totals reduced at the owners, caches subscribed (with no
  // message when every vertex starts alone).
  CommunityState(const LevelGraph& graph, const Comm& comm);

  VertexId label(std::uint32_t slot) const noexcept { return label_[slot]; }
  std::uint32_t cache_slot(std::uint32_t slot) const noexcept { return cache_slot_[slot]; }
  const std::uint32_t* cache_slots() const noexcept { return cache_slot_.data(); }
  VertexId cached_id(std::uint32_t c) const noexcept { return cache_[c].id; }
  const CommunityTotals& cached(std::uint32_t c) const noexcept { return cache_[c].totals; }
  std::size_t cache_size() const noexcept { return cache_.size(); }
  // Starts loading the cache entry of community c (the moving loop reads it a few steps later).
  void prefetch_cached(std::uint32_t c) const noexcept { __builtin_prefetch(&cache_[c]); }
  // Starts loading the cache slot of a vertex slot.
  void prefetch_cache_slot(std::uint32_t slot) const noexcept {
    __builtin_prefetch(&cache_slot_[slot]);
  }
  // Totals of the community named by owned vertex v (members == 0: no such community).
  const CommunityTotals& owned_totals(std::size_t v) const noexcept { return owned_[v]; }
  std::span<const VertexId> owned_labels() const noexcept {
    return {label_.data(), graph_.n_owned()};
  }

  // Applies every rank's moves; activate(owned slot, on) is called for each owned vertex next
  // to a moved vertex (on any rank), `on` when its community, once every move is applied, is not
  // the one the moved vertex joined (a flag, not a branch: it is a coin toss per neighbour).
  template <class Activate>
  void apply_moves(std::span<const Move> moves, Activate&& activate);

 private:
  std::uint32_t cache_slot_of(VertexId community);
  // Adds a change of the totals of owned community v (pushed to its subscribers after the
  // sub-round).
  void add_to_owned(std::uint32_t v, const CommunityTotals& delta);
  // One all-to-all: total deltas to the owners of the old and new communities, new labels to
  // the ghost holders and the holders' subscriptions to the owner of the new community. Returns
  // the ghosts whose label changed here.
  std::vector<std::uint32_t> send_moves(std::span<const Move> moves);
  // Two all-to-alls: subscriptions for the communities in pending_, then the totals of those
  // and of every changed community to its subscribers.
  void subscribe_and_push();
  // One all-to-all: the totals of every changed community to its subscribers (and whatever
  // updates_ already holds).
  void push_changed();

  const LevelGraph& graph_;
  const Comm& comm_;
  // The arrays local moving reads or writes at random are on huge pages (core/huge_pages.hpp).
  HugePageVector<VertexId> label_;
  HugePageVector<std::uint32_t> cache_slot_;
  IdMap cache_index_;
  // A cached community's totals and id side by side: one cache line per community.
  struct alignas(32) CachedCommunity {
    CommunityTotals totals;
    VertexId id;
  };
  HugePageVector<CachedCommunity> cache_;
  // Communities met since the last subscription round (the constructor's; afterwards movers
  // subscribe the ghost holders, and send_moves drops what a label update added here).
  std::vector<VertexId> pending_;
  HugePageVector<CommunityTotals> owned_;
  std::size_t words_per_vertex_;
  HugePageVector<std::uint64_t> subscribers_;  // bit r of owned vertex v: rank r caches v
  std::vector<std::uint32_t> changed_;
  HugePageVector<std::uint8_t> is_changed_;
  // Per cache slot: the community's owned slot when this rank owns it, else IdMap::kMissing.
  HugePageVector<std::uint32_t> owned_slot_of_cached_;
  // Per owned vertex: the cache slot of the community it names when this rank caches it, else
  // IdMap::kMissing.
  HugePageVector<std::uint32_t> cache_slot_of_owned_;
  // The sub-rounds' messages, whose buffers are kept from sub-round to sub-round. A move record
  // tells the owner of community `key` that a vertex of degree `a` and node weight `b` left it
  // (kLeave) or joined it (kJoin), or that rank `a` subscribes to it (kSubscribe); or a ghost
  // holder the new label `a` of vertex `key` (kLabel). Ids are below 2^32 (kMaxVertices): 24
  // bytes a record.
  struct MoveRecord {
    enum Kind : std::uint32_t { kLeave, kJoin, kSubscribe, kLabel };
    std::uint32_t key;
    Kind kind;
    std::int64_t a;
    std::int64_t b;
  };
  RankBuffers<MoveRecord> move_records_;
  RankBuffers<CommunityUpdate> updates_;
};

template <class Activate>
void CommunityState::apply_moves(std::span<const Move> moves, Activate&& activate) {
  const auto changed_ghosts = send_moves(moves);
  const auto n = graph_.n_owned();
  for (const auto& m : moves) {
    label_[m.vertex] = m.to;
    cache_slot_[m.vertex] = m.cache_slot;
  }
  // The rows of the moved vertices and changed ghosts are scattered: each row's bounds are
  // loaded kRowsAhead rows ahead, its first entries half as far ahead, and the neighbours' cache
  // slots (random accesses) kEntriesAhead entries ahead. The arrays are read through local
  // pointers: activate's byte stores could alias the vectors' own fields, which the compiler
  // would otherwise load again after every store.
  constexpr std::size_t kRowsAhead = 8;
  constexpr std::size_t kEntriesAhead = 8;
  const auto* offsets = graph_.offsets.data();
  const auto* targets = graph_.targets.data();
  const auto* owned_in_row = graph_.owned_in_row.data();
  const auto* slot_of = cache_slot_.data();
  for (std::size_t k = 0; k < moves.size(); ++k) {
    if (k + kRowsAhead < moves.size()) {
      __builtin_prefetch(&offsets[moves[k + kRowsAhead].vertex]);
      __builtin_prefetch(&owned_in_row[moves[k + kRowsAhead].vertex]);
    }
    if (k + kRowsAhead / 2 < moves.size())
      __builtin_prefetch(targets + offsets[moves[k + kRowsAhead / 2].vertex]);
    const auto& m = moves[k];
    // The owned part of the row (its ghosts are activated by their holders).
    const auto end = offsets[m.vertex] + owned_in_row[m.vertex];
    for (auto e = offsets[m.vertex]; e < end; ++e) {
      if (e + kEntriesAhead < end) __builtin_prefetch(&slot_of[targets[e + kEntriesAhead]]);
      const auto u = targets[e];
      activate(u, slot_of[u] != m.cache_slot);
    }
  }
  const auto* ghost_offsets = graph_.ghost_offsets.data();
  const auto* ghost_neighbours = graph_.ghost_neighbours.data();
  for (std::size_t k = 0; k < changed_ghosts.size(); ++k) {
    if (k + kRowsAhead < changed_ghosts.size())
      __builtin_prefetch(&ghost_offsets[changed_ghosts[k + kRowsAhead]]);
    if (k + kRowsAhead / 2 < changed_ghosts.size())
      __builtin_prefetch(ghost_neighbours + ghost_offsets[changed_ghosts[k + kRowsAhead / 2]]);
    const auto ghost = changed_ghosts[k];
    const auto community = slot_of[n + ghost];
    const auto end = ghost_offsets[ghost + 1];
    for (auto e = ghost_offsets[ghost]; e < end; ++e) {
      if (e + kEntriesAhead < end)
        __builtin_prefetch(&slot_of[ghost_neighbours[e + kEntriesAhead]]);
      const auto u = ghost_neighbours[e];
      activate(u, slot_of[u] != community);
    }
  }
  push_changed();
}

}  // namespace coordnet
