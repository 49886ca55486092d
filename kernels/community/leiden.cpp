#include "kernels/community/leiden.hpp"

#include <cmath>
#include <numeric>

#include "core/errors.hpp"
#include "core/exchange.hpp"
#include "core/keep_freed_memory.hpp"
#include "core/log.hpp"
#include "kernels/community/canonical.hpp"
#include "kernels/community/level_graph.hpp"
#include "kernels/community/multilevel.hpp"
#include "kernels/community/phase_clock.hpp"
#include "kernels/community/quality.hpp"

namespace coordnet {

FixedWeight to_fixed_weight(double weight) {
  // One weight stays far below 2^63 in fixed point; the total is checked in cluster_graph.
  constexpr double kMaxWeight = 1099511627776.0;
  if (!std::isfinite(weight) || weight < 0 || weight > kMaxWeight) {
    throw DataError("edge weight must be finite, non-negative and at most 2^40, got " +
                    std::to_string(weight));
  }
  return static_cast<FixedWeight>(std::llround(weight * kWeightScale));
}

std::vector<std::uint64_t> even_blocks(std::uint64_t n, int n_ranks) {
  std::vector<std::uint64_t> first(static_cast<std::size_t>(n_ranks) + 1);
  for (std::size_t r = 0; r < first.size(); ++r) {
    __extension__ using Uint128 = unsigned __int128;
    first[r] =
        static_cast<std::uint64_t>(static_cast<Uint128>(n) * r / static_cast<unsigned>(n_ranks));
  }
  return first;
}

namespace {

// The level-0 graph of the vertices with edges: a vertex without one stays alone at every level
// and adds nothing to either objective (no degree for modularity, no pair for CPM), so it is left
// out of the levels (most accounts of a run co-act with nobody).
LevelGraph level_zero(const ClusterInput& input, const Comm& comm) {
  // Both directions of every edge (a loop once, twice its weight), written straight into their
  // owner's range of the message: the owners' counts first, then the arcs.
  const auto owner = [&](VertexId v) { return owner_of_vertex(v, comm.size()); };
  ArcsByOwner arcs{{}, std::vector<std::uint64_t>(static_cast<std::size_t>(comm.size()), 0)};
  for (const auto& e : input.edges) {
    if (e.weight == 0) continue;
    ++arcs.counts[static_cast<std::size_t>(owner(e.src))];
    if (e.src != e.dst) ++arcs.counts[static_cast<std::size_t>(owner(e.dst))];
  }
  std::vector<std::uint64_t> next(arcs.counts.size(), 0);
  for (std::size_t r = 1; r < next.size(); ++r) next[r] = next[r - 1] + arcs.counts[r - 1];
  arcs.arcs.resize(next.back() + arcs.counts.back());
  const auto put = [&](VertexId src, VertexId dst, FixedWeight weight) {
    arcs.arcs[next[static_cast<std::size_t>(owner(src))]++] = make_arc(src, dst, weight);
  };
  for (const auto& e : input.edges) {
    if (e.weight == 0) continue;
    if (e.src == e.dst) {
      put(e.src, e.src, 2 * e.weight);
    } else {
      put(e.src, e.dst, e.weight);
      put(e.dst, e.src, e.weight);
    }
  }
  return build_level_zero(std::move(arcs), comm);
}

// Labels per vertex of the hash-partitioned level-0 graph, moved to the block layout. A vertex
// left out of the levels is named by its own id: the levels name a community by the id of a
// member (aggregate.hpp), never by one of a vertex they did not hold.
std::vector<VertexId> to_blocks(const std::vector<VertexId>& ids,
                                const std::vector<VertexId>& labels,
                                std::span<const std::uint64_t> first_by_rank, const Comm& comm) {
  struct VertexLabel {
    VertexId vertex;
    VertexId label;
  };
  std::vector<VertexLabel> records;
  records.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) records.push_back({ids[i], labels[i]});
  const auto received = exchange_by_owner(
      records, [&](const VertexLabel& r) { return owner_in_blocks(r.vertex, first_by_rank); },
      comm);
  const auto first = first_by_rank[static_cast<std::size_t>(comm.rank())];
  std::vector<VertexId> result(first_by_rank[static_cast<std::size_t>(comm.rank()) + 1] - first);
  std::iota(result.begin(), result.end(), first);
  for (const auto& r : received.data) result[r.vertex - first] = r.label;
  return result;
}

void count_sizes(ClusterResult& result, const Comm& comm) {
  const auto blocks = even_blocks(result.n_communities, comm.size());
  result.first_community = blocks[static_cast<std::size_t>(comm.rank())];
  result.community_size.assign(
      blocks[static_cast<std::size_t>(comm.rank()) + 1] - result.first_community, 0);
  const auto received = exchange_by_owner(
      result.community, [&](std::uint64_t c) { return owner_in_blocks(c, blocks); }, comm);
  for (auto c : received.data) ++result.community_size[c - result.first_community];
}

}  // namespace

ClusterResult cluster_graph(const ClusterInput& input, const ClusterConfig& config,
                            const Comm& comm) {
  if (input.first_vertex_by_rank.back() > kMaxVertices) {
    throw DataError("the graph has " + std::to_string(input.first_vertex_by_rank.back()) +
                        " vertices; community detection takes at most 2^32",
                    true);
  }
  // 2m in fixed point (and every partial sum of degrees) must stay below 2^63.
  double local_weight = 0;
  for (const auto& e : input.edges) local_weight += static_cast<double>(e.weight);
  if (2 * comm.allreduce(local_weight, ReduceOp::sum) >= 0x1p62) {
    throw DataError("the edge weights add up to more than 2^45 (fixed-point sums would overflow)",
                    true);
  }
  // Every level allocates and frees buffers of the size of its graph: reuse their pages.
  const KeepFreedMemory keep_freed;
  PhaseClock clock;
  auto graph = level_zero(input, comm);
  const auto ids = graph.ids;
  const auto alone = static_cast<std::uint64_t>(input.first_vertex_by_rank.back()) - graph.n_global;
  clock.lap("level 0 graph");
  auto outcome = run_levels(std::move(graph), config, 0, comm);
  clock.lap("levels");
  ClusterResult result;
  result.levels = std::move(outcome.quality);
  for (auto& level : result.levels) {  // the vertices left out count, each alone
    level.n_vertices += alone;
    level.n_communities += alone;
  }
  for (const auto& labels : outcome.labels) {
    auto canonical = canonical_labels(to_blocks(ids, labels, input.first_vertex_by_rank, comm),
                                      input.first_vertex_by_rank, comm);
    result.level_community.push_back(std::move(canonical.community));
    result.n_communities = canonical.n_communities;
  }
  result.community = result.level_community.back();
  count_sizes(result, comm);
  clock.lap("canonical ids");
  result.modularity = result.levels.back().modularity;
  result.modularity_recomputed =
      recompute_modularity(input.edges, result.community, input.first_vertex_by_rank, comm);
  clock.lap("recomputed modularity");
  Log::debug("cluster: rank {}: {}", comm.rank(), clock.line());
  return result;
}

}  // namespace coordnet
