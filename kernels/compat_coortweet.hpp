// CooRTweet-compatible projection: detect_groups + generate_coordinated_network of the CooRTweet
// R package (v2.1.x), reproduced exactly (docs/compat.md lists the quirks kept).
//
// What it computes, for one layer (the caller has already dropped accounts with fewer than
// min_participation actions, CooRTweet's pre-filter):
//   rows    every pair of actions on one key with |dt| <= window, duplicates NOT merged, except
//           pairs by the same account, pairs with the same content id, and pairs where either
//           action's content id equals the key (the original post itself)
//   filter  a row survives when one of its accounts has >= min_participation actions whose
//           content appears in some row (CooRTweet's filter_min_participation)
//   edges   per account pair: weight = rows, mean |dt| (avg_time_delta), distinct content ids on
//           the earlier side (n_content_id) and on the later side (n_content_id_y), symmetry =
//           min / max of the two; ties in time are ordered by (account, content)
// plus the weight threshold: the exact type-7 quantile of all edge weights at
// edge_weight_quantile (an edge is above it when weight > threshold).
//
// Collective: every rank calls project_coortweet once with its actions (any layers).
#pragma once

#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/stage_metrics.hpp"
#include "kernels/coaction.hpp"

namespace coordnet {

struct CoortweetConfig {
  Layer layer = Layer::retweet;
  DurationMs window_ms = 60'000;
  std::uint64_t min_participation = 2;
  double edge_weight_quantile = 0.5;
};

struct CoortweetResult {
  std::vector<CoactionEdge> edges;  // this rank's, owned by the owner of src, sorted
  double weight_threshold = 0;      // the same on every rank
};

// One co-share row (local building block).
struct CoshareRow {
  AccountIndex src, dst;
  ContentHash older, newer;
  KeyHash key;
  TimeMs t_older, t_newer;
};

namespace coortweet_detail {
// Appends the rows of one key's actions (sorted by time, account, content) and their contents.
void rows_of_key(const Action* begin, const Action* end, DurationMs window_ms,
                 std::vector<CoshareRow>& rows, std::vector<ContentHash>& contents);
// Edges of rows sorted by (src, dst).
std::vector<CoactionEdge> edges_of_rows(std::vector<CoshareRow>& rows);
}  // namespace coortweet_detail

template <class OwnerOf>
CoortweetResult project_coortweet(const std::vector<Action>& actions, const CoortweetConfig& config,
                                  OwnerOf&& owner_of_account, const Comm& comm,
                                  StageMetrics& metrics);

}  // namespace coordnet

#include "kernels/compat_coortweet_impl.hpp"
