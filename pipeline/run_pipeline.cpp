#include "pipeline/run_pipeline.hpp"

#include <algorithm>

#include "core/exchange.hpp"
#include "core/log.hpp"
#include "core/stage_metrics.hpp"
#include "io/account_registry.hpp"
#include "io/ingest.hpp"
#include "kernels/coaction.hpp"
#include "kernels/community/leiden.hpp"
#include "pipeline/result_writer.hpp"

namespace coordnet {

namespace {

// Drops the actions of accounts with fewer than min_participation actions in the layer
// (CooRTweet's min_participation, applied before pairing).
std::vector<Action> participating_actions(std::vector<Action> actions, Layer layer,
                                          std::uint64_t min_participation,
                                          const AccountTable& table, const Comm& comm) {
  if (min_participation <= 1) return actions;
  std::erase_if(actions, [&](const Action& a) { return a.layer != layer; });
  // Per-account counts in the layer, reduced at the account's owner and sent back.
  std::vector<AccountIndex> mine;
  for (const auto& a : actions) mine.push_back(a.account);
  auto received = exchange_by_owner(
      mine, [&](AccountIndex i) { return table.owner_of(i); }, comm);
  std::vector<std::uint64_t> counts(table.ids.size(), 0);
  for (auto i : received.data) ++counts[i.value - table.first_index];
  std::vector<std::uint8_t> keep;
  keep.reserve(received.data.size());
  for (auto i : received.data)
    keep.push_back(counts[i.value - table.first_index] >= min_participation);
  const auto kept = reply_to_sources<std::uint8_t>(received, keep, comm);
  // Replies come in owner order; walk the actions in the same (stable) owner order.
  const auto order =
      order_by_owner(
          actions.size(), [&](std::size_t i) { return table.owner_of(actions[i].account); },
          comm.size())
          .order;
  std::vector<std::uint8_t> keep_action(actions.size());
  for (std::size_t k = 0; k < order.size(); ++k) keep_action[order[k]] = kept[k];
  std::vector<Action> result;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (keep_action[i]) result.push_back(actions[i]);
  }
  return result;
}

// Communities of the co-action graph: every account is a vertex (isolated ones end alone),
// weights are co-action counts.
ClusterResult cluster_accounts(const std::vector<CoactionEdge>& edges, const AccountTable& table,
                               const ClusterConfig& config, const Comm& comm) {
  std::vector<WeightedEdge> weighted;
  weighted.reserve(edges.size());
  for (const auto& e : edges) {
    weighted.push_back({e.src.value, e.dst.value, to_fixed_weight(static_cast<double>(e.count))});
  }
  auto result = cluster_graph({table.first_index_by_rank, weighted}, config, comm);
  Log::info("cluster: {} communities, modularity {:.6f} (recomputed {:.6f})", result.n_communities,
            result.modularity, result.modularity_recomputed);
  return result;
}

}  // namespace

void run_pipeline(const RunConfig& config, const std::string& resolved_config_toml,
                  const Comm& comm) {
  StageMetrics metrics;
  Log::info("coordnet run on {} rank(s): {} input file(s), layer {}, window {} s", comm.size(),
            config.ingest.inputs.size(), config.layer, config.window_s);
  auto ingested = ingest(config.ingest, comm, metrics);

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

  const auto& table = registered.table;
  actions = participating_actions(std::move(actions), config.coaction.layer,
                                  config.min_participation, table, comm);
  const auto edges = project_coactions(
      actions, config.coaction, [&](AccountIndex i) { return table.owner_of(i); }, comm, metrics);
  std::vector<Action>().swap(actions);

  metrics.start("cluster");
  const auto communities = cluster_accounts(edges, table, config.cluster.config, comm);
  metrics.add_count("communities", comm.is_root() ? communities.n_communities : 0);
  metrics.finish(comm);

  metrics.start("write");
  write_result(config.out,
               RunResult{ingested, table, handles, edges, communities, metrics.reports(),
                         resolved_config_toml},
               comm);
  metrics.finish(comm);
  Log::info("wrote {}: {} accounts, {} edges", config.out, table.total(),
            comm.allreduce<std::uint64_t>(edges.size(), ReduceOp::sum));
}

}  // namespace coordnet
