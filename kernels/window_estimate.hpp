// Estimating the co-action window from the data (docs/detection.md §3), for `--window auto`.
//
// What it computes: over all keys of the given layers, the number of pairs of actions on the
// same key whose lag |t_a - t_b| falls in each bin of a fixed ladder of lags up to max_lag
// (1 s, 2 s, 3 s, 5 s, ..., 3600 s). Chance co-action, the overlap of independent accounts on
// the same key, has a lag density that is flat at lags short against the key's life; a group
// that acts on a signal adds pairs at the lags of its members' reactions. The window is the lag
// where that excess ends: the upper edge of the last bin (below max_lag / 4) whose pair density
// (pairs per second of lag) is at least `excess_factor` times the density at long lags
// (max_lag / 4 .. max_lag), where chance dominates; at least min_window. With the default factor
// 2, co-actions at the lags the window ends at are still twice as frequent as chance makes them.
//
// How: like kernels/null_model.hpp, actions go to the owner of (key, time bucket) with buckets
// of 16 max_lag, and an action within max_lag of the next bucket goes there too as a halo
// (an earlier partner only). Each bucket is sorted by time; one pointer per ladder step counts
// the earlier actions within that lag of each action. Counts are summed over ranks.
//
// Collective: every rank calls estimate_window with its actions.
#pragma once

#include <cstdint>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"

namespace coordnet {

struct WindowEstimate {
  std::vector<DurationMs> lag_ms;    // upper edges of the lag bins
  std::vector<std::uint64_t> pairs;  // pairs with lag in (previous edge, edge]
  double chance_density = 0;         // pairs per second of lag over the long lags
  DurationMs window_ms = 0;          // the estimate
};

struct WindowEstimateConfig {
  std::vector<Layer> layers;  // layers whose keys count
  double excess_factor = 2.0;
  DurationMs min_window_ms = 1'000;
};

WindowEstimate estimate_window(const std::vector<Action>& actions,
                               const WindowEstimateConfig& config, const Comm& comm);

// Local building blocks, exposed for tests.
namespace window_estimate_detail {

// The ladder of lag bin edges, 1 s .. 3600 s.
std::vector<DurationMs> lag_ladder();
// Adds to `pairs` (one counter per ladder step) the pairs of one bucket (sorted by time; halo
// actions only as earlier partners) with lag in each bin.
void count_lags(const Action* begin, const Action* end, const std::vector<DurationMs>& ladder,
                std::vector<std::uint64_t>& pairs);
// The window from the pair counts (see the header comment).
DurationMs window_from_lags(const std::vector<DurationMs>& ladder,
                            const std::vector<std::uint64_t>& pairs, double excess_factor,
                            DurationMs min_window_ms, double& chance_density);

}  // namespace window_estimate_detail

}  // namespace coordnet
