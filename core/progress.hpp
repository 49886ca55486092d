// Progress of a long stage, from work counters summed over ranks.
//
// Every rank calls update() the same number of times (the stage divides its local work into a
// fixed number of steps); each call is one allreduce. Rank 0 draws a bar when stderr is a
// terminal and otherwise prints a line at most every `line_interval_s` seconds (batch logs).
#pragma once

#include <cstdint>
#include <string>

#include "core/comm.hpp"

namespace coordnet {

class Progress {
 public:
  Progress(const Comm& comm, std::string label, std::uint64_t local_total,
           double line_interval_s = 10.0);
  // Collective. local_done: work finished on this rank so far.
  void update(std::uint64_t local_done);
  // Collective. Prints the final state.
  void finish();

  // How many update() calls a stage makes over its work.
  static constexpr int kSteps = 32;

 private:
  void draw(std::uint64_t done, bool final);

  const Comm& comm_;
  std::string label_;
  std::uint64_t global_total_;
  double line_interval_s_;
  double started_s_;
  double last_line_s_;
  bool terminal_;
};

}  // namespace coordnet
