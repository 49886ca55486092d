#include "kernels/community/refine.hpp"

#include <algorithm>
#include <span>
#include <utility>

#include "core/exchange.hpp"

namespace coordnet {

namespace {

// How many adjacency entries ahead the label loads start.
constexpr std::size_t kAhead = 8;
// How many members ahead the refinement starts loading a member's arcs.
constexpr std::size_t kMembersAhead = 4;
// How many vertices ahead the message's build starts loading a row.
constexpr std::size_t kRowsAhead = 16;

struct Member {
  VertexId community;
  VertexId vertex;
  FixedWeight degree;
  std::int64_t node_weight;
  std::uint64_t inner_arcs;  // its arcs inside the community, sent after it in the arc message
};

// An arc inside a community; its source is the member it is sent with. dst is the target's
// id, or, when the sender owns the target, kByIndex | the target's index among the members the
// sender sends to the same owner (the target shares the source's community, hence its owner):
// the owner finds that member without a look-up. Vertex ids stay below 2^63 (they are input
// indexes).
struct InnerArc {
  static constexpr VertexId kByIndex = VertexId{1} << 63;
  VertexId dst;
  FixedWeight weight;
};

struct PartReply {
  VertexId part;
  VertexId next_label;
};

// The members of all communities owned here, sorted by (community, vertex), with their arcs
// inside the community where they arrived: member k's arcs are arcs[first_arc[k] + j] for
// j < members[k].inner_arcs, their targets (member positions) neighbours[first_arc[k] + j].
struct CommunityBlock {
  std::vector<Member> members;
  std::vector<std::uint64_t> first_arc;
  std::vector<std::uint32_t> neighbours;
  std::span<const InnerArc> arcs;
};

// Positions (in (community, vertex) order) of the targets of the received inner arcs, in the
// order received: a target sent by index is found through the received position of the
// members of its sender, any other through a map of the members' ids (built only if needed; a
// flat array over their range when the ids are dense).
std::vector<std::uint32_t> arc_targets(const Received<Member>& members,
                                       const Received<InnerArc>& arcs,
                                       const std::vector<std::uint32_t>& sorted) {
  const auto& received = members.data;
  std::vector<std::uint32_t> position_of(received.size());
  for (std::size_t k = 0; k < sorted.size(); ++k)
    position_of[sorted[k]] = static_cast<std::uint32_t>(k);
  const bool any_by_id = std::any_of(arcs.data.begin(), arcs.data.end(), [](const InnerArc& a) {
    return (a.dst & InnerArc::kByIndex) == 0;
  });
  IdMap position;
  if (any_by_id) {
    const auto [lowest, highest] =
        std::minmax_element(received.begin(), received.end(),
                            [](const Member& a, const Member& b) { return a.vertex < b.vertex; });
    position = IdMap::for_range(lowest->vertex, highest->vertex, sorted.size());
    for (std::size_t k = 0; k < sorted.size(); ++k)
      position.insert(received[sorted[k]].vertex, static_cast<std::uint32_t>(k));
  }
  // First pass: the received position of the targets sent by index (the index plus where
  // their sender's members start), the map's answer for the others; second pass: positions.
  std::vector<std::uint32_t> target(arcs.data.size());
  std::size_t i = 0, first_member = 0;
  for (std::size_t source = 0; source < arcs.counts_by_source.size(); ++source) {
    const auto end = i + arcs.counts_by_source[source];
    for (; i < end; ++i) {
      const auto dst = arcs.data[i].dst;
      if ((dst & InnerArc::kByIndex) != 0) {
        target[i] = static_cast<std::uint32_t>(first_member + (dst & ~InnerArc::kByIndex));
        continue;
      }
      if (i + IdMap::kPrefetchDistance < arcs.data.size())
        position.prefetch(arcs.data[i + IdMap::kPrefetchDistance].dst);
      target[i] = position.find(dst);
    }
    first_member += members.counts_by_source[source];
  }
  for (std::size_t k = 0; k < target.size(); ++k) {
    if ((arcs.data[k].dst & InnerArc::kByIndex) == 0) continue;
    if (k + kAhead < target.size()) __builtin_prefetch(&position_of[target[k + kAhead]]);
    target[k] = position_of[target[k]];
  }
  return target;
}

// Positions of the received members once sorted by (community, vertex). They are counted by the
// owned slot of their community (owned ids ascend), stably, so each source's members of a
// community stay in the ascending order they were sent in; a community with members from several
// sources is then sorted by vertex.
std::vector<std::uint32_t> members_in_order(const std::vector<Member>& arrived,
                                            const LevelGraph& graph) {
  const auto n = graph.n_owned();
  std::vector<std::uint32_t> community_slot(arrived.size());
  std::vector<std::uint64_t> community_start(n + 1, 0);
  for (std::size_t i = 0; i < arrived.size(); ++i) {
    if (i + IdMap::kPrefetchDistance < arrived.size())
      graph.owned_index.prefetch(arrived[i + IdMap::kPrefetchDistance].community);
    community_slot[i] = graph.owned_index.find(arrived[i].community);
    ++community_start[community_slot[i] + 1];
  }
  for (std::size_t c = 0; c < n; ++c) community_start[c + 1] += community_start[c];
  std::vector<std::uint32_t> sorted(arrived.size());
  {
    std::vector<std::uint64_t> next(community_start.begin(), community_start.end() - 1);
    for (std::size_t i = 0; i < arrived.size(); ++i)
      sorted[next[community_slot[i]]++] = static_cast<std::uint32_t>(i);
  }
  const auto by_vertex = [&](std::uint32_t a, std::uint32_t b) {
    return arrived[a].vertex < arrived[b].vertex;
  };
  for (std::size_t c = 0; c < n; ++c) {
    const auto begin = sorted.begin() + static_cast<std::ptrdiff_t>(community_start[c]);
    const auto end = sorted.begin() + static_cast<std::ptrdiff_t>(community_start[c + 1]);
    if (!std::is_sorted(begin, end, by_vertex)) std::sort(begin, end, by_vertex);
  }
  return sorted;
}

// members: as they arrived, arcs: their inner arcs in the same order; sorted[k]: the received
// position of the k-th member in (community, vertex) order. The arcs stay where they arrived.
CommunityBlock assemble(const Received<Member>& members, const Received<InnerArc>& arcs,
                        const std::vector<std::uint32_t>& sorted) {
  const auto& received = members.data;
  std::vector<std::uint64_t> first_arc(received.size(), 0);
  for (std::size_t i = 1; i < received.size(); ++i)
    first_arc[i] = first_arc[i - 1] + received[i - 1].inner_arcs;
  CommunityBlock b;
  b.members.reserve(sorted.size());
  b.first_arc.reserve(sorted.size());
  for (auto i : sorted) {
    b.members.push_back(received[i]);
    b.first_arc.push_back(first_arc[i]);
  }
  b.neighbours = arc_targets(members, arcs, sorted);
  b.arcs = arcs.data;
  return b;
}

// Greedy MergeNodesSubset on the members [begin, end) of one community; part[i] is the
// position of the first member of i's part.
class CommunityRefiner {
 public:
  CommunityRefiner(const CommunityBlock& block, const ClusterConfig& config, double m2)
      : b_(block), config_(config), m2_(m2), cpm_resolution_(config.resolution * kWeightScale) {
    const auto n = block.members.size();
    part_.resize(n);
    sigma_.resize(n);
    nodes_.resize(n);
    size_.resize(n);
    external_.resize(n);
    weight_to_.assign(n, 0);
  }

  void refine(std::size_t begin, std::size_t end) {
    FixedWeight sigma_s = 0;
    std::int64_t nodes_s = 0;
    for (auto i = begin; i < end; ++i) {
      if (i + kMembersAhead < end) prefetch_arcs(i + kMembersAhead);
      const auto& m = b_.members[i];
      part_[i] = static_cast<std::uint32_t>(i);
      sigma_[i] = m.degree;
      nodes_[i] = m.node_weight;
      size_[i] = 1;
      FixedWeight inside = 0;
      for (auto e = b_.first_arc[i]; e < b_.first_arc[i] + m.inner_arcs; ++e)
        inside += b_.arcs[e].weight;
      external_[i] = inside;
      sigma_s += m.degree;
      nodes_s += m.node_weight;
    }
    // Visit order: (hash of the vertex, position), each hash computed once.
    order_.clear();
    for (auto i = begin; i < end; ++i)
      order_.push_back(
          {hash_combine(b_.members[i].vertex, config_.seed), static_cast<std::uint32_t>(i)});
    std::sort(order_.begin(), order_.end());
    for (std::size_t k = 0; k < order_.size(); ++k) {
      if (k + kMembersAhead < order_.size()) prefetch_arcs(order_[k + kMembersAhead].second);
      const auto i = order_[k].second;
      if (size_[part_[i]] == 1 &&
          well_connected(external_[i], sigma_[i], nodes_[i], sigma_s, nodes_s))
        merge_greedily(i, sigma_s, nodes_s);
    }
  }

  std::uint32_t part(std::size_t i) const { return part_[i]; }

 private:
  // Starts loading member i's arcs and their targets (a member's arcs lie where they arrived,
  // away from the previous member's): the loops above load them a few members ahead.
  void prefetch_arcs(std::size_t i) const {
    const auto first = b_.first_arc[i];
    const auto count = b_.members[i].inner_arcs;
    if (count == 0) return;
    __builtin_prefetch(&b_.arcs[first]);
    __builtin_prefetch(&b_.neighbours[first]);
    if (count > 4) __builtin_prefetch(&b_.arcs[first + 4]);
  }

  bool well_connected(FixedWeight external, FixedWeight sigma, std::int64_t nodes,
                      FixedWeight sigma_s, std::int64_t nodes_s) const {
    if (config_.objective == Objective::modularity) {
      return static_cast<double>(external) * m2_ >=
             config_.resolution * static_cast<double>(sigma) * static_cast<double>(sigma_s - sigma);
    }
    return static_cast<double>(external) >=
           cpm_resolution_ * static_cast<double>(nodes) * static_cast<double>(nodes_s - nodes);
  }

  void merge_greedily(std::uint32_t i, FixedWeight sigma_s, std::int64_t nodes_s) {
    const auto first = b_.first_arc[i];
    const auto count = b_.members[i].inner_arcs;
    if (touched_.size() < count) touched_.resize(count);
    // Each part is listed once, when first met: the list grows by a flag, not a branch.
    std::size_t listed = 0;
    for (auto e = first; e < first + count; ++e) {
      const auto t = part_[b_.neighbours[e]];
      touched_[listed] = t;
      listed += weight_to_[t] == 0 ? 1 : 0;
      weight_to_[t] += b_.arcs[e].weight;
    }
    // The largest weight to a part with a positive gain; ties: the part of more vertices, then
    // the smaller id (refine.hpp says why not the largest gain).
    std::uint32_t best = i;
    for (std::size_t k = 0; k < listed; ++k) {
      const auto t = touched_[k];
      const auto k_it = weight_to_[t];
      weight_to_[t] = 0;
      if (t == i || !well_connected(external_[t], sigma_[t], nodes_[t], sigma_s, nodes_s)) continue;
      const double gain =
          config_.objective == Objective::modularity
              ? static_cast<double>(k_it) * m2_ - config_.resolution *
                                                      static_cast<double>(sigma_[i]) *
                                                      static_cast<double>(sigma_[t])
              : static_cast<double>(k_it) - cpm_resolution_ * static_cast<double>(nodes_[i]) *
                                                static_cast<double>(nodes_[t]);
      if (gain <= 0) continue;
      if (best == i || k_it > best_weight_ ||
          (k_it == best_weight_ &&
           (nodes_[t] > nodes_[best] || (nodes_[t] == nodes_[best] && t < best)))) {
        best = t;
        best_weight_ = k_it;
      }
    }
    if (best == i) return;
    part_[i] = best;
    external_[best] += external_[i] - 2 * best_weight_;
    sigma_[best] += sigma_[i];
    nodes_[best] += nodes_[i];
    size_[best] += 1;
    size_[i] = 0;
  }

  const CommunityBlock& b_;
  const ClusterConfig& config_;
  double m2_;
  double cpm_resolution_;
  std::vector<std::uint32_t> part_;
  std::vector<FixedWeight> sigma_;
  std::vector<std::int64_t> nodes_;
  std::vector<std::uint32_t> size_;
  std::vector<FixedWeight> external_;
  std::vector<FixedWeight> weight_to_;
  std::vector<std::uint32_t> touched_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> order_;
  FixedWeight best_weight_ = 0;
};

// The owned vertices 0..n-1 ordered by community (by cache slot: one per community), in slot
// order within each.
std::vector<std::uint32_t> owned_by_community(const CommunityState& state, std::size_t n) {
  std::vector<std::uint32_t> start(state.cache_size() + 1, 0);
  for (std::uint32_t v = 0; v < n; ++v) ++start[state.cache_slot(v) + 1];
  for (std::size_t c = 0; c < state.cache_size(); ++c) start[c + 1] += start[c];
  std::vector<std::uint32_t> ordered(n);
  for (std::uint32_t v = 0; v < n; ++v) ordered[start[state.cache_slot(v)]++] = v;
  return ordered;
}

}  // namespace

Refinement refine_communities(const LevelGraph& graph, const CommunityState& state,
                              const ClusterConfig& config, const Comm& comm) {
  const auto n = graph.n_owned();
  const auto owner = [&](VertexId c) { return owner_of_vertex(c, comm.size()); };
  // Members grouped by the owner of their community (the order the replies come back in) and
  // there by community, each followed in the arc message by its arcs inside the community: a
  // community's arcs arrive in one stretch per source, which the refiner reads in runs.
  const auto by_community = owned_by_community(state, n);
  auto order = order_by_owner(
      n, [&](std::size_t k) { return owner(state.label(by_community[k])); }, comm.size());
  for (auto& k : order.order) k = by_community[k];
  std::vector<Member> members;
  std::vector<InnerArc> arcs;
  std::vector<std::uint64_t> arc_counts(static_cast<std::size_t>(comm.size()), 0);
  members.reserve(n);
  // At most every entry is inside its community; pages of the unused tail are never touched.
  arcs.reserve(graph.targets.size());
  // Where each owned vertex is among the members sent to its community's owner.
  std::vector<std::uint32_t> index_in_message(n);
  {
    std::size_t k = 0;
    for (const auto count : order.counts) {
      for (std::uint64_t j = 0; j < count; ++j, ++k)
        index_in_message[order.order[k]] = static_cast<std::uint32_t>(j);
    }
  }
  // The rows are read in community order, scattered: each row's bounds are loaded kRowsAhead
  // members ahead, its first entries half as far, its first neighbours' cache slots a quarter.
  // (Local moving's chooser loads rows the same way; one helper shared by both measured the
  // refinement 0.34-0.37 -> 0.40-0.41 s at 2 ranks, so each keeps its own.)
  const auto prefetch_row = [&](std::size_t k, int stage) {
    const auto v = order.order[k];
    if (stage == 0) {
      __builtin_prefetch(&graph.offsets[v]);
      __builtin_prefetch(&state.owned_labels()[v]);
      return;
    }
    const auto begin = graph.offsets[v];
    if (stage == 1) {
      __builtin_prefetch(graph.targets.data() + begin);
      __builtin_prefetch(graph.weights.data() + begin);
      __builtin_prefetch(&graph.degree[v]);
      return;
    }
    const auto end = std::min(graph.offsets[v + 1], begin + kAhead);
    for (auto e = begin; e < end; ++e) state.prefetch_cache_slot(graph.targets[e]);
  };
  for (std::size_t k = 0; k < order.order.size(); ++k) {
    if (k + kRowsAhead < order.order.size()) prefetch_row(k + kRowsAhead, 0);
    if (k + kRowsAhead / 2 < order.order.size()) prefetch_row(k + kRowsAhead / 2, 1);
    if (k + kRowsAhead / 4 < order.order.size()) prefetch_row(k + kRowsAhead / 4, 2);
    const auto v = order.order[k];
    const auto c = state.label(static_cast<std::uint32_t>(v));
    // Communities and their cache slots correspond one to one: a neighbour shares v's
    // community when it shares its cache slot (4 bytes per slot to load, not 8).
    const auto own_slot = state.cache_slot(static_cast<std::uint32_t>(v));
    const auto before = arcs.size();
    // The row's owned targets, then its ghosts; neighbours' cache slots are random accesses,
    // loaded a few entries ahead.
    const auto owned_end = graph.offsets[v] + graph.owned_in_row[v];
    const auto end = graph.offsets[v + 1];
    for (auto e = graph.offsets[v]; e < owned_end; ++e) {
      if (e + kAhead < end) state.prefetch_cache_slot(graph.targets[e + kAhead]);
      const auto t = graph.targets[e];
      if (state.cache_slot(t) == own_slot)
        arcs.push_back({InnerArc::kByIndex | index_in_message[t], graph.weights[e]});
    }
    for (auto e = owned_end; e < end; ++e) {
      if (e + kAhead < end) state.prefetch_cache_slot(graph.targets[e + kAhead]);
      const auto t = graph.targets[e];
      if (state.cache_slot(t) == own_slot)
        arcs.push_back({graph.ghost_ids[t - n], graph.weights[e]});
    }
    members.push_back(
        {c, graph.ids[v], graph.degree[v], graph.node_weight[v], arcs.size() - before});
    arc_counts[static_cast<std::size_t>(owner(c))] += arcs.size() - before;
  }
  const auto received = comm.alltoallv<Member>(std::move(members), order.counts);
  const auto received_arcs = comm.alltoallv<InnerArc>(std::move(arcs), arc_counts);

  const auto sorted = members_in_order(received.data, graph);
  const auto block = assemble(received, received_arcs, sorted);

  CommunityRefiner refiner(block, config, static_cast<double>(graph.total_degree));
  std::vector<PartReply> by_position(block.members.size());
  std::vector<std::uint32_t> first_of_part(block.members.size(), IdMap::kMissing);
  for (std::size_t begin = 0; begin < block.members.size();) {
    auto end = begin + 1;
    while (end < block.members.size() &&
           block.members[end].community == block.members[begin].community)
      ++end;
    refiner.refine(begin, end);
    // Members are in id order, so a part's first member has its smallest id, which names it;
    // the community's first member names the community.
    for (auto i = begin; i < end; ++i) {
      auto& first = first_of_part[refiner.part(i)];
      if (first == IdMap::kMissing) first = static_cast<std::uint32_t>(i);
      by_position[i] = {block.members[first].vertex, block.members[begin].vertex};
    }
    begin = end;
  }
  std::vector<PartReply> replies(received.data.size());
  for (std::size_t k = 0; k < sorted.size(); ++k) replies[sorted[k]] = by_position[k];
  const auto answers = reply_to_sources<PartReply>(received, replies, comm);

  // The answers come in the order the members were sent: order.order.
  Refinement result{std::vector<VertexId>(n), std::vector<VertexId>(n)};
  for (std::size_t k = 0; k < order.order.size(); ++k) {
    result.part[order.order[k]] = answers[k].part;
    result.next_label[order.order[k]] = answers[k].next_label;
  }
  return result;
}

}  // namespace coordnet
