// Identities of input files, for deciding whether a checkpoint still describes them.
//
// An identity is the path, the size, the modification time (ns) and a fingerprint: XXH3-64 of
// the size and of 16 blocks of 64 KiB spread evenly over the file (the whole file when it is
// at most 1 MiB). Reading 1 MiB per file keeps the check cheap on large inputs; an edit that
// keeps size and mtime and touches no sampled block goes unnoticed (documented in
// docs/operations.md). Collective: rank 0 reads the files and broadcasts the text; throws
// IoError on every rank when a file cannot be read.
#pragma once

#include <string>
#include <vector>

#include "core/comm.hpp"

namespace coordnet {

// One TOML [[input]] table per path, in the given order.
std::string input_identities_toml(const std::vector<std::string>& paths, const Comm& comm);

}  // namespace coordnet
