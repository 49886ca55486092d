// `coordnet inspect RESULTS.h5`: a terminal summary of a result for a person (docs/exports.md):
// inputs, resolved configuration, counts, rejects, per-stage time and memory, then the top
// communities with their features and evidence; `--community ID` shows one community with its
// members and their handle histories, and its strongest edges with the keys that bind them. Rank 0
// reads and prints; other ranks only agree on the outcome. Collective: every rank calls
// run_inspect.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "core/comm.hpp"
#include "pipeline/result_summary.hpp"

namespace coordnet {

struct InspectCommand {
  std::string result;
  std::optional<std::uint64_t> community;
  std::uint64_t top = 10;
  std::uint64_t max_evidence = 5;
  std::uint64_t max_members = 100;
  std::uint64_t max_edges = 10;
  CLI::App* app = nullptr;
};

void add_inspect_command(CLI::App& app, InspectCommand& command);

void run_inspect(const InspectCommand& command, const Comm& comm);

// The run part of the summary (everything before the communities), as printed.
std::string format_run_summary(const RunSummary& run);

// One community block: header line, features, evidence and (when read) members.
std::string format_community(const CommunityDetail& community);

}  // namespace coordnet
