// Settings of the flagging stage (pipeline/flag_stage.hpp, docs/detection.md), filled by the
// options of `coordnet run` (--flag-alpha, --flag-min-size, --no-flag, --cluster-weights).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace coordnet {

struct FlagConfig {
  bool skip = false;           // --no-flag: no null model, no flags
  double alpha = 0.01;         // family-wise error level over the accounts tested
  std::uint64_t min_size = 3;  // significant accounts a community needs to be flagged
  // What the clustering weighs edges by when the stage runs: "excess" (/edges/excess; edges
  // chance explains are left out) or "weight" (the fused edge weights, as without flagging).
  std::string cluster_weights = "excess";
};

// Adds the options of the stage to `coordnet run`, in their own group.
void add_flag_options(CLI::App& run, FlagConfig& config);

}  // namespace coordnet
