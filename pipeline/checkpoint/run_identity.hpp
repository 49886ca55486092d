// The identity text a checkpoint manifest repeats (checkpoint_store.hpp): tool version and git
// sha, rank count, input identities (input_identity.hpp) and the configuration lines that
// decide the stage's output. Collective (rank 0 reads the inputs).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

// The lines `KEY=VALUE` of a resolved configuration (CLI11 TOML, keys `subcommand.option`)
// whose key passes `keep`, in their order.
std::string config_lines(const std::string& toml,
                         const std::function<bool(std::string_view key)>& keep);

std::string checkpoint_identity(const std::vector<std::string>& inputs,
                                const std::string& config_lines, const Comm& comm);

}  // namespace coordnet
