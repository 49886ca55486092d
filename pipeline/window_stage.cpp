#include "pipeline/window_stage.hpp"

#include <fmt/format.h>

#include "core/log.hpp"
#include "kernels/window_estimate.hpp"

namespace coordnet {

void resolve_auto_window(RunConfig& config, const std::vector<Action>& actions, const Comm& comm,
                         StageMetrics& metrics) {
  metrics.start("window");
  WindowEstimateConfig c;
  for (std::size_t l = 0; l < kLayerCount; ++l) {
    const auto layer = static_cast<Layer>(l);
    if (layer != Layer::synchrony && !config.layer_window_given[l]) c.layers.push_back(layer);
  }
  const auto estimate = estimate_window(actions, c, comm);
  std::string lags;
  for (std::size_t j = 0; j < estimate.lag_ms.size(); ++j) {
    lags += fmt::format(" {}s:{}", estimate.lag_ms[j] / 1000, estimate.pairs[j]);
  }
  Log::info("window: estimated {} s (chance {:.1f} pairs per second of lag; pairs by lag{})",
            static_cast<double>(estimate.window_ms) / 1000.0, estimate.chance_density, lags);
  config.window_s = static_cast<double>(estimate.window_ms) / 1000.0;
  for (const auto layer : c.layers) {
    config.window_ms[static_cast<std::size_t>(layer)] = estimate.window_ms;
  }
  metrics.add_count("window_ms",
                    comm.is_root() ? static_cast<std::uint64_t>(estimate.window_ms) : 0);
  metrics.finish(comm);
}

}  // namespace coordnet
