#include "pipeline/analysis_stage.hpp"

#include <iterator>

#include "core/log.hpp"
#include "pipeline/evidence_keys.hpp"

namespace coordnet {

namespace {

// The fused edges as the analysis reads them; --compat qut gives each direction of a pair as
// its own edge (analyse_community merges them).
std::vector<AnalysisEdge> analysis_edges(const Projection& p) {
  std::vector<AnalysisEdge> out;
  auto add = [&](AnalysisEdge a, const std::vector<std::vector<double>>& layer_weights,
                 std::size_t k) {
    for (std::size_t i = 0; i < p.layers.size(); ++i) {
      a.layer_weight[static_cast<std::size_t>(p.layers[i].layer)] = layer_weights[i][k];
    }
    out.push_back(a);
  };
  if (p.compat == Compat::qut) {
    const auto& fused = p.fused_directed;
    for (std::size_t k = 0; k < fused.edges.size(); ++k) {
      const auto& e = fused.edges[k];
      if (e.src == e.dst) continue;
      add({std::min(e.src, e.dst), std::max(e.src, e.dst), static_cast<double>(e.weight), 0, 0, {}},
          fused.layer_weights, k);
    }
    return out;
  }
  const auto& fused = p.fused;
  for (std::size_t k = 0; k < fused.edges.size(); ++k) {
    const auto& e = fused.edges[k];
    add({e.src, e.dst, e.weight, e.count, e.sum_delay_ms, {}}, fused.layer_weights, k);
  }
  return out;
}

}  // namespace

RunAnalysis analyse_run(const RunConfig& config, const std::vector<Action>& actions,
                        const AccountTable& table, const Projection& projection,
                        const ClusterResult& communities, const Flags* flags, const Comm& comm) {
  RunAnalysis out;
  AnalysisParams params;
  params.window_ms = config.window_ms;
  params.evidence_keys = config.evidence_keys;
  params.edge_evidence_keys = config.edge_evidence_keys;
  params.timeline_communities = config.timeline_communities;
  params.timeline_actions = config.timeline_actions;
  out.with_excess = flags != nullptr;
  params.with_excess = out.with_excess;
  if (flags != nullptr) params.excess_half = flags->threshold;
  for (const auto& layer : projection.layers) {
    out.layers.push_back(layer.layer);
    params.projected[static_cast<std::size_t>(layer.layer)] = true;
  }
  auto first_community_by_rank = comm.allgather<std::uint64_t>(communities.first_community);
  first_community_by_rank.push_back(communities.n_communities);
  const auto edges = analysis_edges(projection);
  const AnalysisInput input{
      table.first_index_by_rank,
      communities.community,
      table.n_renames,
      table.created_ms,
      table.language,
      table.location,
      first_community_by_rank,
      communities.community_size,
      edges,
      actions,
      params.projected,
      flags != nullptr ? std::span<const double>(flags->excess) : std::span<const double>(),
      flags != nullptr};
  out.result = analyse_communities(input, params, comm);
  std::uint64_t skipped_communities = 0;
  for (const auto& f : out.result.features) {
    out.edge_evidence_skipped_keys += f.edge_evidence_skipped_keys;
    skipped_communities += f.edge_evidence_skipped_keys > 0;
  }
  const auto skipped_keys =
      comm.allreduce<std::uint64_t>(out.edge_evidence_skipped_keys, ReduceOp::sum);
  skipped_communities = comm.allreduce<std::uint64_t>(skipped_communities, ReduceOp::sum);
  if (skipped_keys > 0) {
    Log::info(
        "edge evidence: {} key(s) of {} community(ies) left out, past {} pairs in the window per "
        "community (/communities/edge_evidence_skipped_keys)",
        skipped_keys, skipped_communities, params.max_edge_evidence_work);
  }
  return out;
}

void name_evidence_keys(const RunConfig& config, RunAnalysis& analysis, const Comm& comm) {
  const auto& community_rows = analysis.result.evidence;
  const auto& edge_rows = analysis.result.edge_evidence;
  std::vector<KeyHash> keys;
  for (const auto& e : community_rows) keys.push_back(e.key);
  for (const auto& e : edge_rows) keys.push_back(e.key);
  Log::info(
      "evidence: re-reading the inputs for the keys of {} evidence row(s), {} edge "
      "evidence row(s)",
      comm.allreduce<std::uint64_t>(community_rows.size(), ReduceOp::sum),
      comm.allreduce<std::uint64_t>(edge_rows.size(), ReduceOp::sum));
  auto texts = recover_key_strings(config.ingest, keys, comm);
  const auto split = texts.begin() + static_cast<std::ptrdiff_t>(community_rows.size());
  analysis.edge_evidence_key.assign(std::make_move_iterator(split),
                                    std::make_move_iterator(texts.end()));
  texts.erase(split, texts.end());
  analysis.evidence_key = std::move(texts);
}

}  // namespace coordnet
