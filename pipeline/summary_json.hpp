// The JSON summary of a result (`coordnet export --format json`, docs/exports.md): run
// attributes, inputs, counts, rejects, per-stage timings, and the listed communities with their
// features and evidence.
#pragma once

#include <string>
#include <vector>

#include "pipeline/community_selection.hpp"
#include "pipeline/result_summary.hpp"

namespace coordnet {

std::string format_summary_json(const RunSummary& run, const CommunityFilter& filter,
                                const SelectedCommunities& selection,
                                const std::vector<CommunityDetail>& listed);

}  // namespace coordnet
