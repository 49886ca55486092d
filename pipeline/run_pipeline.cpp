#include "pipeline/run_pipeline.hpp"

#include <algorithm>
#include <cmath>

#include "core/log.hpp"
#include "core/stage_metrics.hpp"
#include "io/account_registry.hpp"
#include "io/ingest.hpp"
#include "kernels/community/leiden.hpp"
#include "pipeline/flag_stage.hpp"
#include "pipeline/near_text_stage.hpp"
#include "pipeline/project_stage.hpp"
#include "pipeline/result_writer.hpp"
#include "pipeline/window_stage.hpp"

namespace coordnet {

namespace {

// Communities of the fused coordination graph: every account is a vertex (isolated ones end
// alone), the weights are the fused edge weights (--compat qut: the two directions of a pair
// add up; self-loops are left out).
ClusterResult cluster_accounts(const Projection& projection, const AccountTable& table,
                               const ClusterConfig& config, const Comm& comm) {
  std::vector<WeightedEdge> weighted;
  for (const auto& e : projection.fused.edges) {
    weighted.push_back({e.src.value, e.dst.value, to_fixed_weight(e.weight)});
  }
  for (const auto& e : projection.fused_directed.edges) {
    if (e.src == e.dst) continue;
    weighted.push_back({e.src.value, e.dst.value, to_fixed_weight(static_cast<double>(e.weight))});
  }
  auto result = cluster_graph({table.first_index_by_rank, weighted}, config, comm);
  Log::info("cluster: {} communities, modularity {:.6f} (recomputed {:.6f})", result.n_communities,
            result.modularity, result.modularity_recomputed);
  return result;
}

}  // namespace

void run_pipeline(const RunConfig& given_config, const std::string& resolved_config_toml,
                  const Comm& comm) {
  RunConfig config = given_config;  // --window auto is resolved once the actions are known
  StageMetrics metrics;
  Log::info("coordnet run on {} rank(s): {} input file(s), layers {}, window {} s, compat {}",
            comm.size(), config.ingest.inputs.size(), config.layers, config.window, config.compat);
  auto ingest_config = config.ingest;
  const bool near_text = ingest_config.keep_layer[static_cast<std::size_t>(Layer::near_text)];
  std::vector<TextItem> text_items;
  if (near_text) {
    ingest_config.on_near_text = [&](std::string_view text, ContentHash content) {
      text_items.push_back({content, sketch_text(text, config.near_text).signature, KeyHash{0}});
    };
  }
  auto ingested = ingest(ingest_config, comm, metrics);
  if (near_text) assign_near_text_keys(ingested, text_items, config.near_text, comm, metrics);
  std::vector<TextItem>().swap(text_items);

  metrics.start("accounts");
  auto registered = register_accounts(ingested, comm, config.hash_bits);
  const auto handles = merge_handle_history(ingested, registered, comm);
  auto actions = globalise_actions(ingested, registered);
  metrics.add_count("accounts", registered.table.ids.size());
  metrics.add_count("handles", handles.size());
  metrics.finish(comm);
  if (registered.table.n_hash_collisions > 0) {
    Log::info("accounts: {} id hash collision(s) resolved (no accounts merged)",
              registered.table.n_hash_collisions);
  }

  if (config.window_auto) resolve_auto_window(config, actions, comm, metrics);

  const auto& table = registered.table;
  const auto projection = project_layers(config, actions, table, comm, metrics);
  const bool flag = config.flag.enabled && projection.compat == Compat::none;
  FlagResult flags{config.flag, {}, {}};
  if (flag) {
    EdgeMinCounts min_counts{1, std::max<std::uint64_t>(1, config.synchrony.min_co_bins)};
    if (config.coaction.weighting == Weighting::pairs) {
      min_counts.coactions =
          static_cast<std::uint64_t>(std::max(1.0, std::ceil(config.coaction.min_weight)));
    }
    flags.null = edge_null_model(actions, table, projection, min_counts, comm, metrics);
  }
  std::vector<Action>().swap(actions);

  metrics.start("cluster");
  const auto communities = cluster_accounts(projection, table, config.cluster.config, comm);
  metrics.add_count("communities", comm.is_root() ? communities.n_communities : 0);
  metrics.finish(comm);
  if (flag) {
    flags.flags =
        flag_communities(config.flag, table, projection, flags.null, communities, comm, metrics);
  }

  metrics.start("write");
  write_result(config.out,
               RunResult{ingested, table, handles, projection, communities, metrics.reports(),
                         resolved_config_toml, flag ? &flags : nullptr},
               comm);
  metrics.finish(comm);
  const auto n_edges = projection.compat == Compat::qut ? projection.fused_directed.edges.size()
                                                        : projection.fused.edges.size();
  Log::info("wrote {}: {} accounts, {} edges", config.out, table.total(),
            comm.allreduce<std::uint64_t>(n_edges, ReduceOp::sum));
}

}  // namespace coordnet
