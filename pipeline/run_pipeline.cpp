#include "pipeline/run_pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <system_error>

#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/node_memory.hpp"
#include "core/stage_metrics.hpp"
#include "io/account_profile.hpp"
#include "io/account_registry.hpp"
#include "io/ingest.hpp"
#include "kernels/community/leiden.hpp"
#include "pipeline/analysis_stage.hpp"
#include "pipeline/checkpoint/checkpoint_store.hpp"
#include "pipeline/checkpoint/interrupt.hpp"
#include "pipeline/checkpoint/run_identity.hpp"
#include "pipeline/checkpoint/stage_codecs.hpp"
#include "pipeline/checkpoint/test_faults.hpp"
#include "pipeline/flag_stage.hpp"
#include "pipeline/near_text_stage.hpp"
#include "pipeline/project_stage.hpp"
#include "pipeline/result_writer.hpp"
#include "pipeline/window_stage.hpp"

namespace coordnet {

namespace {

// Creates --spill-dir on every rank (each node may have its own local scratch) before any work,
// so a missing or unwritable folder fails the run at its start, not at the first spill.
void prepare_spill_dir(const std::filesystem::path& dir, const Comm& comm) {
  std::exception_ptr failure;
  if (!dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error || !std::filesystem::is_directory(dir)) {
      failure = std::make_exception_ptr(
          IoError("--spill-dir " + dir.string() +
                  ": cannot create the folder: " + (error ? error.message() : "not a directory")));
    }
  }
  comm.throw_if_any_failed(failure);
}

// The near-duplicate text keys and the account registry, on the parsed inputs.
AccountsStage register_inputs(const RunConfig& config, RawIngest raw, const Comm& comm,
                              StageMetrics& metrics) {
  AccountsStage stage;
  stage.ingested = std::move(raw.ingested);
  if (config.ingest.keep_layer[static_cast<std::size_t>(Layer::near_text)]) {
    assign_near_text_keys(stage.ingested, raw.text_items, config.near_text, comm, metrics);
  }
  std::vector<TextItem>().swap(raw.text_items);

  metrics.start("accounts");
  auto registered = register_accounts(stage.ingested, comm, config.hash_bits);
  stage.handles = merge_handle_history(stage.ingested, registered, comm);
  merge_account_profile(stage.ingested, registered, comm);
  stage.actions = globalise_actions(stage.ingested, registered);
  stage.table = std::move(registered.table);
  metrics.add_count("accounts", stage.table.ids.size());
  metrics.add_count("handles", stage.handles.size());
  metrics.finish(comm);
  if (stage.table.n_hash_collisions > 0) {
    Log::info("accounts: {} id hash collision(s) resolved (no accounts merged)",
              stage.table.n_hash_collisions);
  }
  return stage;
}

// Communities of the fused coordination graph: every account is a vertex (isolated ones end
// alone), the weights are the fused edge weights (--compat qut: the two directions of a pair
// add up; self-loops are left out), or, given `excess` (--cluster-weights excess), each edge's
// excess over chance, edges without any left out.
ClusterResult cluster_accounts(const Projection& projection, const AccountTable& table,
                               const ClusterConfig& config, const std::vector<double>* excess,
                               const Comm& comm) {
  std::vector<WeightedEdge> weighted;
  const auto& fused = projection.fused.edges;
  for (std::size_t f = 0; f < fused.size(); ++f) {
    const auto weight = to_fixed_weight(excess ? (*excess)[f] : fused[f].weight);
    if (excess && weight == 0) continue;
    weighted.push_back({fused[f].src.value, fused[f].dst.value, weight});
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

// What every checkpoint manifest of this run repeats: the options of `run` except those that
// change no stage's output (where to write, whether to resume).
std::string run_identity(const RunConfig& config, const std::string& toml, const Comm& comm) {
  const auto lines = config_lines(toml, [](std::string_view key) {
    return key.starts_with("run.") && key != "run.out" && key != "run.checkpoint-dir" &&
           key != "run.resume";
  });
  return checkpoint_identity(config.ingest.inputs, lines, comm);
}

// Saves a computed stage (timed as save_STAGE), after the test hook's `computed` point.
template <class Write>
void save_stage(CheckpointStore& store, const std::string& stage, StageMetrics& metrics,
                const Comm& comm, Write write) {
  inject_test_fault(stage, "computed", comm.rank());
  if (!store.enabled()) return;
  metrics.start("save_" + stage);
  store.save(stage, write);
  metrics.finish(comm);
}

// Loads a stage (timed as load_STAGE); false when it has to be computed.
template <class Read>
bool load_stage(CheckpointStore& store, const std::string& stage, StageMetrics& metrics,
                const Comm& comm, Read read) {
  if (!store.matches(stage)) return false;
  metrics.start("load_" + stage);
  const bool loaded = store.load(stage, read);
  metrics.finish(comm);
  return loaded;
}

// --memory-budget auto: two thirds of what the node's memory (or the job's cgroup) leaves at
// the start, shared equally by the node's ranks; the smallest share over the nodes, so that every
// rank has the same budget. The third left covers what the budget does not: ingest's mapped
// input, MPI's buffers and the stages after the projection. Collective.
void resolve_automatic_memory_budget(RunConfig& config, const Comm& comm) {
  const auto available = available_memory();
  const auto ranks = ranks_on_node(comm);
  const auto share = comm.allreduce<std::uint64_t>(
      available / 3 * 2 / static_cast<std::uint64_t>(ranks), ReduceOp::min);
  if (share == 0) {
    Log::always(
        "--memory-budget auto: the node's memory could not be read; running without a "
        "budget (give --memory-budget SIZE)");
    return;
  }
  config.set_memory_budget(share, true);
  Log::info(
      "memory budget (auto): {} MiB per rank, 2/3 of the {} MiB available shared by {} "
      "rank(s) on the node",
      share >> 20, available >> 20, ranks);
}

}  // namespace

void run_pipeline(const RunConfig& given_config, const std::string& resolved_config_toml,
                  const Comm& comm, const IngestSource& source) {
  install_interrupt_handlers();
  RunConfig config = given_config;  // --window auto is resolved once the actions are known
  StageMetrics metrics;
  Log::info("coordnet run on {} rank(s): {} input file(s), layers {}, window {} s, compat {}",
            comm.size(), config.ingest.inputs.size(), config.layers, config.window, config.compat);
  CheckpointStore store(
      config.checkpoint_dir, config.resume,
      config.checkpoint_dir.empty() ? "" : run_identity(config, resolved_config_toml, comm), comm);
  const auto& dir = config.checkpoint_dir;
  prepare_spill_dir(config.coaction.spill_dir, comm);
  if (config.memory_budget_auto) resolve_automatic_memory_budget(config, comm);

  // The actions are kept through the analysis (each community's members' actions), so a
  // resumed run reads them back with the accounts.
  AccountsStage accounts;
  if (!load_stage(store, "ingest", metrics, comm,
                  [&](CheckpointReader& r) { load_accounts_stage(r, accounts); })) {
    accounts = register_inputs(
        config, source ? source(metrics) : ingest_inputs(config, comm, metrics), comm, metrics);
    save_stage(store, "ingest", metrics, comm,
               [&](CheckpointWriter& w) { save_accounts_stage(w, accounts); });
  }
  stop_if_interrupted("ingest", dir, comm);

  const auto& table = accounts.table;
  // The estimated window is needed by the null model also when the projection is loaded.
  if (config.window_auto) resolve_auto_window(config, accounts.actions, comm, metrics);
  Projection projection;
  if (!load_stage(store, "project", metrics, comm,
                  [&](CheckpointReader& r) { projection = load_projection(r); })) {
    projection = project_layers(config, accounts.actions, table, comm, metrics);
    save_stage(store, "project", metrics, comm,
               [&](CheckpointWriter& w) { save_projection(w, projection); });
  }
  // The null model needs the actions and the projected layers (their windows included).
  const bool flag = !config.flag.skip && projection.compat == Compat::none;
  FlagResult flags{config.flag, {}, {}};
  if (flag) {
    EdgeMinCounts min_counts{1, std::max<std::uint64_t>(1, config.synchrony.min_co_bins)};
    if (config.coaction.weighting == Weighting::pairs) {
      min_counts.coactions =
          static_cast<std::uint64_t>(std::max(1.0, std::ceil(config.coaction.min_weight)));
    }
    flags.null = edge_null_model(accounts.actions, table, projection, min_counts, comm, metrics);
    inject_test_fault("null_model", "computed", comm.rank());
  }
  stop_if_interrupted("project", dir, comm);

  ClusterResult communities;
  if (!load_stage(store, "cluster", metrics, comm,
                  [&](CheckpointReader& r) { communities = load_clusters(r); })) {
    metrics.start("cluster");
    const bool on_excess = flag && config.flag.cluster_weights == "excess";
    communities = cluster_accounts(projection, table, config.cluster.config,
                                   on_excess ? &flags.null.excess : nullptr, comm);
    metrics.add_count("communities", comm.is_root() ? communities.n_communities : 0);
    metrics.finish(comm);
    save_stage(store, "cluster", metrics, comm,
               [&](CheckpointWriter& w) { save_clusters(w, communities); });
  }
  stop_if_interrupted("cluster", dir, comm);
  if (flag) {
    flags.flags =
        flag_communities(config.flag, table, projection, flags.null, communities, comm, metrics);
    inject_test_fault("flag", "computed", comm.rank());
  }

  metrics.start("analysis");
  auto analysis = analyse_run(config, accounts.actions, table, projection, communities,
                              flag ? &flags.flags : nullptr, comm);
  metrics.add_count("evidence_rows", analysis.result.evidence.size());
  metrics.add_count("edge_evidence_rows", analysis.result.edge_evidence.size());
  metrics.add_count("edge_evidence_skipped_keys", analysis.edge_evidence_skipped_keys);
  metrics.add_count("timeline_actions", analysis.result.timeline.size());
  metrics.finish(comm);
  inject_test_fault("analysis", "computed", comm.rank());
  std::vector<Action>().swap(accounts.actions);
  metrics.start("evidence_keys");
  name_evidence_keys(config, analysis, comm);
  metrics.finish(comm);
  inject_test_fault("evidence_keys", "computed", comm.rank());

  metrics.start("write");
  write_result(
      config.out,
      RunResult{accounts.ingested, table, accounts.handles, projection, communities, analysis,
                metrics.reports(), resolved_config_toml, flag ? &flags : nullptr},
      comm);
  metrics.finish(comm);
  const auto n_edges = projection.compat == Compat::qut ? projection.fused_directed.edges.size()
                                                        : projection.fused.edges.size();
  Log::info("wrote {}: {} accounts, {} edges", config.out, table.total(),
            comm.allreduce<std::uint64_t>(n_edges, ReduceOp::sum));
}

}  // namespace coordnet
