#include "pipeline/checkpoint/run_identity.hpp"

#include <fmt/core.h>

#include <sstream>

#include "pipeline/checkpoint/input_identity.hpp"
#include "pipeline/version.hpp"

namespace coordnet {

std::string config_lines(const std::string& toml,
                         const std::function<bool(std::string_view key)>& keep) {
  std::istringstream lines(toml);
  std::string line, kept;
  while (std::getline(lines, line)) {
    if (keep(std::string_view(line).substr(0, line.find('=')))) kept += line + "\n";
  }
  return kept;
}

std::string checkpoint_identity(const std::vector<std::string>& inputs,
                                const std::string& config_lines, const Comm& comm) {
  return fmt::format("version = \"{}\"\ngit_sha = \"{}\"\nranks = {}\n{}[config]\n{}", kVersion,
                     kGitSha, comm.size(), input_identities_toml(inputs, comm), config_lines);
}

}  // namespace coordnet
