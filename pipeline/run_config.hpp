// Configuration of `coordnet run`: one struct per stage, filled from the command line or a TOML
// file by add_run_options (CLI11), and written back into the output file as TOML.
#pragma once

#include <CLI/CLI.hpp>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/log.hpp"
#include "io/ingest.hpp"
#include "kernels/analysis/timeline.hpp"
#include "kernels/coaction.hpp"
#include "kernels/compat_coortweet.hpp"
#include "kernels/compat_qut.hpp"
#include "kernels/synchrony.hpp"
#include "kernels/text_sketch.hpp"
#include "pipeline/cluster_options.hpp"
#include "pipeline/flag_config.hpp"

namespace coordnet {

// Which tool's semantics the projection follows (docs/compat.md).
enum class Compat { none, coortweet, qut };

struct RunConfig {
  IngestConfig ingest;
  CoactionConfig coaction;  // the settings shared by every layer
  ClusterOptions cluster;
  FlagConfig flag;
  std::string layers = "auto";
  std::string window = "60";               // seconds, or auto: estimated from the data (--window)
  std::vector<std::string> layer_windows;  // "layer=seconds"
  double fast_window_s = 10.0;
  std::string weighting = "pairs";
  std::uint64_t min_participation = 1;  // per account and layer, before pairing
  double weight_quantile = 0;           // > 0: keep edges above this quantile of their layer
  std::string compat = "none";
  double edge_weight_quantile = 0.5;  // --compat coortweet: weight_threshold
  bool self_loops = false;            // --compat qut
  NearDuplicateConfig near_text;      // --text-similarity, --shingle-words
  SynchronyConfig synchrony;          // --sync-bin, --sync-max-occupancy, --sync-min-bins
  double sync_bin_s = 10.0;
  std::string column_map;
  std::size_t evidence_keys = 10;      // keys kept per community as evidence
  std::size_t edge_evidence_keys = 3;  // keys kept per internal edge (0: none)
  std::size_t timeline_communities = kDefaultTimelineCommunities;  // top communities' actions
  std::size_t timeline_actions = kDefaultTimelineActions;          // kept per such community
  std::string memory_budget = "auto";  // per rank, e.g. "4G"; "none" (or empty): no budget
  std::string out;
  std::string checkpoint_dir;  // empty: no checkpoints (docs/operations.md)
  bool resume = false;         // reuse the checkpoints whose manifest matches
  std::string format = "auto";
  std::string on_bad_record = "quarantine";
  int hash_bits = 64;  // hidden: < 64 forces account-id hash collisions in ingest and registry
                       // (tests)
  bool verbose = false;
  bool quiet = false;

  // Resolved by resolve():
  std::vector<Layer> selected_layers;  // empty: every layer present in the input
  double window_s = 60.0;              // --window in seconds (0 while auto is not yet estimated)
  bool window_auto = false;
  std::array<DurationMs, kLayerCount> window_ms{};
  std::array<bool, kLayerCount> layer_window_given{};  // set by --layer-window
  Compat compat_mode = Compat::none;
  std::uint64_t memory_budget_bytes = 0;
  bool memory_budget_auto = false;  // set from the node's memory by run_pipeline

  // Converts the option strings into the stage configs; throws UsageError on bad values.
  void resolve();
  // Sets the per-rank budget of the projection. An automatic budget only lowers --block-pairs;
  // a given one sets it to an eighth of the budget.
  void set_memory_budget(std::uint64_t bytes, bool automatic);
};

// Adds the options of `run` to a CLI11 (sub)command, in option groups with printed defaults.
void add_run_options(CLI::App& run, RunConfig& config);

}  // namespace coordnet
