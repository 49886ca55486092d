// The actions of a community kept for its timeline raster (/communities/actions, docs/analysis.md
// "Timeline"): all of them when there are at most `cap`, else the actions on the community's
// evidence keys first, then those on its other coordinated keys, then the rest, and within the
// class that does not fit whole a deterministic sample: the actions with the smallest hash of
// (key, account, time, layer). The sample depends only on the actions, not on their order, so it
// is the same at every rank count. Serial, on the community's owner rank.
#pragma once

#include <cstddef>
#include <vector>

#include "kernels/analysis/analysis_types.hpp"

namespace coordnet {

// Communities (by /communities/rank) whose actions are kept, and actions kept per community.
inline constexpr std::size_t kDefaultTimelineCommunities = 20;
inline constexpr std::size_t kDefaultTimelineActions = 20'000;

// The kept actions, ordered by (account, t_ms, layer, evidence_order, key).
std::vector<TimelineAction> cap_timeline(std::vector<TimelineAction> actions, std::size_t cap);

}  // namespace coordnet
