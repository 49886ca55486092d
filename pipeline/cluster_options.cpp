#include "pipeline/cluster_options.hpp"

#include "core/errors.hpp"

namespace coordnet {

void add_cluster_options(CLI::App& app, ClusterOptions& o) {
  const std::string group = "Communities";
  auto& c = o.config;
  app.add_option("--objective", o.objective, "Objective: modularity or cpm (constant Potts model)")
      ->capture_default_str()
      ->check(CLI::IsMember({"modularity", "cpm"}))
      ->group(group);
  app.add_option("--resolution", c.resolution,
                 "Resolution gamma (modularity: 1 = Newman-Girvan; cpm: density threshold in "
                 "weight units)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(group);
  app.add_option("--seed", c.seed, "Seed of the sub-round draw and the refinement order")
      ->capture_default_str()
      ->group(group);
  app.add_option("--max-levels", c.max_levels, "Levels with local moving (then stop)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000))
      ->group(group);
  app.add_option("--max-iterations", c.max_iterations, "Local-moving rounds per level")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000))
      ->group(group);
  app.add_option("--sub-rounds", c.sub_rounds, "Synchronous sub-rounds per round")
      ->capture_default_str()
      ->check(CLI::Range(1, 255))
      ->group(group);
  app.add_option("--tolerance", c.tolerance,
                 "A level stops when a round moves fewer than this fraction of its vertices "
                 "(divided by 10 per level)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->group(group);
  app.add_option("--min-tolerance", c.min_tolerance, "Smallest tolerance after scaling")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->group(group);
  app.add_option("--gather-below", c.gather_below,
                 "Finish on rank 0 once the coarse graph has at most this many vertices + "
                 "adjacency entries (such levels move vertices one at a time)")
      ->capture_default_str()
      ->group(group);
}

void ClusterOptions::resolve() {
  config.objective = objective == "cpm" ? Objective::cpm : Objective::modularity;
  if (config.min_tolerance > config.tolerance) {
    throw UsageError("--min-tolerance must not exceed --tolerance", true);
  }
}

}  // namespace coordnet
