// Fuzz target of the configuration loader of `coordnet run` (pipeline/run_config.hpp): the
// input is a TOML file given as `coordnet --config FILE run in.csv --out out.h5`, read by CLI11
// into a RunConfig and resolved into the stage configs, as main.cpp does. A usage, config or
// data error is a clean refusal; any other exception or a crash is a bug. Checks that a config
// that resolves is reproduced by its own dump (--dump-config): reading the dumped TOML back
// gives the same dump, and it resolves too.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "core/errors.hpp"
#include "pipeline/run_config.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

// The TOML file CLI11 reads, one per process, removed at exit.
struct ConfigFile {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("coordnet-fuzz-config-" + std::to_string(::getpid()) + ".toml"))
                         .string();
  ~ConfigFile() { std::filesystem::remove(path); }
};

const std::string& config_path() {
  static const ConfigFile file;
  return file.path;
}

// The dump of the config that the TOML text gives, resolved into `config`; nullopt when the
// loader refuses it.
std::optional<std::string> load(const std::string& toml, coordnet::RunConfig& config) {
  std::ofstream(config_path(), std::ios::binary | std::ios::trunc) << toml;
  CLI::App app{"coordnet", "coordnet"};
  app.set_config("--config");
  auto* run = app.add_subcommand("run");
  coordnet::add_run_options(*run, config);
  const char* argv[] = {"coordnet", "--config", config_path().c_str(), "run", "in.csv",
                        "--out",    "out.h5"};
  try {
    app.parse(static_cast<int>(std::size(argv)), argv);
    std::string dump = app.config_to_str(true, false);
    config.resolve();
    return dump;
  } catch (const CLI::Error&) {
    return std::nullopt;
  } catch (const coordnet::Error&) {
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string toml(reinterpret_cast<const char*>(data), size);
  coordnet::RunConfig config;
  const auto dump = load(toml, config);
  if (!dump) return 0;
  coordnet::RunConfig again;
  const auto dump_again = load(*dump, again);
  FUZZ_CHECK(dump_again.has_value(), "the dump of a valid config is refused");
  FUZZ_CHECK(*dump_again == *dump, "the dump of a config reads back as a different config");
  return 0;
}
