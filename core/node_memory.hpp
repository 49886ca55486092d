// How much memory this process may still take on its node, and how many ranks share the node.
//
// available_memory reads MemAvailable from <proc>/meminfo and lowers it to what the memory
// cgroups of the process leave (limit minus usage, on the process's cgroup and on each ancestor
// up to the mount: cgroup v2 memory.max and memory.current, v1 memory.limit_in_bytes and
// memory.usage_in_bytes), since a Slurm job or a container is held to its cgroup's limit, not to
// the node's memory. The roots are parameters so that tests can give fixture folders.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/comm.hpp"

namespace coordnet {

// Bytes; 0 when neither meminfo nor a cgroup limit could be read. Local (no MPI).
std::uint64_t available_memory(const std::filesystem::path& proc = "/proc",
                               const std::filesystem::path& cgroup_root = "/sys/fs/cgroup");

// The ranks of comm that share this rank's node (MPI_COMM_TYPE_SHARED). Collective.
int ranks_on_node(const Comm& comm);

}  // namespace coordnet
