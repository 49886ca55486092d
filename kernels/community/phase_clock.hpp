// PhaseClock: wall time of the phases of the community kernel, for the debug log.
//
// lap(name) ends the running phase and names it; line() formats "name s, name s, ..." for a
// Log::debug line (coordnet cluster -v). Local to a rank: it never communicates.
#pragma once

#include <fmt/core.h>

#include <chrono>
#include <string>

namespace coordnet {

class PhaseClock {
 public:
  void lap(const char* name) {
    const auto now = std::chrono::steady_clock::now();
    if (!line_.empty()) line_ += ", ";
    line_ += fmt::format("{} {:.3f} s", name, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  const std::string& line() const noexcept { return line_; }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::string line_;
};

}  // namespace coordnet
