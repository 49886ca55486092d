// coordnet: finds coordinated campaigns in social-media interaction data.
// `mpirun -np N coordnet run INPUT... --out RESULT.h5`; see README.md and docs/.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "pipeline/cluster_command.hpp"
#include "pipeline/evaluate_command.hpp"
#include "pipeline/export_command.hpp"
#include "pipeline/generate_command.hpp"
#include "pipeline/inspect_command.hpp"
#include "pipeline/nightly/nightly_command.hpp"
#include "pipeline/run_config.hpp"
#include "pipeline/run_pipeline.hpp"
#include "pipeline/version.hpp"

namespace {

using coordnet::ExitCode;

int exit_code(ExitCode code) { return static_cast<int>(code); }

// The configuration as TOML, restricted to the subcommand that runs: CLI11 writes the options of
// every subcommand (unused ones empty), and `cluster.edges=""` read back names no file.
std::string config_of_parsed_subcommand(const CLI::App& app) {
  const std::string all = app.config_to_str(true, false);
  std::vector<std::string> unused;
  for (const auto* sub : app.get_subcommands([](const CLI::App* a) { return !a->parsed(); })) {
    unused.push_back(sub->get_name() + ".");
  }
  const auto is_other_subcommand = [&](const std::string& line) {
    return std::any_of(unused.begin(), unused.end(),
                       [&](const std::string& prefix) { return line.starts_with(prefix); });
  };
  std::string kept;
  std::size_t start = 0;
  while (start < all.size()) {
    const auto end = std::min(all.find('\n', start), all.size());
    const std::string line = all.substr(start, end - start);
    if (!is_other_subcommand(line)) kept += line + '\n';
    start = end + 1;
  }
  return kept;
}

// The arguments with `--config FILE` (or `--config=FILE`) moved right after the program name.
// CLI11 reads the file only when the option comes before the subcommand; written after it
// (`coordnet run --config F`) the option falls through to the app, which parses the file but
// does not apply its `run.*` keys, so the run would silently ignore the configuration.
std::vector<char*> config_option_first(int argc, char** argv) {
  std::vector<char*> config;
  std::vector<char*> rest;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      rest.insert(rest.end(), argv + i, argv + argc);
      break;
    }
    if (arg == "--config" && i + 1 < argc) {
      config.insert(config.end(), {argv[i], argv[i + 1]});
      ++i;
    } else if (arg.starts_with("--config=")) {
      config.push_back(argv[i]);
    } else {
      rest.push_back(argv[i]);
    }
  }
  std::vector<char*> ordered{argv[0]};
  ordered.insert(ordered.end(), config.begin(), config.end());
  ordered.insert(ordered.end(), rest.begin(), rest.end());
  return ordered;
}

int run_command(int argc, char** argv, const coordnet::Comm& comm) {
  CLI::App app{"coordnet: coordinated-campaign detection on MPI", "coordnet"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       fmt::format("coordnet {} ({})", coordnet::kVersion, coordnet::kGitSha));
  app.get_formatter()->column_width(34);

  coordnet::RunConfig config;
  auto* run = app.add_subcommand("run", "Ingest, project co-actions and write one HDF5 file");
  app.set_config("--config", "", "Read options from a TOML file (as written by --dump-config)");
  bool dump_config = false;
  run->add_flag("--dump-config", dump_config, "Print the resolved configuration as TOML and exit")
      ->configurable(false)
      ->group("Output");
  coordnet::add_run_options(*run, config);
  coordnet::GenerateCommand generate;
  coordnet::add_generate_command(app, generate);
  coordnet::EvaluateCommand evaluate;
  coordnet::add_evaluate_command(app, evaluate);
  coordnet::ExportCommand export_command;
  coordnet::add_export_command(app, export_command);
  coordnet::InspectCommand inspect;
  coordnet::add_inspect_command(app, inspect);
  coordnet::ClusterCommandConfig cluster_config;
  auto* cluster = app.add_subcommand(
      "cluster", "Find communities in a weighted edge list (CSV or a coordnet HDF5 file)");
  coordnet::add_cluster_command_options(*cluster, cluster_config);
  coordnet::NightlyOptions nightly_options;
  auto* nightly = coordnet::add_nightly_command(app, nightly_options, config);

  try {
    auto ordered = config_option_first(argc, argv);
    app.parse(static_cast<int>(ordered.size()), ordered.data());
    if (const auto* config_file = app.get_option("--config"); config_file->count() > 0) {
      const auto path = config_file->as<std::string>();
      if (!std::ifstream(path)) throw CLI::FileError::Missing(path);
    }
  } catch (const CLI::ParseError& e) {
    if (!comm.is_root()) return e.get_exit_code() == 0 ? 0 : exit_code(ExitCode::usage);
    const int code = app.exit(e);
    if (code == 0) return 0;
    const bool config_problem = dynamic_cast<const CLI::ConfigError*>(&e) != nullptr ||
                                dynamic_cast<const CLI::FileError*>(&e) != nullptr;
    return exit_code(config_problem ? ExitCode::config : ExitCode::usage);
  }
  if (generate.app->parsed()) {
    coordnet::run_generate(generate, comm);
    return 0;
  }
  if (evaluate.app->parsed()) {
    coordnet::run_evaluate(evaluate, comm);
    return 0;
  }
  if (export_command.app->parsed()) {
    coordnet::run_export(export_command, comm);
    return 0;
  }
  if (inspect.app->parsed()) {
    coordnet::run_inspect(inspect, comm);
    return 0;
  }
  const bool clustering = cluster->parsed();
  const bool quiet = clustering ? cluster_config.quiet : config.quiet;
  const bool verbose = clustering ? cluster_config.verbose : config.verbose;
  coordnet::Log::init(comm.rank(), quiet     ? coordnet::Verbosity::quiet
                                   : verbose ? coordnet::Verbosity::debug
                                             : coordnet::Verbosity::info);
  const std::string toml = config_of_parsed_subcommand(app);
  if (clustering) {
    cluster_config.cluster.resolve();
    coordnet::run_cluster_command(cluster_config, toml, comm);
    return 0;
  }
  config.resolve();
  if (dump_config) {
    if (comm.is_root()) std::fputs(toml.c_str(), stdout);
    return 0;
  }
  if (nightly->parsed()) {
    coordnet::run_nightly(nightly_options, config, toml, comm);
    return 0;
  }
  coordnet::run_pipeline(config, toml, comm);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  coordnet::MpiEnvironment mpi(argc, argv);
  const coordnet::Comm comm;
  try {
    return run_command(argc, argv, comm);
  } catch (const coordnet::Error& e) {
    if (!e.printed() && (comm.is_root() || !e.agreed())) {
      std::fprintf(stderr, "coordnet: error: %s\n", e.what());
    }
    if (!e.agreed() && comm.size() > 1) comm.abort(exit_code(e.code()));
    return exit_code(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coordnet: internal error (rank %d): %s\n", comm.rank(), e.what());
    if (comm.size() > 1) comm.abort(exit_code(ExitCode::io));
    return exit_code(ExitCode::io);
  }
}
