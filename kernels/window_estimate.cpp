#include "kernels/window_estimate.hpp"

#include <algorithm>

#include "kernels/null_model.hpp"

namespace coordnet {

namespace window_estimate_detail {

std::vector<DurationMs> lag_ladder() {
  return {1'000,   2'000,   3'000,   5'000,     7'000,     10'000,    15'000,   20'000,
          30'000,  45'000,  60'000,  90'000,    120'000,   180'000,   240'000,  300'000,
          450'000, 600'000, 900'000, 1'200'000, 1'800'000, 2'700'000, 3'600'000};
}

void count_lags(const Action* begin, const Action* end, const std::vector<DurationMs>& ladder,
                std::vector<std::uint64_t>& pairs) {
  // lo[j]: the first action within ladder[j] of the current one; the pairs with lag in bin j
  // are those within ladder[j] but not within ladder[j - 1].
  std::vector<const Action*> lo(ladder.size(), begin);
  for (const Action* a = begin; a != end; ++a) {
    std::uint64_t within_previous = 0;
    for (std::size_t j = 0; j < ladder.size(); ++j) {
      while (a->t_ms - lo[j]->t_ms > ladder[j]) ++lo[j];
      const auto within = static_cast<std::uint64_t>(a - lo[j]);
      if ((a->flags & kActionIsHalo) == 0) pairs[j] += within - within_previous;
      within_previous = within;
    }
  }
}

DurationMs window_from_lags(const std::vector<DurationMs>& ladder,
                            const std::vector<std::uint64_t>& pairs, double excess_factor,
                            DurationMs min_window_ms, double& chance_density) {
  const DurationMs long_from = ladder.back() / 4;
  std::uint64_t long_pairs = 0;
  for (std::size_t j = 0; j < ladder.size(); ++j) {
    if (ladder[j] > long_from) long_pairs += pairs[j];
  }
  chance_density =
      static_cast<double>(long_pairs) / (static_cast<double>(ladder.back() - long_from) / 1000.0);
  DurationMs lower = 0;
  DurationMs window = 0;
  for (std::size_t j = 0; j < ladder.size() && ladder[j] <= long_from; ++j) {
    const double density =
        static_cast<double>(pairs[j]) / (static_cast<double>(ladder[j] - lower) / 1000.0);
    if (density >= excess_factor * chance_density) window = ladder[j];
    lower = ladder[j];
  }
  return std::max(window, min_window_ms);
}

}  // namespace window_estimate_detail

WindowEstimate estimate_window(const std::vector<Action>& actions,
                               const WindowEstimateConfig& config, const Comm& comm) {
  using namespace window_estimate_detail;
  WindowEstimate estimate;
  estimate.lag_ms = lag_ladder();
  const auto max_lag = estimate.lag_ms.back();
  const auto bucket_ms = null_model_detail::bucket_ms_for(max_lag);
  const auto groups = null_model_detail::bucketed_actions(
      actions,
      [&](const Action& a) {
        return std::find(config.layers.begin(), config.layers.end(), a.layer) !=
               config.layers.end();
      },
      bucket_ms, max_lag, false, comm);
  std::vector<std::uint64_t> pairs(estimate.lag_ms.size(), 0);
  for (std::size_t begin = 0; begin < groups.size();) {
    std::size_t end = begin + 1;
    while (end < groups.size() && groups[end].key == groups[begin].key) ++end;
    count_lags(groups.data() + begin, groups.data() + end, estimate.lag_ms, pairs);
    begin = end;
  }
  estimate.pairs = comm.allreduce<std::uint64_t>(pairs, ReduceOp::sum);
  estimate.window_ms = window_from_lags(estimate.lag_ms, estimate.pairs, config.excess_factor,
                                        config.min_window_ms, estimate.chance_density);
  return estimate;
}

}  // namespace coordnet
