// The `evaluate` subcommand: scores a result file's labelling against a truth file
// (eval/evaluate.hpp). Rank 0 reads and computes; the other ranks only agree on the outcome.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "core/comm.hpp"

namespace coordnet {

struct EvaluateCommand {
  std::string result;
  std::string truth;
  std::string json;
  std::string flagged_from = "auto";
  std::uint64_t min_size = 3;
  CLI::App* app = nullptr;
};

void add_evaluate_command(CLI::App& app, EvaluateCommand& command);

// Collective: every rank calls it; throws the same error on every rank.
void run_evaluate(const EvaluateCommand& command, const Comm& comm);

}  // namespace coordnet
