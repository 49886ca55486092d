#include "kernels/community/quality.hpp"

#include <algorithm>

#include "core/exchange.hpp"
#include "kernels/community/id_map.hpp"
#include "kernels/community/owner_queries.hpp"

namespace coordnet {

namespace {

__extension__ using Int128 = __int128;

struct Int128Parts {
  std::uint64_t low;
  std::int64_t high;
};

// Exact sum over ranks of one 128-bit value per rank.
Int128 sum_over_ranks(Int128 local, const Comm& comm) {
  const Int128Parts mine{static_cast<std::uint64_t>(local), static_cast<std::int64_t>(local >> 64)};
  Int128 total = 0;
  for (const auto& p : comm.allgather(mine)) {
    total += (static_cast<Int128>(p.high) << 64) + static_cast<Int128>(p.low);
  }
  return total;
}

double modularity_of(FixedWeight internal, Int128 sum_sigma_squared, FixedWeight m2,
                     double resolution) {
  if (m2 == 0) return 0.0;
  const auto m2_ld = static_cast<long double>(m2);
  return static_cast<double>(static_cast<long double>(internal) / m2_ld -
                             static_cast<long double>(resolution) *
                                 static_cast<long double>(sum_sigma_squared) / (m2_ld * m2_ld));
}

}  // namespace

LevelQuality level_quality(const LevelGraph& g, const CommunityState& state,
                           const ClusterConfig& config, const Comm& comm) {
  FixedWeight internal = 0;
  for (std::uint32_t v = 0; v < g.n_owned(); ++v) {
    internal += g.loop[v];
    const auto own = state.cache_slot(v);
    const auto end = g.offsets[v + 1];
    for (auto e = g.offsets[v]; e < end; ++e) {
      // Random accesses: the cache slot of a neighbour a few entries ahead starts loading.
      if (e + 8 < end) state.prefetch_cache_slot(g.targets[e + 8]);
      // Masked, not branched on: whether a neighbour shares the community is a coin toss.
      const FixedWeight inside = state.cache_slot(g.targets[e]) == own ? 1 : 0;
      internal += g.weights[e] & -inside;
    }
  }
  Int128 sigma_squared = 0, nodes_squared = 0;
  std::int64_t nodes = 0;
  std::uint64_t communities = 0;
  for (std::size_t v = 0; v < g.n_owned(); ++v) {
    const auto& t = state.owned_totals(v);
    if (t.members == 0) continue;
    ++communities;
    sigma_squared += static_cast<Int128>(t.sigma) * t.sigma;
    nodes_squared += static_cast<Int128>(t.nodes) * t.nodes;
    nodes += t.nodes;
  }
  internal = comm.allreduce(internal, ReduceOp::sum);
  sigma_squared = sum_over_ranks(sigma_squared, comm);
  nodes_squared = sum_over_ranks(nodes_squared, comm);
  nodes = comm.allreduce(nodes, ReduceOp::sum);
  LevelQuality q;
  q.n_vertices = g.n_global;
  q.n_communities = comm.allreduce(communities, ReduceOp::sum);
  q.modularity = modularity_of(internal, sigma_squared, g.total_degree, 1.0);
  if (config.objective == Objective::modularity) {
    q.objective = modularity_of(internal, sigma_squared, g.total_degree, config.resolution);
  } else {
    const long double pairs = static_cast<long double>(nodes_squared - nodes) / 2;
    q.objective = static_cast<double>(static_cast<long double>(internal) / 2 / kWeightScale -
                                      static_cast<long double>(config.resolution) * pairs);
  }
  return q;
}

double recompute_modularity(std::span<const WeightedEdge> edges, std::span<const VertexId> labels,
                            std::span<const std::uint64_t> first_vertex_by_rank, const Comm& comm) {
  // Labels of the edge ends: those in this rank's block are read here, the others asked for.
  const auto first = first_vertex_by_rank[static_cast<std::size_t>(comm.rank())];
  const auto last = first_vertex_by_rank[static_cast<std::size_t>(comm.rank()) + 1];
  const auto n_vertices = first_vertex_by_rank.back();
  const auto ask = [&](const std::vector<VertexId>& remote) {
    return ask_owners<VertexId>(
        remote, [&](VertexId v) { return owner_in_blocks(v, first_vertex_by_rank); },
        each_answer_with_source<VertexId, VertexId>(
            [&](VertexId v, int) { return labels[v - first]; }),
        comm);
  };
  struct DegreeShare {
    VertexId community;
    FixedWeight weight;
  };
  // Degree sums per community: summed here first (one record per community leaves the rank),
  // then at the community's owner.
  IdMap community_index;
  std::vector<DegreeShare> shares;
  const auto share = [&](VertexId community, FixedWeight weight) {
    const auto next = static_cast<std::uint32_t>(shares.size());
    const auto at = community_index.insert(community, next);
    if (at == next) shares.push_back({community, 0});
    shares[at].weight += weight;
  };
  FixedWeight internal = 0, m2 = 0;
  // Every edge with the labels of its ends (label_of(i, end), end 0 for src and 1 for dst; a
  // label is prefetched `prefetch(i)` a few edges ahead).
  const auto add_edges = [&](auto&& label_of, auto&& prefetch) {
    for (std::size_t i = 0; i < edges.size(); ++i) {
      if (i + IdMap::kPrefetchDistance < edges.size()) prefetch(i + IdMap::kPrefetchDistance);
      const auto a = label_of(i, 0), b = label_of(i, 1);
      m2 += 2 * edges[i].weight;
      if (a == b) internal += 2 * edges[i].weight;
      share(a, edges[i].weight);
      share(b, edges[i].weight);
    }
  };
  // When all vertices are within a few times this rank's edge ends (so a flat array over them
  // is bounded by the edges), each remote vertex is asked for once; otherwise every remote end.
  const bool flat = n_vertices <= 8 * edges.size();
  if (comm.allreduce<std::uint64_t>(flat ? 0 : 1, ReduceOp::sum) == 0) {
    std::vector<std::uint8_t> asked(n_vertices, 0);
    std::vector<VertexId> remote;
    const auto ask_once = [&](VertexId v) {
      if ((v < first || v >= last) && asked[v] == 0) {
        asked[v] = 1;
        remote.push_back(v);
      }
    };
    for (const auto& e : edges) {
      ask_once(e.src);
      ask_once(e.dst);
    }
    const auto remote_labels = ask(remote);
    std::vector<VertexId> label_of(n_vertices);
    for (std::size_t k = 0; k < remote.size(); ++k) label_of[remote[k]] = remote_labels[k];
    for (std::size_t v = first; v < last; ++v) label_of[v] = labels[v - first];
    add_edges(
        [&](std::size_t i, int end) { return label_of[end == 0 ? edges[i].src : edges[i].dst]; },
        [&](std::size_t i) {
          __builtin_prefetch(&label_of[edges[i].src]);
          __builtin_prefetch(&label_of[edges[i].dst]);
        });
  } else {
    std::vector<VertexId> end_labels(2 * edges.size());
    std::vector<VertexId> remote;
    std::vector<std::size_t> remote_at;
    for (std::size_t i = 0; i < end_labels.size(); ++i) {
      const auto v = i % 2 == 0 ? edges[i / 2].src : edges[i / 2].dst;
      if (v >= first && v < last) {
        end_labels[i] = labels[v - first];
      } else {
        remote.push_back(v);
        remote_at.push_back(i);
      }
    }
    const auto remote_labels = ask(remote);
    for (std::size_t k = 0; k < remote.size(); ++k) end_labels[remote_at[k]] = remote_labels[k];
    add_edges(
        [&](std::size_t i, int end) { return end_labels[2 * i + static_cast<std::size_t>(end)]; },
        [](std::size_t) {});
  }
  auto received = exchange_by_owner(
      shares, [&](const DegreeShare& s) { return owner_of_vertex(s.community, comm.size()); },
      comm);
  std::sort(received.data.begin(), received.data.end(),
            [](const DegreeShare& x, const DegreeShare& y) { return x.community < y.community; });
  Int128 sigma_squared = 0;
  for (std::size_t i = 0; i < received.data.size();) {
    FixedWeight sigma = 0;
    auto j = i;
    for (; j < received.data.size() && received.data[j].community == received.data[i].community;
         ++j)
      sigma += received.data[j].weight;
    sigma_squared += static_cast<Int128>(sigma) * sigma;
    i = j;
  }
  return modularity_of(comm.allreduce(internal, ReduceOp::sum), sum_over_ranks(sigma_squared, comm),
                       comm.allreduce(m2, ReduceOp::sum), 1.0);
}

}  // namespace coordnet
