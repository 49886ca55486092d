// `coordnet run`: ingest -> register accounts -> project -> cluster -> write, each stage saved
// to and resumed from --checkpoint-dir when given (docs/operations.md).
// Collective: every rank calls run_pipeline with the same config.
#pragma once

#include <functional>
#include <string>

#include "core/comm.hpp"
#include "pipeline/raw_ingest.hpp"
#include "pipeline/run_config.hpp"

namespace coordnet {

// Where the parsed inputs come from; empty: ingest_inputs(config) (`coordnet nightly` passes its
// day caches). Collective.
using IngestSource = std::function<RawIngest(StageMetrics&)>;

// resolved_config_toml: the configuration as TOML, stored in the output file.
void run_pipeline(const RunConfig& config, const std::string& resolved_config_toml,
                  const Comm& comm, const IngestSource& source = {});

}  // namespace coordnet
