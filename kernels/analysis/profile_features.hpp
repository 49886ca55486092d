// Profile features of one community (docs/analysis.md "Features"): how its members' accounts
// were created (spread of creation times, the largest share created within one batch span) and
// how their languages and locations mix (the most common value, its share, the entropy).
// Unknown values (kUnknownTime, "") are left out; the result does not depend on the members'
// order. Serial: part of analyse_community.
#pragma once

#include <vector>

#include "kernels/analysis/analysis_types.hpp"

namespace coordnet {

// Accounts created within this span of each other count as one batch.
inline constexpr DurationMs kCreationBatchSpanMs = 7LL * 86'400'000;

// Fills n_created_known, created_iqr_days, created_batch_share, language and location.
void add_profile_features(const std::vector<MemberProfile>& profiles, CommunityFeatures& f);

}  // namespace coordnet
