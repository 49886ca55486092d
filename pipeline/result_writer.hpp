// Writes the result of `coordnet run` into one HDF5 file (layout: docs/schema.md).
// Collective: every rank passes its slices.
#pragma once

#include <string>
#include <vector>

#include "core/stage_metrics.hpp"
#include "io/account_registry.hpp"
#include "io/hdf5_file.hpp"
#include "io/ingest.hpp"
#include "kernels/community/leiden.hpp"
#include "pipeline/analysis_stage.hpp"
#include "pipeline/flag_stage.hpp"
#include "pipeline/project_stage.hpp"

namespace coordnet {

struct RunResult {
  const IngestResult& ingested;
  const AccountTable& accounts;
  const std::vector<HandleRow>& handles;
  const Projection& projection;
  const ClusterResult& communities;
  const RunAnalysis& analysis;
  const std::vector<StageReport>& stages;
  std::string config_toml;
  const FlagResult* flags = nullptr;  // absent when flagging is off
};

void write_result(const std::string& path, const RunResult& result, const Comm& comm);

// Root attributes every output file carries: schema, version, git_sha, created, ranks, config.
void write_run_attributes(Hdf5Writer& writer, const std::string& config_toml, const Comm& comm);
// Per-stage timings and counts as TOML (the `stages` attribute).
std::string stages_toml(const std::vector<StageReport>& stages);

}  // namespace coordnet
