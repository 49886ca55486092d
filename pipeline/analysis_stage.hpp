// The analysis stage of `coordnet run` (DESIGN.md §2 "Analysis", docs/analysis.md): features,
// score and rank of every community, roles of every account, the evidence keys of every
// community and of its internal edges, from the actions, the fused graph and the communities;
// then the text of both kinds of evidence keys (one re-read), recovered by re-reading the inputs
// (evidence_keys.hpp). With the flagging stage's result the score gets its excess part. Collective:
// every rank calls analyse_run, then (after releasing the actions) name_evidence_keys.
#pragma once

#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "io/account_registry.hpp"
#include "kernels/analysis/analyse_communities.hpp"
#include "kernels/community/leiden.hpp"
#include "pipeline/flag_stage.hpp"
#include "pipeline/project_stage.hpp"
#include "pipeline/run_config.hpp"

namespace coordnet {

struct RunAnalysis {
  AnalysisResult result;
  std::vector<Layer> layers;              // the projected layers (the layer_share_<layer> columns)
  std::vector<std::string> evidence_key;  // the text of each evidence row's key
  std::vector<std::string> edge_evidence_key;    // the text of each edge evidence row's key
  std::uint64_t edge_evidence_skipped_keys = 0;  // over this rank's communities (work cap)
  bool with_excess = false;                      // the score has the excess part (the run flagged)
};

// flags: the flagging stage's result, nullptr when the run did not flag.
RunAnalysis analyse_run(const RunConfig& config, const std::vector<Action>& actions,
                        const AccountTable& table, const Projection& projection,
                        const ClusterResult& communities, const Flags* flags, const Comm& comm);

void name_evidence_keys(const RunConfig& config, RunAnalysis& analysis, const Comm& comm);

}  // namespace coordnet
