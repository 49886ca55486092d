// `coordnet nightly`: the run over a rolling window of dated inputs, incrementally.
//
// Every day of the window is parsed once and kept in a day cache (OUT/cache/YYYY-MM-DD, a
// checkpoint store keyed by the day's input identities and the ingest options), so a night
// parses only the days it has not seen; the days are appended in date order and the rest of
// `coordnet run` follows. The result goes to OUT/YYYY-MM-DD/ (result.h5, coordnet.log,
// config.toml, version.txt); OUT/latest is then switched to it atomically (a symlink made under
// a temporary name and renamed over the old one), so `latest` always names a complete result.
// Finally only the newest --retain dated folders and the day caches inside the window are
// kept. Layout and rules: docs/operations.md. Collective: every rank calls run_nightly.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "core/comm.hpp"
#include "pipeline/run_config.hpp"

namespace coordnet {

struct NightlyOptions {
  std::string input_root;
  long days = 7;
  std::string out_root;
  long retain = 7;
  std::string date;  // last day of the window; empty: the newest day under input_root
};

// Adds the subcommand with its own options and those of `run` (bound to `run_config`) except
// the inputs, --out and the checkpoint options, which nightly sets itself.
CLI::App* add_nightly_command(CLI::App& app, NightlyOptions& options, RunConfig& run_config);

void run_nightly(const NightlyOptions& options, RunConfig run_config, const std::string& toml,
                 const Comm& comm);

}  // namespace coordnet
