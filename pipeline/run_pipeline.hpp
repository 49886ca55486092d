// `coordnet run`: ingest -> register accounts -> shuffle and project -> write.
// Collective: every rank calls run_pipeline with the same config.
#pragma once

#include <string>

#include "core/comm.hpp"
#include "pipeline/run_config.hpp"

namespace coordnet {

// resolved_config_toml: the configuration as TOML, stored in the output file.
void run_pipeline(const RunConfig& config, const std::string& resolved_config_toml,
                  const Comm& comm);

}  // namespace coordnet
