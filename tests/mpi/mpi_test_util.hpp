// Helpers shared by the MPI tests.
#pragma once

#include <unistd.h>

#include <fstream>
#include <string>

#include "core/comm.hpp"

namespace coordnet::testing {

// A file path that every rank agrees on (rank 0's pid), and writes `content` to it on rank 0.
inline std::string write_shared_file(const Comm& comm, const std::string& name,
                                     const std::string& content) {
  const auto pid = comm.allgather<int>(static_cast<int>(::getpid()))[0];
  const std::string path = "/tmp/coordnet_test_" + std::to_string(pid) + "_" + name;
  if (comm.is_root()) {
    std::ofstream out(path, std::ios::binary);
    out << content;
  }
  comm.barrier();
  return path;
}

}  // namespace coordnet::testing
