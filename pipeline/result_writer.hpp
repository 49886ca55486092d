// Writes the result of `coordnet run` into one HDF5 file (layout: docs/schema.md).
// Collective: every rank passes its slices.
#pragma once

#include <string>
#include <vector>

#include "core/stage_metrics.hpp"
#include "io/account_registry.hpp"
#include "io/ingest.hpp"
#include "pipeline/project_stage.hpp"

namespace coordnet {

struct RunResult {
  const IngestResult& ingested;
  const AccountTable& accounts;
  const std::vector<HandleRow>& handles;
  const Projection& projection;
  const std::vector<StageReport>& stages;
  std::string config_toml;
};

void write_result(const std::string& path, const RunResult& result, const Comm& comm);

}  // namespace coordnet
