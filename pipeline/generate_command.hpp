// The `generate` subcommand: its options (scenario first, then single-field overrides) and its
// driver, which resolves the scenario and calls gen::generate on every rank.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "gen/generator_config.hpp"

namespace coordnet {

struct GenerateCommand {
  gen::GeneratorConfig config;
  double scale = 1.0;
  std::string out_dir;
  std::string format = "events";
  bool quiet = false;
  std::uint64_t block_posts = 0;  // 0: GenerateOutputs' default
  CLI::App* app = nullptr;
  // Copies a field from the scenario's values unless the option was given on the command line.
  std::vector<std::function<void(gen::GeneratorConfig&, const gen::GeneratorConfig&)>> defaults;
};

// Adds `generate` to the application; the command's state lives in `command`.
void add_generate_command(CLI::App& app, GenerateCommand& command);

// Runs the command (collective).
void run_generate(GenerateCommand& command, const Comm& comm);

}  // namespace coordnet
