// Configuration of `coordnet run`: one struct per stage, filled from the command line or a TOML
// file by add_run_options (CLI11), and written back into the output file as TOML.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "core/log.hpp"
#include "io/ingest.hpp"
#include "kernels/coaction.hpp"
#include "pipeline/cluster_options.hpp"

namespace coordnet {

struct RunConfig {
  IngestConfig ingest;
  CoactionConfig coaction;
  ClusterOptions cluster;
  double window_s = 60.0;
  std::string layer = "retweet";
  std::uint64_t min_participation = 1;  // accounts with fewer actions in the layer are dropped
  std::string out;
  std::string format = "auto";
  std::string on_bad_record = "quarantine";
  int hash_bits = 64;  // hidden: < 64 forces account-id hash collisions in ingest and registry
                       // (tests)
  bool verbose = false;
  bool quiet = false;

  // Converts the option strings into the stage configs; throws UsageError on bad values.
  void resolve();
};

// Adds the options of `run` to a CLI11 (sub)command, in option groups with printed defaults.
void add_run_options(CLI::App& run, RunConfig& config);

}  // namespace coordnet
