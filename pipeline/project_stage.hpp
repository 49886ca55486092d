// The projection stage of `coordnet run`: every selected layer projected with its own window,
// by the semantics of --compat, filtered, then fused into one graph (kernels/edge_fusion.hpp).
// Collective: every rank calls project_layers with its actions.
#pragma once

#include <optional>
#include <vector>

#include "core/action.hpp"
#include "core/comm.hpp"
#include "core/stage_metrics.hpp"
#include "io/account_registry.hpp"
#include "kernels/coaction.hpp"
#include "kernels/compat_qut.hpp"
#include "kernels/edge_fusion.hpp"
#include "kernels/null_model.hpp"
#include "pipeline/run_config.hpp"

namespace coordnet {

struct LayerEdges {
  Layer layer;
  DurationMs window_ms;
  std::vector<CoactionEdge> edges;     // --compat none and coortweet
  std::vector<DirectedEdge> directed;  // --compat qut
  double weight_threshold = 0;         // --compat coortweet: CooRTweet's weight threshold
  double weight_quantile = 0;          // --weight-quantile: the quantile value edges are above
  // synchrony: co_bins in count and n_keys, the inverse-occupancy sum in weight, and per edge
  // the co-bins expected by chance
  std::vector<double> expected_co_bins;
  // The null model's exposure of the layer, taken from the projection's shuffled actions where
  // the run flags (kernels/null_model.hpp layer_exposure_from_keys); absent otherwise, and in a
  // projection loaded from a checkpoint, where the null model computes it from the actions.
  std::optional<LayerExposure> exposure;
};

struct Projection {
  Compat compat = Compat::none;
  std::vector<LayerEdges> layers;
  FusedEdges fused;                   // undirected modes
  FusedDirectedEdges fused_directed;  // --compat qut
};

Projection project_layers(const RunConfig& config, const std::vector<Action>& actions,
                          const AccountTable& table, const Comm& comm, StageMetrics& metrics);

}  // namespace coordnet
