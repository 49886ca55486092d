// Helpers shared by the MPI tests.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/comm.hpp"

namespace coordnet::testing {

// A file path that every rank agrees on (rank 0's pid). Collective.
inline std::string shared_path(const Comm& comm, const std::string& name) {
  const auto pid = comm.allgather<int>(static_cast<int>(::getpid()))[0];
  return "/tmp/coordnet_test_" + std::to_string(pid) + "_" + name;
}

// shared_path(comm, name), with `content` written to it on rank 0. Collective.
inline std::string write_shared_file(const Comm& comm, const std::string& name,
                                     const std::string& content) {
  const std::string path = shared_path(comm, name);
  if (comm.is_root()) {
    std::ofstream out(path, std::ios::binary);
    out << content;
  }
  comm.barrier();
  return path;
}

// A fresh directory of this rank's own under /tmp, removed with everything in it at scope exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::string name = "/tmp/coordnet_scratch_XXXXXX";
    if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Every rank's share of a list all ranks drew alike: elements i with i mod p == rank.
template <class T>
std::vector<T> strided_share(const std::vector<T>& all, const Comm& comm) {
  std::vector<T> mine;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(comm.size())) == comm.rank()) {
      mine.push_back(all[i]);
    }
  }
  return mine;
}

}  // namespace coordnet::testing
