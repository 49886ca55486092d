// The analysis of one community, whole on its owner rank (docs/analysis.md has every formula):
// features (size, density, conductance, co-action delays, lifetime, burstiness, renames, causes,
// creation spread, language and location mix, layer mix), the parts of the suspicion score and
// their mean, the roles of its members (coreness, core/periphery, hub, leader share), its
// evidence keys, the keys that bind each of its internal edges (edge_evidence.hpp) and the
// actions kept for its timeline (timeline.hpp).
//
// The input is sorted canonically first, so the result depends only on the community's content,
// never on the order in which the records arrived (and so not on the rank count).
// Serial: no communication. analyse_community is also the serial reference the tests compare the
// distributed stage against.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "kernels/analysis/analysis_types.hpp"
#include "kernels/analysis/community_graph.hpp"
#include "kernels/analysis/edge_evidence.hpp"
#include "kernels/analysis/timeline.hpp"

namespace coordnet {

struct AnalysisParams {
  // Co-action window per layer; actions of layers not projected (projected[l] false) are not
  // coordination and are left out.
  std::array<DurationMs, kLayerCount> window_ms{};
  std::array<bool, kLayerCount> projected{};
  double total_volume = 0;             // sum of the weighted degrees of the whole graph
  std::size_t evidence_keys = 10;      // top keys kept per community
  std::size_t edge_evidence_keys = 3;  // top keys kept per internal edge (0: none)
  std::uint64_t max_edge_evidence_work = kDefaultEdgeEvidenceWork;
  std::uint64_t max_betweenness_work = kDefaultBetweennessWork;
  // Whether the run flagged, and so the score has its excess part, and the flagging stage's
  // threshold (nats): the community excess at which that part is one half.
  bool with_excess = false;
  double excess_half = 0;
  std::size_t timeline_communities = kDefaultTimelineCommunities;  // 0: no /communities/actions
  std::size_t timeline_actions = kDefaultTimelineActions;          // kept per community
};

// A cause is a component of the co-occurrence graph of the community's own coordinated hashtags
// (more than half of all actions on them are the community's) that carries at least this share
// of the actions on those hashtags.
inline constexpr double kMinCauseShare = 0.1;
// The hubs of a community: this share of its members (at least one) with the largest strength.
inline constexpr double kHubShare = 0.05;
// Median co-action delay at which the speed part of the score is one half.
inline constexpr double kSpeedHalfDelayS = 60.0;

struct CommunityAnalysis {
  CommunityFeatures features;
  std::vector<MemberRole> roles;               // by account
  std::vector<EvidenceRow> evidence;           // strongest first
  std::vector<EdgeEvidenceRow> edge_evidence;  // by (src, dst), then strongest first
  std::vector<TimelineAction> timeline;  // empty when params.timeline_communities is 0 or when
                                         // wants_timeline said no
};

// Asked once the community's score is known: whether its timeline is wanted (empty: always).
using WantsTimeline = std::function<bool(const CommunityFeatures&)>;

CommunityAnalysis analyse_community(CommunityInput input, const AnalysisParams& params,
                                    const WantsTimeline& wants_timeline = {});

}  // namespace coordnet
