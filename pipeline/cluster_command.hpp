// `coordnet cluster --edges FILE --out FILE.h5`: community detection alone on a weighted edge
// list (CSV src,dst[,weight] or the /edges group of a coordnet HDF5 file), so the stage can be
// run and measured on any graph. Collective: every rank calls run_cluster_command.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "core/comm.hpp"
#include "pipeline/cluster_options.hpp"

namespace coordnet {

struct ClusterCommandConfig {
  std::string edges;
  std::string out;
  ClusterOptions cluster;
  bool verbose = false;
  bool quiet = false;
};

void add_cluster_command_options(CLI::App& command, ClusterCommandConfig& config);

// resolved_config_toml: the configuration as TOML, stored in the output file.
void run_cluster_command(const ClusterCommandConfig& config,
                         const std::string& resolved_config_toml, const Comm& comm);

}  // namespace coordnet
