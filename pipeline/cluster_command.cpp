#include "pipeline/cluster_command.hpp"

#include <fmt/core.h>

#include <cmath>

#include "core/keep_freed_memory.hpp"
#include "core/log.hpp"
#include "core/stage_metrics.hpp"
#include "io/edge_list.hpp"
#include "io/hdf5_file.hpp"
#include "pipeline/community_writer.hpp"
#include "pipeline/result_writer.hpp"
#include "pipeline/version.hpp"

namespace coordnet {

void add_cluster_command_options(CLI::App& command, ClusterCommandConfig& c) {
  command.add_option("--edges", c.edges, "Edge list: CSV src,dst[,weight] or a coordnet HDF5 file")
      ->required()
      ->check(CLI::ExistingFile)
      ->group("Input");
  add_cluster_options(command, c.cluster);
  command.add_option("-o,--out", c.out, "Output HDF5 file (written as OUT.tmp, then renamed)")
      ->required()
      ->group("Output");
  command.add_flag("-v,--verbose", c.verbose, "More log lines")
      ->group("Output")
      ->configurable(false);
  command.add_flag("-q,--quiet", c.quiet, "Only errors")->group("Output")->configurable(false);
}

void run_cluster_command(const ClusterCommandConfig& config,
                         const std::string& resolved_config_toml, const Comm& comm) {
  StageMetrics metrics;
  // The read edges are freed once converted: their pages serve the level-0 graph's buffers.
  const KeepFreedMemory keep_freed;
  metrics.start("read");
  auto list = read_edge_list(config.edges, comm);
  std::vector<WeightedEdge> edges;
  edges.reserve(list.edges.size());
  std::exception_ptr failure;
  try {
    for (const auto& e : list.edges) edges.push_back({e.src, e.dst, to_fixed_weight(e.weight)});
  } catch (...) {
    failure = std::current_exception();
  }
  comm.throw_if_any_failed(failure);
  std::vector<EdgeRow>().swap(list.edges);
  metrics.add_count("edges", edges.size());
  metrics.finish(comm);

  metrics.start("cluster");
  const auto result =
      cluster_graph({list.first_vertex_by_rank, edges}, config.cluster.config, comm);
  metrics.add_count("communities", comm.is_root() ? result.n_communities : 0);
  metrics.finish(comm);
  Log::info(
      "cluster: {} vertices, {} communities, {} levels, modularity {:.6f} (recomputed {:.6f})",
      list.first_vertex_by_rank.back(), result.n_communities, result.levels.size(),
      result.modularity, result.modularity_recomputed);
  if (std::abs(result.modularity - result.modularity_recomputed) > 1e-9) {
    Log::always(fmt::format("coordnet: warning: modularity {} differs from its recomputation {}",
                            result.modularity, result.modularity_recomputed));
  }

  metrics.start("write");
  Hdf5Writer writer(config.out, comm);
  write_run_attributes(writer, resolved_config_toml, comm);
  const bool has_ids = comm.allreduce<std::uint64_t>(list.vertex_ids.size(), ReduceOp::sum) > 0;
  if (has_ids) writer.write_strings("/accounts/id", list.vertex_ids);
  write_communities(writer, result, comm);
  metrics.finish(comm);
  writer.set_attribute("stages", stages_toml(metrics.reports()));
  writer.commit();
}

}  // namespace coordnet
