// `coordnet export RESULTS.h5 --format gephi|graphml|json`: hands a result to analysts' tools
// (docs/exports.md). Filters (pipeline/community_selection.hpp) pick communities; the export
// holds their accounts and the edges among them. Rank 0 reads the file in slices and writes
// atomically; other ranks only agree on the outcome. Collective: every rank calls run_export.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "pipeline/community_selection.hpp"

namespace coordnet {

struct ExportCommand {
  std::string result;
  std::string format = "json";
  std::string out;  // default: beside RESULT (RESULT stem + _gephi/, .graphml, .summary.json)
  CommunityFilter filter;
  std::uint64_t max_evidence = 10;
  CLI::App* app = nullptr;
};

void add_export_command(CLI::App& app, ExportCommand& command);

void run_export(const ExportCommand& command, const Comm& comm);

}  // namespace coordnet
