#include "pipeline/analysis_stage.hpp"

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
                        const ClusterResult& communities, const Comm& comm) {
  RunAnalysis out;
  AnalysisParams params;
  params.window_ms = config.window_ms;
  params.evidence_keys = config.evidence_keys;
  for (const auto& layer : projection.layers) {
    out.layers.push_back(layer.layer);
    params.projected[static_cast<std::size_t>(layer.layer)] = true;
  }
  auto first_community_by_rank = comm.allgather<std::uint64_t>(communities.first_community);
  first_community_by_rank.push_back(communities.n_communities);
  const auto edges = analysis_edges(projection);
  const AnalysisInput input{table.first_index_by_rank,
                            communities.community,
                            table.n_renames,
                            table.created_ms,
                            table.language,
                            table.location,
                            first_community_by_rank,
                            communities.community_size,
                            edges,
                            actions,
                            params.projected};
  out.result = analyse_communities(input, params, comm);
  return out;
}

void name_evidence_keys(const RunConfig& config, RunAnalysis& analysis, const Comm& comm) {
  std::vector<KeyHash> keys;
  for (const auto& e : analysis.result.evidence) keys.push_back(e.key);
  Log::info("evidence: re-reading the inputs for the keys of {} evidence row(s)",
            comm.allreduce<std::uint64_t>(keys.size(), ReduceOp::sum));
  analysis.evidence_key = recover_key_strings(config.ingest, keys, comm);
}

}  // namespace coordnet
