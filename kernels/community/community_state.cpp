#include "kernels/community/community_state.hpp"

#include "core/exchange.hpp"
#include "kernels/community/owner_queries.hpp"

namespace coordnet {

namespace {

struct TotalsDelta {
  VertexId community;
  CommunityTotals delta;
};

struct LabelUpdate {
  VertexId vertex;
  VertexId label;
};

struct CommunityUpdate {
  VertexId community;
  CommunityTotals totals;
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
      label_(graph.initial_label),
      cache_slot_(graph.n_slots()),
      owned_(graph.n_owned()),
      words_per_vertex_((static_cast<std::size_t>(comm.size()) + 63) / 64),
      subscribers_(graph.n_owned() * words_per_vertex_, 0),
      is_changed_(graph.n_owned(), 0) {
  std::vector<TotalsDelta> contributions;
  contributions.reserve(graph.n_owned());
  for (std::size_t v = 0; v < graph.n_owned(); ++v) {
    contributions.push_back({label_[v], {graph.degree[v], graph.node_weight[v], 1}});
  }
  const auto received = exchange_by_owner(
      contributions,
      [&](const TotalsDelta& d) { return owner_of_vertex(d.community, comm.size()); }, comm);
  for (const auto& d : received.data) add(owned_[graph.owned_index.find(d.community)], d.delta);
  for (std::size_t s = 0; s < graph.n_slots(); ++s) cache_slot_[s] = cache_slot_of(label_[s]);
  subscribe_pending();
}

std::uint32_t CommunityState::cache_slot_of(VertexId community) {
  const auto next = static_cast<std::uint32_t>(cache_id_.size());
  const auto c = cache_index_.insert(community, next);
  if (c == next) {
    cache_id_.push_back(community);
    cache_.push_back({});
    pending_.push_back(community);
  }
  return c;
}

void CommunityState::send_deltas(std::span<const Move> moves) {
  std::vector<TotalsDelta> deltas;
  deltas.reserve(2 * moves.size());
  for (const auto& m : moves) {
    const CommunityTotals leaving{-graph_.degree[m.vertex], -graph_.node_weight[m.vertex], -1};
    deltas.push_back({label_[m.vertex], leaving});
    deltas.push_back({m.to, {-leaving.sigma, -leaving.nodes, 1}});
  }
  const auto received = exchange_by_owner(
      deltas, [&](const TotalsDelta& d) { return owner_of_vertex(d.community, comm_.size()); },
      comm_);
  for (const auto& d : received.data) {
    const auto v = graph_.owned_index.find(d.community);
    add(owned_[v], d.delta);
    if (!is_changed_[v]) {
      is_changed_[v] = 1;
      changed_.push_back(v);
    }
  }
}

// Sends the new labels to the ghost holders; returns the ghosts whose label changed here.
std::vector<std::uint32_t> CommunityState::send_labels(std::span<const Move> moves) {
  std::vector<LabelUpdate> updates;
  std::vector<int> dest;
  for (const auto& m : moves) {
    for (auto h = graph_.holder_offsets[m.vertex]; h < graph_.holder_offsets[m.vertex + 1]; ++h) {
      updates.push_back({graph_.ids[m.vertex], m.to});
      dest.push_back(graph_.holder_ranks[h]);
    }
  }
  const auto received = send_to_ranks<LabelUpdate>(updates, dest, comm_);
  std::vector<std::uint32_t> ghosts;
  ghosts.reserve(received.data.size());
  for (const auto& u : received.data) {
    const auto ghost = graph_.ghost_index.find(u.vertex);
    const auto slot = static_cast<std::uint32_t>(graph_.n_owned() + ghost);
    label_[slot] = u.label;
    cache_slot_[slot] = cache_slot_of(u.label);
    ghosts.push_back(ghost);
  }
  return ghosts;
}

void CommunityState::subscribe_pending() {
  const auto totals = ask_owners<CommunityTotals>(
      pending_, [&](VertexId c) { return owner_of_vertex(c, comm_.size()); },
      [&](VertexId c, int source) {
        const auto v = graph_.owned_index.find(c);
        subscribers_[v * words_per_vertex_ + static_cast<std::size_t>(source) / 64] |=
            std::uint64_t{1} << (source % 64);
        return owned_[v];
      },
      comm_);
  for (std::size_t i = 0; i < pending_.size(); ++i)
    cache_[cache_index_.find(pending_[i])] = totals[i];
  pending_.clear();
}

void CommunityState::push_changed() {
  std::vector<CommunityUpdate> updates;
  std::vector<int> dest;
  for (auto v : changed_) {
    is_changed_[v] = 0;
    for (std::size_t w = 0; w < words_per_vertex_; ++w) {
      for (auto bits = subscribers_[v * words_per_vertex_ + w]; bits != 0; bits &= bits - 1) {
        updates.push_back({graph_.ids[v], owned_[v]});
        dest.push_back(static_cast<int>(w * 64) + __builtin_ctzll(bits));
      }
    }
  }
  changed_.clear();
  const auto received = send_to_ranks<CommunityUpdate>(updates, dest, comm_);
  for (const auto& u : received.data) cache_[cache_index_.find(u.community)] = u.totals;
}

}  // namespace coordnet
