#include "kernels/community/community_state.hpp"

#include <algorithm>

#include "core/exchange.hpp"
#include "kernels/community/owner_queries.hpp"

namespace coordnet {

namespace {

struct TotalsDelta {
  VertexId community;
  CommunityTotals delta;
};

void add(CommunityTotals& to, const CommunityTotals& d) {
  to.sigma += d.sigma;
  to.nodes += d.nodes;
  to.members += d.members;
}

}  // namespace

CommunityState::CommunityState(const LevelGraph& graph, const Comm& comm)
    : graph_(graph),
      comm_(comm),
      label_(graph.initial_label.begin(), graph.initial_label.end()),
      cache_slot_(graph.n_slots()),
      owned_(graph.n_owned()),
      words_per_vertex_((static_cast<std::size_t>(comm.size()) + 63) / 64),
      subscribers_(graph.n_owned() * words_per_vertex_, 0),
      is_changed_(graph.n_owned(), 0),
      cache_slot_of_owned_(graph.n_owned(), IdMap::kMissing),
      move_records_(comm.size()),
      updates_(comm.size()) {
  // Each owned vertex adds itself to its community's totals: here when this rank owns the
  // community (every vertex at level 0, where each is its own), else at the owner.
  std::vector<TotalsDelta> contributions;
  std::vector<int> owners;
  for (std::size_t v = 0; v < graph.n_owned(); ++v) {
    const CommunityTotals self{graph.degree[v], graph.node_weight[v], 1};
    const auto owner = owner_of_vertex(label_[v], comm.size());
    if (owner == comm.rank()) {
      add(owned_[graph.owned_index.find(label_[v])], self);
    } else {
      contributions.push_back({label_[v], self});
      owners.push_back(owner);
    }
  }
  const auto received = send_to_ranks<TotalsDelta>(contributions, owners, comm);
  for (const auto& d : received.data) add(owned_[graph.owned_index.find(d.community)], d.delta);
  if (!label_.empty()) {
    // About one community per slot to begin with, named by ids within the labels' range.
    const auto [lowest, highest] = std::minmax_element(label_.begin(), label_.end());
    cache_index_ = IdMap::for_range(*lowest, *highest, label_.size());
  }
  for (std::size_t s = 0; s < graph.n_slots(); ++s) cache_slot_[s] = cache_slot_of(label_[s]);
  // When every vertex starts alone (level 0), a rank caches the communities of its own vertices
  // and of its ghosts, whose totals the level build fetched with their labels, and the
  // subscribers of an owned vertex's community are this rank and its holders: no round trip.
  bool alone = true;
  for (std::size_t v = 0; v < graph.n_owned(); ++v) alone = alone && label_[v] == graph.ids[v];
  if (comm.allreduce<std::uint64_t>(alone ? 0 : 1, ReduceOp::sum) != 0) {
    subscribe_and_push();
    return;
  }
  const auto self = static_cast<std::size_t>(comm.rank());
  for (std::size_t v = 0; v < graph.n_owned(); ++v) {
    cache_[cache_slot_[v]].totals = owned_[v];
    auto* bits = &subscribers_[v * words_per_vertex_];
    bits[self / 64] |= std::uint64_t{1} << (self % 64);
    for (auto h = graph.holder_offsets[v]; h < graph.holder_offsets[v + 1]; ++h) {
      const auto holder = static_cast<std::size_t>(graph.holder_ranks[h]);
      bits[holder / 64] |= std::uint64_t{1} << (holder % 64);
    }
  }
  for (std::size_t g = 0; g < graph.ghost_ids.size(); ++g)
    cache_[cache_slot_[graph.n_owned() + g]].totals = {graph.ghost_degree[g],
                                                       graph.ghost_node_weight[g], 1};
  pending_.clear();
}

std::uint32_t CommunityState::cache_slot_of(VertexId community) {
  const auto next = static_cast<std::uint32_t>(cache_.size());
  const auto c = cache_index_.insert(community, next);
  if (c == next) {
    cache_.push_back({{}, community});
    pending_.push_back(community);
    const auto owned = owner_of_vertex(community, comm_.size()) == comm_.rank()
                           ? graph_.owned_index.find(community)
                           : IdMap::kMissing;
    owned_slot_of_cached_.push_back(owned);
    if (owned != IdMap::kMissing) cache_slot_of_owned_[owned] = c;
  }
  return c;
}

void CommunityState::add_to_owned(std::uint32_t v, const CommunityTotals& delta) {
  add(owned_[v], delta);
  if (!is_changed_[v]) {
    is_changed_[v] = 1;
    changed_.push_back(v);
  }
}

std::vector<std::uint32_t> CommunityState::send_moves(std::span<const Move> moves) {
  auto& records = move_records_;
  const auto p = comm_.size();
  const auto id32 = [](VertexId id) { return static_cast<std::uint32_t>(id); };
  for (const auto& m : moves) {
    const auto degree = graph_.degree[m.vertex];
    const auto node_weight = graph_.node_weight[m.vertex];
    const auto from_owned = owned_slot_of_cached_[cache_slot_[m.vertex]];
    if (from_owned != IdMap::kMissing) {
      add_to_owned(from_owned, {-degree, -node_weight, -1});
    } else {
      const auto from = label_[m.vertex];
      records.add(owner_of_vertex(from, p), {id32(from), MoveRecord::kLeave, degree, node_weight});
    }
    const auto to_owned = owned_slot_of_cached_[m.cache_slot];
    const auto to_owner = owner_of_vertex(m.to, p);
    if (to_owned != IdMap::kMissing) {
      add_to_owned(to_owned, {degree, node_weight, 1});
    } else {
      records.add(to_owner, {id32(m.to), MoveRecord::kJoin, degree, node_weight});
    }
    for (auto h = graph_.holder_offsets[m.vertex]; h < graph_.holder_offsets[m.vertex + 1]; ++h) {
      const auto holder = graph_.holder_ranks[h];
      records.add(holder, {id32(graph_.ids[m.vertex]), MoveRecord::kLabel,
                           static_cast<std::int64_t>(m.to), 0});
      if (to_owned != IdMap::kMissing) {
        const auto bit = static_cast<std::size_t>(holder);
        subscribers_[to_owned * words_per_vertex_ + bit / 64] |= std::uint64_t{1} << (bit % 64);
      } else {
        records.add(to_owner, {id32(m.to), MoveRecord::kSubscribe, holder, 0});
      }
    }
  }
  const auto& received = records.send(comm_);
  std::vector<std::uint32_t> ghosts;
  // Each record is looked up in a map (owned vertices, or ghosts and then the cache): load the
  // maps' lines a few records ahead.
  constexpr std::size_t kAhead = IdMap::kPrefetchDistance;
  for (std::size_t i = 0; i < received.data.size(); ++i) {
    if (i + kAhead < received.data.size()) {
      const auto& ahead = received.data[i + kAhead];
      if (ahead.kind != MoveRecord::kLabel) {
        graph_.owned_index.prefetch(ahead.key);
      } else {
        graph_.ghost_index.prefetch(ahead.key);
        cache_index_.prefetch(static_cast<VertexId>(ahead.a));
      }
    }
    const auto& r = received.data[i];
    if (r.kind == MoveRecord::kLabel) {
      const auto ghost = graph_.ghost_index.find(r.key);
      const auto slot = static_cast<std::uint32_t>(graph_.n_owned() + ghost);
      label_[slot] = static_cast<VertexId>(r.a);
      cache_slot_[slot] = cache_slot_of(label_[slot]);
      ghosts.push_back(ghost);
      continue;
    }
    const auto v = graph_.owned_index.find(r.key);
    if (r.kind == MoveRecord::kSubscribe) {
      const auto h = static_cast<std::size_t>(r.a);
      subscribers_[v * words_per_vertex_ + h / 64] |= std::uint64_t{1} << (h % 64);
    } else if (r.kind == MoveRecord::kJoin) {
      add_to_owned(v, {r.a, r.b, 1});
    } else {
      add_to_owned(v, {-r.a, -r.b, -1});
    }
  }
  // The communities met here for the first time were subscribed by the movers, and they changed
  // (a vertex joined them): push_changed brings their totals.
  pending_.clear();
  return ghosts;
}

void CommunityState::subscribe_and_push() {
  // The communities this rank owns are subscribed to here and their totals copied: only the
  // others are asked for.
  std::vector<VertexId> remote;
  std::vector<int> owners;
  const auto self = static_cast<std::size_t>(comm_.rank());
  for (auto c : pending_) {
    const auto owner = owner_of_vertex(c, comm_.size());
    if (owner != comm_.rank()) {
      remote.push_back(c);
      owners.push_back(owner);
      continue;
    }
    const auto v = graph_.owned_index.find(c);
    subscribers_[v * words_per_vertex_ + self / 64] |= std::uint64_t{1} << (self % 64);
    if (!is_changed_[v]) cache_[cache_slot_of_owned_[v]].totals = owned_[v];
  }
  const auto requests = send_to_ranks<VertexId>(remote, owners, comm_);
  pending_.clear();
  std::size_t next = 0;
  for (std::size_t source = 0; source < requests.counts_by_source.size(); ++source) {
    for (std::uint64_t j = 0; j < requests.counts_by_source[source]; ++j) {
      const auto c = requests.data[next++];
      const auto v = graph_.owned_index.find(c);
      subscribers_[v * words_per_vertex_ + source / 64] |= std::uint64_t{1} << (source % 64);
      // A changed community goes to all its subscribers below, the new one included.
      if (!is_changed_[v]) updates_.add(static_cast<int>(source), {c, owned_[v]});
    }
  }
  push_changed();
}

void CommunityState::push_changed() {
  const auto self = comm_.rank();
  for (auto v : changed_) {
    is_changed_[v] = 0;
    for (std::size_t w = 0; w < words_per_vertex_; ++w) {
      for (auto bits = subscribers_[v * words_per_vertex_ + w]; bits != 0; bits &= bits - 1) {
        const auto subscriber = static_cast<int>(w * 64) + __builtin_ctzll(bits);
        if (subscriber == self) {
          cache_[cache_slot_of_owned_[v]].totals = owned_[v];
          continue;
        }
        updates_.add(subscriber, {graph_.ids[v], owned_[v]});
      }
    }
  }
  changed_.clear();
  const auto& data = updates_.send(comm_).data;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (i + IdMap::kPrefetchDistance < data.size())
      cache_index_.prefetch(data[i + IdMap::kPrefetchDistance].community);
    cache_[cache_index_.find(data[i].community)].totals = data[i].totals;
  }
}

}  // namespace coordnet
