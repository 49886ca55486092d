#include "kernels/community/multilevel.hpp"

#include <algorithm>
#include <cmath>

#include "core/exchange.hpp"
#include "core/log.hpp"
#include "kernels/community/aggregate.hpp"
#include "kernels/community/community_state.hpp"
#include "kernels/community/id_map.hpp"
#include "kernels/community/local_moving.hpp"
#include "kernels/community/owner_queries.hpp"
#include "kernels/community/phase_clock.hpp"
#include "kernels/community/quality.hpp"
#include "kernels/community/refine.hpp"

namespace coordnet {

namespace {

// Per vertex of the starting graph, the value that the owner of its current coarse vertex
// holds for that coarse vertex. Each distinct coarse vertex is asked for once: a coarse level
// has far fewer vertices than the starting graph (1M-vertex LFR graph: 387k at level 1, 17k at
// level 2, hundreds above), and every level asks twice (its labels, then the parts).
std::vector<VertexId> values_of_current(const std::vector<VertexId>& current,
                                        const LevelGraph& graph,
                                        std::span<const VertexId> owned_values, const Comm& comm) {
  IdMap index(std::min<std::size_t>(current.size(), graph.n_global));
  std::vector<VertexId> distinct;
  std::vector<std::uint32_t> distinct_of(current.size());
  for (std::size_t i = 0; i < current.size(); ++i) {
    const auto next = static_cast<std::uint32_t>(distinct.size());
    distinct_of[i] = index.insert(current[i], next);
    if (distinct_of[i] == next) distinct.push_back(current[i]);
  }
  const auto answers = ask_owners<VertexId>(
      distinct, [&](VertexId v) { return owner_of_vertex(v, comm.size()); },
      [&](const Received<VertexId>& asked) {
        std::vector<VertexId> values(asked.data.size());
        for (std::size_t i = 0; i < asked.data.size(); ++i) {
          if (i + IdMap::kPrefetchDistance < asked.data.size())
            graph.owned_index.prefetch(asked.data[i + IdMap::kPrefetchDistance]);
          values[i] = owned_values[graph.owned_index.find(asked.data[i])];
        }
        return values;
      },
      comm);
  std::vector<VertexId> values(current.size());
  for (std::size_t i = 0; i < current.size(); ++i) values[i] = answers[distinct_of[i]];
  return values;
}

// Sends the level's graph to rank 0, which runs the remaining levels alone; every rank then
// maps its vertices through the broadcast labels of the gathered vertices.
void finish_on_root(const LevelGraph& graph, const std::vector<VertexId>& current,
                    const ClusterConfig& config, int level, const Comm& comm, LevelsOutcome& out) {
  const auto to_root = [](const auto&) { return 0; };
  auto vertices = exchange_by_owner(
      vertex_records(graph, {graph.initial_label.data(), graph.n_owned()}), to_root, comm);
  auto arcs = exchange_by_owner(arc_records(graph), to_root, comm);
  std::vector<VertexId> ids;
  std::vector<LevelQuality> quality;
  std::vector<VertexId> flat_labels;
  if (comm.is_root()) {
    const Comm self(MPI_COMM_SELF, false);
    const std::uint64_t n_arcs = arcs.data.size();
    auto gathered =
        build_level_graph(std::move(vertices.data), {std::move(arcs.data), {n_arcs}}, self);
    ids = gathered.ids;
    Log::debug("cluster: level {} gathered on rank 0 ({} vertices)", level, ids.size());
    auto rest = run_levels(std::move(gathered), config, level, self);
    quality = std::move(rest.quality);
    for (const auto& labels : rest.labels)
      flat_labels.insert(flat_labels.end(), labels.begin(), labels.end());
  }
  comm.broadcast(ids, 0);
  comm.broadcast(quality, 0);
  comm.broadcast(flat_labels, 0);
  std::vector<std::size_t> position(current.size());
  for (std::size_t i = 0; i < current.size(); ++i) {
    position[i] = static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), current[i]) -
                                           ids.begin());
  }
  for (std::size_t l = 0; l < quality.size(); ++l) {
    std::vector<VertexId> labels(current.size());
    for (std::size_t i = 0; i < current.size(); ++i)
      labels[i] = flat_labels[l * ids.size() + position[i]];
    out.labels.push_back(std::move(labels));
    out.quality.push_back(quality[l]);
  }
}

double tolerance_at(const ClusterConfig& config, int level) {
  return std::max(config.tolerance * std::pow(0.1, level), config.min_tolerance);
}

}  // namespace

LevelsOutcome run_levels(LevelGraph graph, const ClusterConfig& config, int first_level,
                         const Comm& comm) {
  LevelsOutcome out;
  std::vector<VertexId> current = graph.ids;
  // Until the first aggregation the vertices of the starting graph are the level's owned
  // vertices, in the same order: a value per owned vertex is already theirs.
  bool at_start = true;
  const auto values_of_start = [&](std::span<const VertexId> owned_values) {
    return at_start ? std::vector<VertexId>(owned_values.begin(), owned_values.end())
                    : values_of_current(current, graph, owned_values, comm);
  };
  for (int level = first_level;; ++level) {
    if (comm.size() > 1 && graph.entries_global <= config.gather_below) {
      finish_on_root(graph, current, config, level, comm, out);
      return out;
    }
    const bool frozen = level >= config.max_levels;
    PhaseClock clock;
    CommunityState state(graph, comm);
    clock.lap("state");
    const auto moving = frozen ? MovingStats{}
                               : move_vertices(graph, state, config, tolerance_at(config, level),
                                               schedule_of(graph, config),
                                               level == 0 ? kLevelZeroIdBlock : 1, comm);
    clock.lap("moving");
    auto quality = level_quality(graph, state, config, comm);
    quality.iterations = moving.iterations;
    quality.moves = moving.moves;
    out.quality.push_back(quality);
    out.labels.push_back(values_of_start(state.owned_labels()));
    clock.lap("quality and labels");
    Log::debug(
        "cluster: level {}: {} vertices, {} vertices + entries, {} communities, {} rounds, {} "
        "moves, Q {:.6f}",
        level, quality.n_vertices, graph.entries_global, quality.n_communities, quality.iterations,
        quality.moves, quality.modularity);
    if (quality.n_communities == graph.n_global) return out;
    const auto refinement = refine_communities(graph, state, config, comm);
    clock.lap("refinement");
    auto coarse = aggregate_level(graph, refinement, level + 1 >= config.max_levels, comm);
    clock.lap("aggregation");
    if (coarse.n_global == graph.n_global) return out;
    current = values_of_start(refinement.part);
    at_start = false;
    clock.lap("mapping");
    Log::debug("cluster: level {} on rank {}: {}", level, comm.rank(), clock.line());
    graph = std::move(coarse);
  }
}

}  // namespace coordnet
