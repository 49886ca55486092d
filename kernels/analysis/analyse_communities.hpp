// The distributed analysis stage (DESIGN.md §2 "Analysis", docs/analysis.md): communities are
// gathered whole on their owner ranks (gather_communities.hpp), each is analysed there
// (community_analysis.hpp), the features go back to the rank holding the community's slice of
// /communities, the roles to the owner of each account, the evidence rows to the community's
// slice owner, the edge evidence rows to the owner of the edge's src account, and the communities
// are ranked by score (rank_by_score.hpp). The timelines (timeline.hpp) of the
// params.timeline_communities communities ranked first go to their communities' slice owners:
// each owner keeps those of its own best communities while it analyses them (at most
// timeline_communities x timeline_actions actions), and sends only those that rank first.
//
// The result is the same at every rank count: every community is analysed whole by the same
// serial code on canonically sorted input, and sums over ranks are exact.
// Collective: every rank calls analyse_communities once.
#pragma once

#include <vector>

#include "core/comm.hpp"
#include "kernels/analysis/community_analysis.hpp"
#include "kernels/analysis/gather_communities.hpp"

namespace coordnet {

struct AnalysisResult {
  std::vector<CommunityFeatures> features;     // this rank's slice of the communities, by id
  std::vector<MemberRole> roles;               // this rank's accounts, by index
  std::vector<EvidenceRow> evidence;           // of this rank's communities, by (community, order)
  std::vector<EdgeEvidenceRow> edge_evidence;  // of the edges whose src is this rank's, by
                                               // (src, dst, order)
  std::vector<TimelineAction> timeline;  // of this rank's top communities, by (community, account,
                                         // t_ms, layer, evidence_order, key)
};

// params.total_volume is computed here from the input edges.
AnalysisResult analyse_communities(const AnalysisInput& input, AnalysisParams params,
                                   const Comm& comm);

}  // namespace coordnet
