// Options of the community-detection stage, shared by `coordnet run` and `coordnet cluster`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "kernels/community/cluster_types.hpp"

namespace coordnet {

struct ClusterOptions {
  ClusterConfig config;
  std::string objective = "modularity";

  // Converts the option strings into config; throws UsageError on bad values.
  void resolve();
};

// Adds --objective, --resolution, --seed, ... to a (sub)command, in the group "Communities".
void add_cluster_options(CLI::App& app, ClusterOptions& options);

}  // namespace coordnet
