// `--window auto`: the co-action window estimated from the data (kernels/window_estimate.hpp)
// before the projection; layers with their own --layer-window keep it. Collective: every rank
// calls resolve_auto_window with its actions.
#pragma once

#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/stage_metrics.hpp"
#include "pipeline/run_config.hpp"

namespace coordnet {

// Sets config.window_s and the windows of the layers without --layer-window to the estimate.
void resolve_auto_window(RunConfig& config, const std::vector<Action>& actions, const Comm& comm,
                         StageMetrics& metrics);

}  // namespace coordnet
