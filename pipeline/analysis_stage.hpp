// The analysis stage of `coordnet run` (DESIGN.md §2 "Analysis", docs/analysis.md): features,
// score and rank of every community, roles of every account and the evidence keys of every
// community, from the actions, the fused graph and the communities; then the text of the
// evidence keys, recovered by re-reading the inputs (evidence_keys.hpp).
// Collective: every rank calls analyse_run, then (after releasing the actions)
// name_evidence_keys.
#pragma once

#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "io/account_registry.hpp"
#include "kernels/analysis/analyse_communities.hpp"
#include "kernels/community/leiden.hpp"
#include "pipeline/project_stage.hpp"
#include "pipeline/run_config.hpp"

namespace coordnet {

struct RunAnalysis {
  AnalysisResult result;
  std::vector<Layer> layers;              // the projected layers (the layer_share_<layer> columns)
  std::vector<std::string> evidence_key;  // the text of each evidence row's key
};

RunAnalysis analyse_run(const RunConfig& config, const std::vector<Action>& actions,
                        const AccountTable& table, const Projection& projection,
                        const ClusterResult& communities, const Comm& comm);

void name_evidence_keys(const RunConfig& config, RunAnalysis& analysis, const Comm& comm);

}  // namespace coordnet
